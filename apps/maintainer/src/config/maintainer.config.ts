import { commonEnv, httpPort, lakeEnv } from '@lakehouse/platform';
import { z } from 'zod';

export const MAINTAINER_DEFAULT_PORT = 3005;

const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 60 * MS_PER_MINUTE;
const MIB = 1024 * 1024;

/** An interval in ms; `0` switches the operation off. */
const intervalMs = (defaultMs: number) => z.coerce.number().int().min(0).default(defaultMs);

export const maintainerConfigSchema = z.object({
  ...commonEnv,
  ...lakeEnv,
  HTTP_PORT: httpPort(MAINTAINER_DEFAULT_PORT),
  /** Tables to maintain, by logical name (comma-separated); all known tables by default. */
  MAINTAINER_TABLES: z
    .string()
    .optional()
    .transform((v) =>
      v === undefined || v.trim() === ''
        ? undefined
        : v
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s !== ''),
    ),
  /**
   * The time-travel window in hours: VACUUM never keeps less than this (nor less than a table's own
   * `delta.deletedFileRetentionDuration`) unless forced. 7 days, like every table's property.
   */
  TIME_TRAVEL_WINDOW_HOURS: z.coerce.number().positive().default(168),
  /** VACUUM's retention; defaults to the window. A lower value is refused unless `VACUUM_FORCE=true`. */
  VACUUM_RETENTION_HOURS: z.coerce.number().min(0).optional(),
  /** Lets VACUUM go below the time-travel window. Logged at warn on every run and recorded as `forced`. */
  VACUUM_FORCE: z.stringbool().default(false),
  /** Scheduled VACUUMs only list what they would delete. */
  VACUUM_DRY_RUN: z.stringbool().default(false),
  OPTIMIZE_INTERVAL_MS: intervalMs(15 * MS_PER_MINUTE),
  /**
   * Compaction of the open (today's) partition of append-only tables (Bronze), which a streaming writer fills with a
   * file per commit: often, since it races no writer (blind appends never read the files it rewrites).
   */
  OPTIMIZE_OPEN_INTERVAL_MS: intervalMs(30_000),
  /** Z-order (by symbol, on tables read by symbol) rewrites whole partitions: rarer than compaction. */
  ZORDER_INTERVAL_MS: intervalMs(24 * MS_PER_HOUR),
  VACUUM_INTERVAL_MS: intervalMs(6 * MS_PER_HOUR),
  /** Full-mode VACUUM: also deletes files no commit ever referenced (orphans of failed writes). */
  VACUUM_FULL_INTERVAL_MS: intervalMs(7 * 24 * MS_PER_HOUR),
  CHECKPOINT_INTERVAL_MS: intervalMs(10 * MS_PER_MINUTE),
  LOG_CLEANUP_INTERVAL_MS: intervalMs(6 * MS_PER_HOUR),
  /** How often the verification suite runs and refreshes its metrics; 0 = never. */
  VERIFY_INTERVAL_MS: intervalMs(15 * MS_PER_MINUTE),
  /** How often the scheduler looks for due work, and table metrics are refreshed. */
  MAINTAINER_TICK_MS: z.coerce.number().int().positive().default(30_000),
  OPTIMIZE_TARGET_FILE_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(128 * MIB),
  /** A data file below this size counts as small (metrics, and whether OPTIMIZE has work). */
  SMALL_FILE_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(16 * MIB),
  /** OPTIMIZE runs when closed partitions hold at least this many small files… */
  OPTIMIZE_MIN_SMALL_FILES: z.coerce.number().int().min(2).default(4),
  /** …or today's (open) partition alone holds this many. */
  OPTIMIZE_OPEN_PARTITION_SMALL_FILES: z.coerce.number().int().min(2).default(64),
  /** Attempts of an OPTIMIZE that lost a commit race to a live writer before the run is recorded as skipped. */
  OPTIMIZE_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
});

export type MaintainerConfig = z.output<typeof maintainerConfigSchema>;
