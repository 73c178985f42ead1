import { CodedError } from '@lakehouse/platform';

/** Stable codes of the maintainer's own errors (the binding's COMMIT_CONFLICT etc. pass through as they are). */
export type MaintainerErrorCode =
  | 'VACUUM_RETENTION_BELOW_WINDOW'
  | 'LOG_RETENTION_BELOW_WINDOW'
  | 'INVALID_RETENTION'
  | 'UNKNOWN_TABLE'
  | 'TABLE_NOT_FOUND'
  | 'QUERY_NOT_READ_ONLY'
  | 'RESTORE_NOT_CONFIRMED'
  | 'INVALID_VERSION';

export class MaintainerError extends CodedError<MaintainerErrorCode> {}
