export {
  arrowSchemaOf,
  bulkRows,
  type ByteRange,
  type ColumnChunk,
  ColumnarBatchBuilder,
  type ColumnKind,
  type ColumnSpec,
  IN_BULK,
} from './columnar-builder';
export {
  type AnyTable,
  schemaOf,
  type TableDefinition,
  tableUri,
  toArrow,
  toArrowIpc,
  utcDateOf,
} from './table-definition';
export { BRONZE_QUARANTINE, type QuarantineRow } from './tables/bronze-quarantine.table';
export {
  BRONZE_TICKS,
  type BronzeSource,
  type BronzeTickRow,
  sourceLabel,
} from './tables/bronze-ticks.table';
export { InMemoryLake } from './in-memory-lake';
export {
  type AppTransaction,
  type CommitOptions,
  type CommitResult,
  isCommitConflict,
  Lake,
  LakeError,
  type LakeErrorCode,
  type MergeOutcome,
  type MergeSpec,
  type TransactionSnapshot,
} from './lake.port';
export {
  APPLIED_LATE_STATUSES,
  LATE_STATUSES,
  type LateStatus,
  SILVER_QUARANTINE,
  type SilverRejectRow,
  type SilverTickRow,
  SILVER_POSITION_APP_ID,
  silverTicksTable,
} from './tables/silver-ticks.table';
export { DeltaLake, mergePredicate } from './delta-lake.adapter';
export {
  GOLD_OUTCOME_COLUMNS,
  GOLD_PREDICTION_COLUMNS,
  GOLD_PREDICTIONS,
  type GoldOutcomeSide,
  type GoldPredictionRow,
  type GoldPredictionSide,
  goldPredictionsMerge,
} from './tables/gold-predictions.table';
export {
  ALL_SYMBOLS_SCOPE,
  GOLD_ACCURACY,
  GOLD_ACCURACY_MERGE,
  type GoldAccuracyRow,
} from './tables/gold-accuracy.table';
export { GOLD_BARS_1M, GOLD_BARS_MERGE, type GoldBarRow } from './tables/gold-bars.table';
export {
  type MaintenanceResult,
  type MaintenanceRunRow,
  OPS_MAINTENANCE_RUNS,
} from './tables/ops-maintenance-runs.table';
