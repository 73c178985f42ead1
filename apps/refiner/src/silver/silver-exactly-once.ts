import {
  Lake,
  type MergeSpec,
  SILVER_POSITION_APP_ID,
  SILVER_QUARANTINE,
  type SilverRejectRow,
  type SilverTickRow,
  type TableDefinition,
} from '@lakehouse/lake';
import { silverRowsOf } from './silver-rows';

/**
 * Exactly-once into Silver — the one module that owns it for the refiner (live and `refiner backfill`).
 *
 * Invariant: `silver.ticks` holds each valid event (`event_id`) at most once, and every Bronze row up to the
 * refiner's position is either in `silver.ticks` under its event id or in `silver.quarantine` with its reasons.
 *
 * How:
 * - The input is `bronze.ticks`, read version by version from its change feed. The position is the last Bronze
 *   version handled, stored as the Delta application transaction `refiner:bronze.ticks` in the same atomic commit
 *   as the rows. The table's log is the only durable position; `lake.commits` only says when to look.
 * - `silver.ticks` changes only through MERGE on `event_id` (and its event time, see {@link SILVER_MERGE}) with the
 *   event-date partition as literals in the predicate (`whenMatched: ignore`, `whenNotMatched: insert`); never a plain append. Replaying a Bronze version
 *   therefore inserts nothing, whatever the crash point.
 * - Each commit passes `readVersion` (the Silver version the position was read at): a second refiner that covered
 *   the same Bronze versions in between makes this commit fail with COMMIT_CONFLICT instead of doubling work; the
 *   caller then reloads the position and rebuilds its feature state from Silver.
 * - Rejects go to `silver.quarantine` first, under the same app id in that table's own log, so a crash between
 *   the two commits replays only the Silver part: rejects at or below the quarantine's position are dropped.
 * - A MERGE that inserts nothing (a chunk of replays) creates no Delta commit, so the stored position can lag
 *   behind such chunks; the restarted refiner re-reads them and they merge to nothing again.
 * - Which rows a MERGE inserted: the refiner's feature books already know that every applied tick is new (its
 *   event time is at or after its symbol's latest, and not one of the ids held there). Only late ticks may be
 *   replays of events Silver holds. When the MERGE's insert count equals the rows sent, all were new; otherwise
 *   the change feed of that one commit (Silver has CDF on) names the inserted ids. Both are cheap: no pre-read of
 *   the target, and the change feed reads only the files that commit wrote.
 * - Publishing to `ticks.refined` / `ticks.outcomes` happens before the commit (the refiner announces a chunk as
 *   soon as it is refined and commits behind, see `refiner.service.ts`), so every committed event was announced.
 *   A crash or failed commit in between makes the refiner refine the same Bronze versions again from Silver's
 *   books — the same events, windows and outcomes — and announce them again. Downstream consumers therefore see a
 *   record at least once and dedupe by `eventId`; an event announced and never committed is announced again by
 *   the retry, because the position did not move.
 *
 * The late repair (`late-repair.ts`, issue #5) is the only other writer of `silver.ticks`, and stays exactly once:
 * - It changes rows only by MERGE on the same keys and partition literals, `whenMatched: update` of the status and
 *   feature columns, `whenNotMatched: ignore` ({@link REPAIR_MERGE}): it never inserts, so the row set — and every
 *   invariant above — is untouched; only `late` rows become `repaired` and features change.
 * - Its commit carries the txn `refiner:bronze.ticks` at the position already stored, with `readVersion`: a refiner
 *   commit in between (or a second repair) makes it fail with COMMIT_CONFLICT, and after it the refiner's own next
 *   commit is checked from the repair's version. So a repair and a refine never interleave on stale reads.
 * - What it writes is a function of Silver's rows alone (the late rows and the applied rows around them, re-stepped
 *   in replay order), and a `repaired` row is never re-stepped as late. So a retry after a conflict or a kill -9
 *   recomputes the same values from whatever committed, and a second run finds nothing to do: the same table.
 * - Its outcome re-emits go out before its commit too (a crash in between re-emits them on the retry; Gold upserts
 *   by `eventId`).
 */

/** The app id of the refiner's position in `silver.ticks` and `silver.quarantine`. */
export const SILVER_APP_ID = SILVER_POSITION_APP_ID;

/**
 * MERGE on `event_id`. The event time is part of the key too: the id is a hash of it, so matching both is the same
 * match, but delta-rs turns `target.event_time = source.event_time` into a min/max range of the batch and skips
 * every file of the day's partition outside it (hash ids have no useful min/max). That keeps a MERGE's cost flat
 * as one date partition grows, not only as dates are added. (Gold keeps `event_id` alone: two writers with different
 * app ids rely on delta-rs's data conflict check there, which the narrower predicate weakened. Silver does not: every
 * writer of the same events carries `refiner:bronze.ticks`, so a stale MERGE fails on the txn, whatever it read.)
 */
export const SILVER_MERGE: MergeSpec = {
  keys: ['event_id', 'event_time'],
  partitionColumn: 'event_date',
  whenMatched: 'ignore',
  whenNotMatched: 'insert',
};

/**
 * The late repair's MERGE: same keys and partition pruning as {@link SILVER_MERGE}; updates only what a repair
 * changes, never inserts.
 */
export function repairMerge(featureNames: readonly string[]): MergeSpec {
  return {
    keys: SILVER_MERGE.keys,
    partitionColumn: 'event_date',
    whenMatched: { update: ['late_status', 'feature_version', ...featureNames.map((n) => `f_${n}`)] },
    whenNotMatched: 'ignore',
  };
}

export interface SilverResume {
  /** The last Bronze version Silver covers (`undefined`: none yet). */
  readonly position: bigint | undefined;
}

export interface SilverChunk {
  /** The last Bronze version the chunk covers: the position after its commit. */
  readonly lastBronzeVersion: bigint;
  /** Unique by event id. */
  readonly rows: readonly SilverTickRow[];
  readonly rejects: readonly SilverRejectRow[];
}

export interface SilverCommit {
  /** The new `silver.ticks` version; `undefined` when the MERGE inserted nothing and so committed nothing. */
  readonly version: bigint | undefined;
  readonly insertedIds: ReadonlySet<string>;
  readonly quarantined: number;
}

export interface RepairCommit {
  /** The new `silver.ticks` version; `undefined` when there was nothing to update. */
  readonly version: bigint | undefined;
  readonly updated: number;
}

export class SilverExactlyOnce {
  private silverReadVersion: bigint | undefined;
  /** The Bronze position stored in (or, after a MERGE that inserted nothing, covered by) `silver.ticks`. */
  private silverPosition: bigint | undefined;
  private quarantineReadVersion: bigint | undefined;
  private quarantinePosition: bigint | undefined;

  constructor(
    private readonly lake: Lake,
    private readonly table: TableDefinition<SilverTickRow>,
    private readonly featureNames: readonly string[],
  ) {}

  async ensureTables(): Promise<void> {
    await this.lake.ensureTable(this.table);
    await this.lake.ensureTable(SILVER_QUARANTINE);
  }

  /** The `silver.ticks` version the next commit is checked from (`undefined` before {@link resume}). */
  readVersion(): bigint | undefined {
    return this.silverReadVersion;
  }

  /** Reads both positions from the tables' logs. */
  async resume(): Promise<SilverResume> {
    const silver = await this.lake.transactionVersions(this.table, [SILVER_APP_ID]);
    const quarantine = await this.lake.transactionVersions(SILVER_QUARANTINE, [SILVER_APP_ID]);
    this.silverReadVersion = silver.readVersion;
    this.quarantineReadVersion = quarantine.readVersion;
    this.quarantinePosition = quarantine.versions.get(SILVER_APP_ID);
    this.silverPosition = silver.versions.get(SILVER_APP_ID);
    return { position: this.silverPosition };
  }

  /**
   * Commits one chunk: quarantine first, then the Silver MERGE with the position. Rows are unique by event id.
   * On any failure the cached read versions are dropped; the caller must {@link resume} before the next commit.
   */
  async commit(chunk: SilverChunk): Promise<SilverCommit> {
    try {
      const quarantined = await this.commitQuarantine(chunk);
      if (chunk.rows.length === 0) return { version: undefined, insertedIds: new Set(), quarantined };
      const readVersion = this.silverReadVersion;
      const outcome = await this.lake.merge(
        this.table,
        chunk.rows,
        SILVER_MERGE,
        [{ appId: SILVER_APP_ID, version: chunk.lastBronzeVersion }],
        { readVersion },
      );
      // Delta makes no commit for a MERGE that inserts nothing (and returns the current version); the fake does.
      if (readVersion === undefined || outcome.version > readVersion)
        this.silverReadVersion = outcome.version;
      this.silverPosition = chunk.lastBronzeVersion;
      if (outcome.inserted === 0) return { version: undefined, insertedIds: new Set(), quarantined };
      const insertedIds =
        outcome.inserted === chunk.rows.length
          ? new Set(chunk.rows.map((r) => r.eventId))
          : new Set(
              silverRowsOf(
                await this.lake.changes(this.table, outcome.version - 1n, outcome.version),
                this.featureNames,
              ).map((r) => r.eventId),
            );
      return { version: outcome.version, insertedIds, quarantined };
    } catch (error) {
      this.silverReadVersion = undefined;
      this.quarantineReadVersion = undefined;
      this.quarantinePosition = undefined;
      this.silverPosition = undefined;
      throw error;
    }
  }

  /**
   * Commits the late repair's updated rows (unique by event id, each already in `silver.ticks`): one MERGE-update
   * with the stored position as its txn and the cached `readVersion`, so it conflicts with any commit since the
   * last {@link resume} or {@link commit}. Call {@link resume} first in a fresh process. On failure the cached
   * read version is dropped, as for {@link commit}.
   */
  async commitRepair(rows: readonly SilverTickRow[]): Promise<RepairCommit> {
    if (rows.length === 0) return { version: undefined, updated: 0 };
    const position = this.silverPosition;
    const readVersion = this.silverReadVersion;
    if (position === undefined || readVersion === undefined) {
      throw new Error('late repair before resume: silver.ticks holds no refiner position yet');
    }
    try {
      const outcome = await this.lake.merge(
        this.table,
        rows,
        repairMerge(this.featureNames),
        [{ appId: SILVER_APP_ID, version: position }],
        { readVersion },
      );
      if (outcome.version > readVersion) this.silverReadVersion = outcome.version;
      return { version: outcome.updated === 0 ? undefined : outcome.version, updated: outcome.updated };
    } catch (error) {
      this.silverReadVersion = undefined;
      this.quarantineReadVersion = undefined;
      this.quarantinePosition = undefined;
      this.silverPosition = undefined;
      throw error;
    }
  }

  private async commitQuarantine(chunk: SilverChunk): Promise<number> {
    const stored = this.quarantinePosition;
    const fresh = chunk.rejects.filter((r) => stored === undefined || r.bronzeVersion > stored);
    if (fresh.length === 0) return 0;
    const { version } = await this.lake.append(
      SILVER_QUARANTINE,
      fresh,
      [{ appId: SILVER_APP_ID, version: chunk.lastBronzeVersion }],
      { readVersion: this.quarantineReadVersion },
    );
    this.quarantineReadVersion = version;
    this.quarantinePosition = chunk.lastBronzeVersion;
    return fresh.length;
  }
}
