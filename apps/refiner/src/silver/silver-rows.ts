import { LATE_STATUSES, type LateStatus, type SilverTickRow } from '@lakehouse/lake';
import { type Table } from 'apache-arrow';
import { column, int64Values, nullableStringAt, numberAt, stringAt } from './arrow-columns';

/**
 * `silver.ticks` rows read back from Arrow (a change feed or a query), in arrival order: Bronze version, then
 * Bronze sequence. Change-feed rows other than inserts are skipped.
 */
export function silverRowsOf(table: Table, featureNames: readonly string[]): SilverTickRow[] {
  const eventTimes = int64Values(table, 'event_time');
  const refinedTimes = int64Values(table, 'refined_time');
  const volumes = int64Values(table, 'volume');
  const bronzeVersions = int64Values(table, 'bronze_version');
  const bronzeSeqs = int64Values(table, 'bronze_seq');
  const eventId = column(table, 'event_id');
  const symbol = column(table, 'symbol');
  const price = column(table, 'price');
  const tradeId = column(table, 'trade_id');
  const exchange = column(table, 'exchange');
  const source = column(table, 'source');
  const lateStatus = column(table, 'late_status');
  const featureVersion = column(table, 'feature_version');
  const features = featureNames.map((name) => column(table, `f_${name}`));
  const changeType = table.getChild('_change_type');

  const rows: SilverTickRow[] = [];
  for (let i = 0; i < table.numRows; i += 1) {
    if (changeType !== null && changeType.get(i) !== 'insert') continue;
    const status = stringAt(lateStatus, i);
    if (!(LATE_STATUSES as readonly string[]).includes(status))
      throw new Error(`row ${i}: unknown late_status ${status}`);
    const version = nullableStringAt(featureVersion, i);
    rows.push({
      eventId: stringAt(eventId, i),
      symbol: stringAt(symbol, i),
      eventTimeUs: eventTimes[i]!,
      price: numberAt(price, i),
      volume: volumes[i]!,
      tradeId: nullableStringAt(tradeId, i),
      exchange: nullableStringAt(exchange, i),
      source: stringAt(source, i),
      bronzeVersion: bronzeVersions[i]!,
      bronzeSeq: bronzeSeqs[i]!,
      lateStatus: status as LateStatus,
      featureVersion: version,
      features:
        version === null
          ? null
          : features.map((f) => {
              const value: unknown = f.get(i);
              return typeof value === 'number' ? value : null;
            }),
      refinedTimeUs: refinedTimes[i]!,
    });
  }
  return rows.sort(
    (a, b) =>
      Number(a.bronzeVersion - b.bronzeVersion) ||
      (a.bronzeSeq < b.bronzeSeq ? -1 : a.bronzeSeq > b.bronzeSeq ? 1 : 0),
  );
}
