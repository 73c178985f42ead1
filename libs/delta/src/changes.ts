/**
 * A version range of {@link DeltaTable.changes}: the commits in `(afterVersion, toVersion]`.
 * A tailing reader passes the last version it processed as `afterVersion`.
 */
export interface ChangesRange {
  /** Exclusive lower bound. */
  readonly afterVersion: number;
  /** Inclusive upper bound (default: the latest version). */
  readonly toVersion?: number;
}

/** The change-type values of the `_change_type` column. */
export type ChangeType = 'insert' | 'delete' | 'update_preimage' | 'update_postimage';

/** Names of the columns the change feed adds to the table's own. */
export const CHANGE_COLUMNS = {
  changeType: '_change_type',
  commitVersion: '_commit_version',
  commitTimestamp: '_commit_timestamp',
} as const;

/** The table property that makes the log record changes; set it when creating a table you will tail. */
export const ENABLE_CHANGE_DATA_FEED = 'delta.enableChangeDataFeed';
