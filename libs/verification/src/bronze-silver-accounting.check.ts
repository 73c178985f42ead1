import { type DeltaTable, SqlSession } from '@lakehouse/delta';
import { type RecordBatch } from 'apache-arrow';
import { bronzePositionKey, bronzeRowEventId } from './bronze-position';
import { type CheckResult, resultOf } from './check-result';
import { scalarNumber, sqlString, stringColumn } from './sql.util';

export interface AccountingTables {
  readonly bronze: DeltaTable;
  readonly silver: DeltaTable;
  readonly quarantine: DeltaTable | undefined;
  /** Bronze is read as of this version: what Silver has refined so far. */
  readonly bronzeVersion: number;
  readonly sampleLimit: number;
}

const POSITION_COLUMNS = 'source, kafka_topic, kafka_partition, kafka_offset, file_record';

function nullableString(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function nullableBigint(value: unknown): bigint | null {
  return value === null || value === undefined ? null : BigInt(value as bigint | number);
}

function positionAt(batch: RecordBatch, i: number): string {
  const partition: unknown = batch.getChild('kafka_partition')?.get(i);
  return bronzePositionKey({
    source: String(batch.getChild('source')?.get(i)),
    kafkaTopic: nullableString(batch.getChild('kafka_topic')?.get(i)),
    kafkaPartition: partition === null || partition === undefined ? null : Number(partition),
    kafkaOffset: nullableBigint(batch.getChild('kafka_offset')?.get(i)),
    fileRecord: nullableBigint(batch.getChild('file_record')?.get(i)),
  });
}

/**
 * Bronze→Silver accounting: every Bronze row (as of the version Silver has refined) is either in `silver.ticks`
 * under the event id Silver computes for it, or in `silver.quarantine` at the same source position with a reason.
 * Bronze duplicates (one event delivered twice) map to one event id and are counted, not flagged.
 *
 * Runs one event-date partition at a time (all three tables are partitioned by the tick's event date), holding that
 * date's Silver ids and quarantine positions in memory and streaming Bronze rows past them as Arrow batches.
 */
export async function checkBronzeSilverAccounting(tables: AccountingTables): Promise<CheckResult> {
  const silverVersion = await tables.silver.version();
  const session = SqlSession.create();
  await session.register('b', tables.bronze, { version: tables.bronzeVersion });
  await session.register('s', tables.silver, { version: silverVersion });
  const quarantineVersion = tables.quarantine === undefined ? undefined : await tables.quarantine.version();
  if (tables.quarantine !== undefined) {
    await session.register('q', tables.quarantine, { version: quarantineVersion });
  }

  const dates = stringColumn(
    await session.sql('SELECT DISTINCT event_date FROM b ORDER BY event_date'),
    'event_date',
  );
  let bronzeRows = 0;
  let inSilver = 0;
  let quarantined = 0;
  let duplicates = 0;
  let missing = 0;
  const samples: string[] = [];

  for (const date of dates) {
    const where = `WHERE event_date = ${sqlString(date)}`;
    const silverIds = new Set<string>();
    for await (const batch of session.stream(`SELECT event_id FROM s ${where}`)) {
      const ids = batch.getChild('event_id');
      for (let i = 0; i < batch.numRows; i += 1) silverIds.add(String(ids?.get(i)));
    }
    const rejected = new Set<string>();
    if (quarantineVersion !== undefined) {
      const reasoned = `${where} AND reason_codes IS NOT NULL AND reason_codes <> ''`;
      for await (const batch of session.stream(`SELECT ${POSITION_COLUMNS} FROM q ${reasoned}`)) {
        for (let i = 0; i < batch.numRows; i += 1) rejected.add(positionAt(batch, i));
      }
    }
    const seen = new Set<string>();
    const query =
      `SELECT symbol, price, volume, CAST(event_time AS BIGINT) AS event_time_us, trade_id, ${POSITION_COLUMNS} ` +
      `FROM b ${where}`;
    for await (const batch of session.stream(query)) {
      const symbol = batch.getChild('symbol');
      const tradeId = batch.getChild('trade_id');
      // Non-nullable numeric columns read as typed arrays: per-value `get` costs as much as the hashing.
      const price = batch.getChild('price')?.toArray() as Float64Array;
      const volume = batch.getChild('volume')?.toArray() as Float64Array;
      const time = batch.getChild('event_time_us')?.toArray() as BigInt64Array;
      for (let i = 0; i < batch.numRows; i += 1) {
        bronzeRows += 1;
        let eventId: string | undefined;
        try {
          eventId = bronzeRowEventId({
            symbol: String(symbol?.get(i)),
            eventTimeUs: time[i]!,
            price: price[i]!,
            volume: volume[i]!,
            tradeId: nullableString(tradeId?.get(i)),
          });
        } catch {
          eventId = undefined; // no event id (e.g. non-finite values): the row must be quarantined
        }
        if (eventId !== undefined && silverIds.has(eventId)) {
          inSilver += 1;
          if (seen.has(eventId)) duplicates += 1;
          else seen.add(eventId);
          continue;
        }
        const position = positionAt(batch, i);
        if (rejected.has(position)) {
          quarantined += 1;
          continue;
        }
        missing += 1;
        if (samples.length < tables.sampleLimit) samples.push(`${position}${eventId ? ` ${eventId}` : ''}`);
      }
    }
  }

  const silverOutside =
    dates.length === 0
      ? 0
      : scalarNumber(
          await session.sql(
            `SELECT count(*) AS n FROM s WHERE event_date NOT IN (${dates.map(sqlString).join(', ')})`,
          ),
          'n',
        );
  return resultOf(
    'bronze_silver_accounting',
    'bronze.ticks→silver.ticks',
    missing,
    `bronze v${tables.bronzeVersion} (${bronzeRows} rows, ${dates.length} dates) against silver v${silverVersion}` +
      `${quarantineVersion === undefined ? ' (no silver.quarantine yet)' : ` and quarantine v${quarantineVersion}`}: ` +
      `${inSilver} in silver (${duplicates} bronze duplicates), ${quarantined} quarantined, ${missing} unaccounted; ` +
      `${silverOutside} silver rows on dates bronze does not have`,
    samples,
  );
}
