import { RETENTION_PROPERTIES, type TableDefinition, utcDateOf } from '../table-definition';
import { type BronzeSource, SOURCE_POSITION_COLUMNS, sourcePositionValues } from './bronze-ticks.table';

export interface QuarantineRow {
  /** The original bytes, untouched (they may not be UTF-8 at all). */
  readonly rawBytes: Uint8Array;
  readonly reasonCode: string;
  readonly reasonMessage: string;
  readonly ingestTimeUs: bigint;
  readonly source: BronzeSource;
}

/** `bronze.quarantine`: what Bronze could not represent, with the original bytes, position and reason. */
export const BRONZE_QUARANTINE: TableDefinition<QuarantineRow> = {
  name: 'bronze.quarantine',
  path: 'bronze/quarantine',
  columns: [
    { name: 'raw_bytes', kind: 'binary', nullable: false },
    { name: 'reason_code', kind: 'utf8', nullable: false },
    { name: 'reason_message', kind: 'utf8', nullable: false },
    { name: 'ingest_time', kind: 'timestamp_us', nullable: false },
    ...SOURCE_POSITION_COLUMNS,
    { name: 'ingest_date', kind: 'utf8', nullable: false },
  ],
  partitionColumns: ['ingest_date'],
  properties: RETENTION_PROPERTIES,
  toColumns: ({ rawBytes, reasonCode, reasonMessage, ingestTimeUs, source }) => [
    rawBytes,
    reasonCode,
    reasonMessage,
    ingestTimeUs,
    ...sourcePositionValues(source),
    utcDateOf(ingestTimeUs),
  ],
};
