import { type RawTick, TICK_SCHEMA_VERSION } from '@lakehouse/domain';
import { type Table } from 'apache-arrow';
import { column, int64Values, nullableBigintAt, nullableStringAt, numberAt, stringAt } from './arrow-columns';

/** One `bronze.ticks` row as Silver reads it: the parsed tick and where it sits in Bronze. */
export interface BronzeEntry {
  readonly tick: RawTick;
  readonly bronzeVersion: bigint;
  /** Index within its Bronze version in arrival order: (version, seq) orders every Bronze row. */
  readonly bronzeSeq: bigint;
  readonly ingestTimeUs: bigint;
  readonly source: string;
  readonly kafkaTopic: string | null;
  readonly kafkaPartition: number | null;
  readonly kafkaOffset: bigint | null;
  readonly fileRecord: bigint | null;
}

const CHANGE_TYPE = '_change_type';

/**
 * The rows Bronze's change feed returned, in arrival order: commit version, then source (Kafka topic, partition,
 * offset, or file record). The order depends only on Bronze, never on how versions were grouped into reads, which
 * is what makes Silver's features the same however the refiner batches.
 */
export function bronzeEntriesOf(changes: Table): BronzeEntry[] {
  const versions = int64Values(changes, '_commit_version');
  return inArrivalOrder(rowsOf(changes, (i) => versions[i]!));
}

/**
 * The same for rows handed over with their commit's notification (each table the rows one Bronze version added,
 * with Bronze's columns): equal to {@link bronzeEntriesOf} over those versions' change feed.
 */
export function bronzeEntriesOfCommits(
  commits: readonly { readonly version: bigint; readonly rows: Table }[],
): BronzeEntry[] {
  return inArrivalOrder(commits.flatMap(({ version, rows }) => rowsOf(rows, () => version)));
}

function rowsOf(changes: Table, versionAt: (row: number) => bigint): Omit<BronzeEntry, 'bronzeSeq'>[] {
  const eventTimes = int64Values(changes, 'event_time');
  const ingestTimes = int64Values(changes, 'ingest_time');
  const symbol = column(changes, 'symbol');
  const price = column(changes, 'price');
  const volume = column(changes, 'volume');
  const tradeId = column(changes, 'trade_id');
  const bid = column(changes, 'bid');
  const ask = column(changes, 'ask');
  const exchange = column(changes, 'exchange');
  const source = column(changes, 'source');
  const changeType = changes.getChild(CHANGE_TYPE);
  const topic = changes.getChild('kafka_topic');
  const partition = changes.getChild('kafka_partition');
  const offset = changes.getChild('kafka_offset');
  const record = changes.getChild('file_record');

  const unordered: Omit<BronzeEntry, 'bronzeSeq'>[] = [];
  for (let i = 0; i < changes.numRows; i += 1) {
    // Bronze is append-only; a maintenance rewrite adds no change rows, but anything else is not an arrival.
    if (changeType !== null && changeType.get(i) !== 'insert') continue;
    const optional = <T>(name: keyof RawTick, value: T | null): Partial<RawTick> =>
      value === null ? {} : { [name]: value };
    const bidValue: unknown = bid.get(i);
    const askValue: unknown = ask.get(i);
    const tick: RawTick = {
      schemaVersion: TICK_SCHEMA_VERSION,
      symbol: stringAt(symbol, i),
      price: numberAt(price, i),
      volume: numberAt(volume, i),
      eventTimeUs: eventTimes[i]!,
      ...optional('tradeId', nullableStringAt(tradeId, i)),
      ...optional('bid', typeof bidValue === 'number' ? bidValue : null),
      ...optional('ask', typeof askValue === 'number' ? askValue : null),
      ...optional('exchange', nullableStringAt(exchange, i)),
    };
    const kafkaPartition: unknown = partition?.get(i);
    unordered.push({
      tick,
      bronzeVersion: versionAt(i),
      ingestTimeUs: ingestTimes[i]!,
      source: stringAt(source, i),
      kafkaTopic: nullableStringAt(topic, i),
      kafkaPartition: typeof kafkaPartition === 'number' ? kafkaPartition : null,
      kafkaOffset: nullableBigintAt(offset, i),
      fileRecord: nullableBigintAt(record, i),
    });
  }
  return unordered;
}

function inArrivalOrder(unordered: Omit<BronzeEntry, 'bronzeSeq'>[]): BronzeEntry[] {
  unordered.sort(arrivalOrder);
  const entries: BronzeEntry[] = [];
  let seq = 0n;
  for (let i = 0; i < unordered.length; i += 1) {
    const entry = unordered[i]!;
    seq = i > 0 && unordered[i - 1]!.bronzeVersion === entry.bronzeVersion ? seq + 1n : 0n;
    entries.push({ ...entry, bronzeSeq: seq });
  }
  return entries;
}

function compareBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareText(a: string | null, b: string | null): number {
  return (a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0;
}

function arrivalOrder(a: Omit<BronzeEntry, 'bronzeSeq'>, b: Omit<BronzeEntry, 'bronzeSeq'>): number {
  return (
    compareBig(a.bronzeVersion, b.bronzeVersion) ||
    compareText(a.source, b.source) ||
    compareText(a.kafkaTopic, b.kafkaTopic) ||
    (a.kafkaPartition ?? -1) - (b.kafkaPartition ?? -1) ||
    compareBig(a.kafkaOffset ?? a.fileRecord ?? -1n, b.kafkaOffset ?? b.fileRecord ?? -1n)
  );
}
