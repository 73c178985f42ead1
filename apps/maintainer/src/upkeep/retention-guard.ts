import { MaintainerError } from '../maintainer-error';

const HOURS_PER = { second: 1 / 3600, minute: 1 / 60, hour: 1, day: 24, week: 168 } as const;

/**
 * Hours of a Delta interval property (`interval 7 days`, `interval 30 minutes`), or `undefined` when absent or not in
 * that form (then the table's own retention is not known and only the configured window applies).
 */
export function intervalHours(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^\s*interval\s+(\d+(?:\.\d+)?)\s+(second|minute|hour|day|week)s?\s*$/i.exec(value);
  if (match === null) return undefined;
  const unit = match[2]!.toLowerCase() as keyof typeof HOURS_PER;
  return Number(match[1]) * HOURS_PER[unit];
}

export interface RetentionRequest {
  /** Retention asked for, in hours; the floor when absent. */
  readonly requestedHours?: number;
  /** The configured time-travel window, in hours. */
  readonly windowHours: number;
  /** The table's `delta.deletedFileRetentionDuration`, when set. */
  readonly tableRetentionHours?: number;
  /** Operator override: go below the floor anyway. */
  readonly force: boolean;
}

export interface RetentionDecision {
  readonly retentionHours: number;
  /** The lowest retention allowed without force: the window, or the table's own retention if longer. */
  readonly floorHours: number;
  /** True when the retention is below the floor (only possible with force); the caller logs and records it. */
  readonly forced: boolean;
}

/**
 * Invariant (time travel): VACUUM never runs with a retention below the configured time-travel window (nor the
 * table's own deleted-file retention) unless forced. Refuses with `VACUUM_RETENTION_BELOW_WINDOW` otherwise.
 */
export function decideVacuumRetention(request: RetentionRequest): RetentionDecision {
  const floorHours = Math.max(request.windowHours, request.tableRetentionHours ?? 0);
  const requested = request.requestedHours ?? floorHours;
  if (!Number.isFinite(requested) || requested < 0) {
    throw new MaintainerError(
      'INVALID_RETENTION',
      `retention must be a number of hours ≥ 0, got ${requested}`,
    );
  }
  if (requested >= floorHours) return { retentionHours: requested, floorHours, forced: false };
  if (!request.force) {
    throw new MaintainerError(
      'VACUUM_RETENTION_BELOW_WINDOW',
      `VACUUM retention ${requested} h is below the time-travel window of ${floorHours} h; ` +
        'readers pinned inside the window would lose their files (force to override)',
    );
  }
  return { retentionHours: requested, floorHours, forced: true };
}
