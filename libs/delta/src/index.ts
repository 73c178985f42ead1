/**
 * `@lakehouse/delta`: Delta Lake tables from TypeScript, over delta-rs through a napi-rs binding.
 * Data crosses the boundary as Arrow IPC; callers use apache-arrow tables. Every failure is a
 * {@link DeltaError} with a stable `code`.
 */
export { toIpc, fromIpc, type ArrowInput } from './arrow.js';
export { CHANGE_COLUMNS, ENABLE_CHANGE_DATA_FEED, type ChangeType, type ChangesRange } from './changes.js';
export {
  DeltaTable,
  type CommitInfo,
  type CreateOptions,
  type OpenOptions,
  type ReadOptions,
  type StorageOptions,
  type TableMetadata,
} from './delta-table.js';
export {
  CommitConflictError,
  DELTA_ERROR_CODES,
  DeltaError,
  InternalError,
  InvalidArgumentError,
  ObjectStoreError,
  SchemaMismatchError,
  TableNotFoundError,
  toDeltaError,
  type CommitConflictKind,
  type DeltaErrorCode,
} from './errors.js';
export type {
  FileSizeStats,
  OptimizeOptions,
  PartitionFilter,
  OptimizeResult,
  VacuumOptions,
  VacuumResult,
} from './maintenance.js';
export type {
  MatchedClause,
  MergeOptions,
  MergeResult,
  NotMatchedBySourceClause,
  NotMatchedClause,
} from './merge.js';
export { SqlSession, type RegisterOptions, type SessionOptions } from './query.js';
export type {
  AppendOptions,
  CommitOptions,
  DeleteResult,
  OverwriteOptions,
  Txn,
  UpdateOptions,
  UpdateResult,
  WriteResult,
} from './write.js';
export { setMallocMmapThreshold } from './process-memory.js';
export { bindingVersion } from './version.js';
