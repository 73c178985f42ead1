import { z } from 'zod';

export const LAKE_COMMIT_SCHEMA_VERSION = 1;

/**
 * A `lake.commits` notification: a stage committed a new version of a Delta table. A wake-up hint, not the data:
 * readers take the rows from the table's log (every version since the one they last handled), so a lost or
 * duplicated notification changes nothing but latency.
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
