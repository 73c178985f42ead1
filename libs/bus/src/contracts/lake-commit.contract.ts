import { z } from 'zod';

export const LAKE_COMMIT_SCHEMA_VERSION = 1;

/** The header of a `lake.commits` record that holds the committed rows (Arrow IPC stream), when attached. */
export const LAKE_COMMIT_ROWS_HEADER = 'lakehouse-rows';
/** The largest rows attachment sent: well under Kafka's default 1 MiB record limit. */
export const LAKE_COMMIT_ROWS_MAX_BYTES = 512 * 1024;

/**
 * A `lake.commits` notification: a stage committed a new version of a Delta table. A wake-up hint, not the data:
 * readers take the rows from the table's log (every version since the one they last handled), so a lost or
 * duplicated notification changes nothing but latency.
 *
 * A notification may carry the rows the commit added, as an Arrow IPC stream in the header
 * {@link LAKE_COMMIT_ROWS_HEADER} (the live ingestor attaches them when they fit {@link LAKE_COMMIT_ROWS_MAX_BYTES}).
 * It is a fast path: a reader may take a version's rows from it instead of reading the table's change feed, and
 * reads the change feed for every version whose rows it did not get.
 */
export const lakeCommitNotificationSchema = z.object({
  schemaVersion: z.literal(LAKE_COMMIT_SCHEMA_VERSION),
  table: z.string().min(1),
  /** Delta table version, as a decimal string (null: a commit whose version is unknown, e.g. a test probe). */
  version: z.string().regex(/^\d+$/).nullable(),
  /** The consumed batch the commit holds, for tracing (`topic/partition/first-last`). */
  batchId: z.string().min(1),
  recordCount: z.number().int().nonnegative(),
  committedAt: z.iso.datetime(),
});

export type LakeCommitNotification = z.output<typeof lakeCommitNotificationSchema>;
