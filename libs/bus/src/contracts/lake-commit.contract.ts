import { z } from 'zod';

export const LAKE_COMMIT_SCHEMA_VERSION = 1;

/**
 * A `lake.commits` notification: a stage committed a new version of a Delta table.
 *
 * Skeleton-only: `skeletonInlineRecords` carries the batch's records so the refiner can pass them on before the
 * lake exists. The real design has the refiner read the new Bronze versions from the lake; the field then goes away
 * and the notification is just `{table, version, …}`.
 */
export const lakeCommitNotificationSchema = z.object({
  schemaVersion: z.literal(LAKE_COMMIT_SCHEMA_VERSION),
  table: z.string().min(1),
  /** Delta table version, as a decimal string; null until the ingestor writes Bronze. */
  version: z.string().regex(/^\d+$/).nullable(),
  /** The consumed batch the commit holds, for tracing (`topic/partition/first-last`). */
  batchId: z.string().min(1),
  recordCount: z.number().int().nonnegative(),
  committedAt: z.iso.datetime(),
  skeletonInlineRecords: z.array(z.object({ symbol: z.string().min(1), payload: z.string() })).optional(),
});

export type LakeCommitNotification = z.output<typeof lakeCommitNotificationSchema>;
