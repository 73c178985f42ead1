import { type RawTick, TICK_SCHEMA_VERSION } from '@lakehouse/domain';
import {
  BRONZE_TICKS,
  type BronzeSource,
  type BronzeTickRow,
  bulkRows,
  type ColumnChunk,
  IN_BULK,
  type QuarantineRow,
  type TableDefinition,
  utcDateOf,
} from '@lakehouse/lake';
import { type TickLineParser } from './tick-line-parser';

/** `bronze.ticks` columns in the order {@link TickFileBatch.columns} lays them out; checked against the table. */
const COLUMN_ORDER = [
  'schema_version',
  'symbol',
  'price',
  'volume',
  'event_time',
  'trade_id',
  'bid',
  'ask',
  'exchange',
  'raw_payload',
  'ingest_time',
  'source',
  'kafka_topic',
  'kafka_partition',
  'kafka_offset',
  'file_record',
  'file_line',
  'event_date',
] as const;
if (BRONZE_TICKS.columns.map((c) => c.name).join() !== COLUMN_ORDER.join()) {
  throw new Error(`bronze.ticks columns changed; update the loader's column layout (tick-file-batch.ts)`);
}

const INITIAL_ROWS = 4096;
const INITIAL_TEXT_BYTES = 64 << 10;
/** Rows a first batch makes room for per expected byte: records of 64 bytes or more fit without growing. */
const MIN_RECORD_BYTES = 64;
/** Slack above the expected bytes: the record that crosses the commit threshold still fits. */
const TEXT_SLACK_BYTES = 64 << 10;
/** `yyyy-MM-dd`. */
const DATE_BYTES = 10;
const TWO_TO_32 = 2 ** 32;
const MICROS_PER_MILLI = 1000;
const MILLIS_PER_DAY = 86_400_000;
const MAX_CACHED_DATES = 100_000;

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** `event_date` bytes per UTC day number: one `utcDateOf` per day instead of one `Date` per row. */
const dates = new Map<number, Uint8Array>();

function eventDateOf(eventTimeUs: bigint | number): Uint8Array {
  const micros = Number(eventTimeUs);
  // Truncated to milliseconds like `utcDateOf`'s bigint division, then floored to the day like `Date`.
  const millis = (micros - (micros % MICROS_PER_MILLI)) / MICROS_PER_MILLI;
  const day = Number.isSafeInteger(micros) ? Math.floor(millis / MILLIS_PER_DAY) : NaN;
  let date = dates.get(day);
  if (date === undefined) {
    date = utf8.encode(utcDateOf(BigInt(eventTimeUs)));
    if (Number.isNaN(day)) return date;
    if (dates.size >= MAX_CACHED_DATES) dates.clear();
    dates.set(day, date);
  }
  return date;
}

/** 1.5× rather than 2×: a batch that grows past its first estimate overshoots less of what it keeps. */
function grownSize(size: number): number {
  return size + (size >> 1) + 16;
}

function grown<A extends Float64Array | Int32Array | BigInt64Array | Uint8Array>(a: A, size: number): A {
  const b = new (a.constructor as new (length: number) => A)(size);
  b.set(a as never);
  return b;
}

/** Little-endian two's complement of a safe integer into 32-bit words, with no bigint. */
function setInt64(words: Int32Array, k: number, value: number): void {
  const high = Math.floor(value / TWO_TO_32);
  words[2 * k] = value - high * TWO_TO_32;
  words[2 * k + 1] = high;
}

/** A nullable flag per row as an Arrow validity bitmap. */
class Validity {
  bits: Uint8Array;
  nulls = 0;

  constructor(rows: number) {
    this.bits = new Uint8Array((rows + 7) >> 3);
  }

  set(k: number, present: boolean): void {
    if (present) this.bits[k >> 3]! |= 1 << (k & 7);
    else this.nulls += 1;
  }

  has(k: number): boolean {
    return (this.bits[k >> 3]! & (1 << (k & 7))) !== 0;
  }

  grow(rows: number): void {
    this.bits = grown(this.bits, (rows + 7) >> 3);
  }

  /** Empty again, same capacity. */
  reset(): void {
    this.bits.fill(0);
    this.nulls = 0;
  }
}

/** A `utf8` column being filled: bytes, offsets and (if nullable) validity, in Arrow's layout. */
class TextColumn {
  bytes: Uint8Array;
  length = 0;
  offsets: Int32Array;
  readonly validity?: Validity;

  constructor(nullable: boolean, rows: number, bytes = INITIAL_TEXT_BYTES) {
    this.bytes = new Uint8Array(bytes);
    this.offsets = new Int32Array(rows + 1);
    if (nullable) this.validity = new Validity(rows);
  }

  /** Row `k`'s value: `src[start, end)`, already UTF-8. */
  setRange(k: number, src: Uint8Array, start: number, end: number): void {
    const size = end - start;
    if (this.length + size > this.bytes.length) this.reserve(size);
    const bytes = this.bytes;
    let at = this.length;
    if (size > 32 && Buffer.isBuffer(src)) src.copy(bytes, at, start, end);
    else for (let i = start; i < end; i++) bytes[at++] = src[i]!;
    this.length += size;
    this.offsets[k + 1] = this.length;
    this.validity?.set(k, true);
  }

  setText(k: number, text: string | undefined): void {
    if (text === undefined) {
      this.offsets[k + 1] = this.length;
      this.validity!.set(k, false);
      return;
    }
    this.reserve(text.length * 3);
    this.length += utf8.encodeInto(text, this.bytes.subarray(this.length)).written;
    this.offsets[k + 1] = this.length;
    this.validity?.set(k, true);
  }

  setNull(k: number): void {
    this.offsets[k + 1] = this.length;
    this.validity!.set(k, false);
  }

  text(k: number): string | undefined {
    if (this.validity && !this.validity.has(k)) return undefined;
    return utf8Decoder.decode(this.bytes.subarray(this.offsets[k], this.offsets[k + 1]));
  }

  growRows(rows: number): void {
    this.offsets = grown(this.offsets, rows + 1);
    this.validity?.grow(rows);
  }

  /** Empty again, same capacity: the next batch of a file reuses the column instead of allocating one. */
  reset(): this {
    this.length = 0;
    this.validity?.reset();
    return this;
  }

  chunk(): ColumnChunk {
    return {
      bytes: this.bytes.subarray(0, this.length),
      offsets: this.offsets,
      ...(this.validity && { validity: this.validity.bits, nullCount: this.validity.nulls }),
    };
  }

  private reserve(more: number): void {
    if (this.length + more <= this.bytes.length) return;
    this.bytes = grown(this.bytes, Math.max(this.length + more, grownSize(this.bytes.length)));
  }
}

/**
 * Read-only arrays shared by every batch, as long as the largest: zeros for the Kafka columns (all null for file
 * rows) and the schema version, the same in every row.
 */
let zeros = {
  rows: 0,
  i32: new Int32Array(0),
  i64: new BigInt64Array(0),
  bits: new Uint8Array(0),
  schemaVersion: new Int32Array(0),
};
function zerosFor(rows: number): typeof zeros {
  if (zeros.rows < rows) {
    const size = Math.max(rows, grownSize(zeros.rows));
    zeros = {
      rows: size,
      i32: new Int32Array(size + 1),
      i64: new BigInt64Array(size),
      bits: new Uint8Array((size + 7) >> 3),
      schemaVersion: new Int32Array(size).fill(TICK_SCHEMA_VERSION),
    };
  }
  return zeros;
}

/** The `source` column: one label in every row; shared, read-only, by the batches of a file. */
let sourceColumn: { label: Uint8Array; rows: number; bytes: Uint8Array; offsets: Int32Array } = {
  label: new Uint8Array(0),
  rows: 0,
  bytes: new Uint8Array(0),
  offsets: new Int32Array(1),
};
function repeated(label: Uint8Array, rows: number): ColumnChunk {
  const cached = sourceColumn;
  const same = cached.label.length === label.length && cached.label.every((b, i) => b === label[i]);
  if (!same || cached.rows < rows) {
    const size = same ? Math.max(rows, grownSize(cached.rows)) : rows;
    const bytes = new Uint8Array(size * label.length);
    if (size > 0) bytes.set(label);
    for (let filled = label.length; filled < bytes.length; filled *= 2) bytes.copyWithin(filled, 0, filled);
    const offsets = new Int32Array(size + 1);
    for (let k = 1; k <= size; k++) offsets[k] = k * label.length;
    sourceColumn = { label, rows: size, bytes, offsets };
  }
  return { bytes: sourceColumn.bytes.subarray(0, rows * label.length), offsets: sourceColumn.offsets };
}

/**
 * The Bronze rows and rejects of one loader commit, parsed from a tick file, laid out as `bronze.ticks`'s Arrow
 * columns while they are parsed: no object per value, and the commit wraps these arrays without copying them.
 * Rows the reference parser made are stored the same way, in file order with the others. Each row also gets a
 * small {@link FileTickRow} (what the Lake port takes), which reads its values back only when someone asks.
 */
export class TickFileBatch {
  readonly rejects: { readonly position: bigint; readonly row: QuarantineRow }[] = [];
  /** Index of the batch's last record (row or reject), -1 while empty. */
  lastIndex = -1;
  /** Bytes of the records taken: what bounds a commit's memory. */
  bytes = 0;

  private readonly sourceLabel: Uint8Array;
  private count = 0;
  /** Set once a later batch has taken over this one's memory: its rows can no longer be read. */
  private retired = false;
  private views: FileTickRow[] | undefined;
  private capacity: number;
  private readonly symbol: TextColumn;
  private price: Float64Array;
  private volume: Float64Array;
  private eventTime: BigInt64Array;
  private eventTimeWords: Int32Array;
  private readonly tradeId: TextColumn;
  private bid: Float64Array;
  private readonly bidValidity: Validity;
  private ask: Float64Array;
  private readonly askValidity: Validity;
  private readonly exchange: TextColumn;
  private readonly raw: TextColumn;
  private ingestTime: BigInt64Array;
  private record: BigInt64Array;
  private recordWords: Int32Array;
  private line: BigInt64Array;
  private lineWords: Int32Array;
  private readonly eventDate: TextColumn;

  /**
   * @param previous the file's previous batch, if any: the next one is usually its size, so its arrays are
   *   allocated at that size once rather than grown by copying.
   * @param spent a batch whose commit has settled and whose rows nobody reads any more (a lake that copies rows
   *   into its table at append, as the Delta lake does): this batch takes over its arrays instead of allocating,
   *   so a file's load keeps the same memory from batch to batch. Reading `spent`'s rows afterwards throws.
   * @param expectedBytes record bytes a first batch (no `previous`) will likely take, e.g. the commit size: its
   *   arrays start at that size instead of growing to it, which leaves copies behind for the garbage collector.
   */
  constructor(
    readonly fileId: string,
    previous?: TickFileBatch,
    spent?: TickFileBatch,
    expectedBytes?: number,
  ) {
    this.sourceLabel = utf8.encode(`batch:${fileId}`);
    if (spent !== undefined && spent !== previous && !spent.retired) {
      spent.retired = true;
      this.capacity = spent.capacity;
      this.symbol = spent.symbol.reset();
      this.price = spent.price;
      this.volume = spent.volume;
      this.eventTime = spent.eventTime;
      this.eventTimeWords = spent.eventTimeWords;
      this.tradeId = spent.tradeId.reset();
      this.bid = spent.bid;
      this.bidValidity = spent.bidValidity;
      this.bidValidity.reset();
      this.ask = spent.ask;
      this.askValidity = spent.askValidity;
      this.askValidity.reset();
      this.exchange = spent.exchange.reset();
      this.raw = spent.raw.reset();
      this.ingestTime = spent.ingestTime;
      this.record = spent.record;
      this.recordWords = spent.recordWords;
      this.line = spent.line;
      this.lineWords = spent.lineWords;
      this.eventDate = spent.eventDate.reset();
      return;
    }
    const expected = previous === undefined && expectedBytes !== undefined ? expectedBytes : undefined;
    const rows = previous
      ? previous.count + (previous.count >> 4) + 16
      : Math.max(INITIAL_ROWS, Math.ceil((expected ?? 0) / MIN_RECORD_BYTES));
    const bytesFor = (column: TextColumn | undefined): number =>
      column ? column.length + (column.length >> 4) + 64 : INITIAL_TEXT_BYTES;
    const rawBytes = previous ? bytesFor(previous.raw) : (expected ?? 0) + TEXT_SLACK_BYTES;
    this.capacity = rows;
    this.symbol = new TextColumn(false, rows, bytesFor(previous?.symbol));
    this.price = new Float64Array(rows);
    this.volume = new Float64Array(rows);
    this.eventTime = new BigInt64Array(rows);
    this.eventTimeWords = new Int32Array(this.eventTime.buffer);
    this.tradeId = new TextColumn(true, rows, bytesFor(previous?.tradeId));
    this.bid = new Float64Array(rows);
    this.bidValidity = new Validity(rows);
    this.ask = new Float64Array(rows);
    this.askValidity = new Validity(rows);
    this.exchange = new TextColumn(true, rows, bytesFor(previous?.exchange));
    this.raw = new TextColumn(false, rows, Math.max(rawBytes, INITIAL_TEXT_BYTES));
    this.ingestTime = new BigInt64Array(rows);
    this.record = new BigInt64Array(rows);
    this.recordWords = new Int32Array(this.record.buffer);
    this.line = new BigInt64Array(rows);
    this.lineWords = new Int32Array(this.line.buffer);
    this.eventDate = new TextColumn(false, rows, previous ? bytesFor(previous.eventDate) : rows * DATE_BYTES);
  }

  get size(): number {
    return this.count + this.rejects.length;
  }

  /**
   * The rows, one small view each, made when the batch is committed rather than while it is parsed: so they are
   * young when the writer drops them, and the garbage collector never copies them around.
   */
  get rows(): readonly FileTickRow[] {
    this.assertLive();
    if (this.views?.length !== this.count) {
      this.views = Array.from({ length: this.count }, (_, k) => new FileTickRow(this, k));
    }
    return this.views;
  }

  /** A record the fast parser accepted: `bytes[start, end)`. */
  addParsed(
    parsed: TickLineParser,
    bytes: Uint8Array,
    start: number,
    end: number,
    index: number,
    line: number,
    ingestTimeUs: bigint,
  ): void {
    const k = this.nextRow();
    this.symbol.setRange(k, bytes, parsed.symbolStart, parsed.symbolEnd);
    this.price[k] = parsed.price;
    this.volume[k] = parsed.volume;
    setInt64(this.eventTimeWords, k, parsed.eventTimeUs);
    if (parsed.tradeIdStart < 0) this.tradeId.setNull(k);
    else this.tradeId.setRange(k, bytes, parsed.tradeIdStart, parsed.tradeIdEnd);
    this.setOptional(this.bid, this.bidValidity, k, parsed.bid);
    this.setOptional(this.ask, this.askValidity, k, parsed.ask);
    if (parsed.exchangeStart < 0) this.exchange.setNull(k);
    else this.exchange.setRange(k, bytes, parsed.exchangeStart, parsed.exchangeEnd);
    this.raw.setRange(k, bytes, start, end);
    const date = eventDateOf(parsed.eventTimeUs);
    this.eventDate.setRange(k, date, 0, date.length);
    this.setPosition(k, index, line, ingestTimeUs, end - start);
  }

  /** A record the reference parser turned into a row. */
  addRow(row: BronzeTickRow, index: number, line: number, size: number): void {
    const k = this.nextRow();
    const { tick } = row;
    this.symbol.setText(k, tick.symbol);
    this.price[k] = tick.price;
    this.volume[k] = tick.volume;
    this.eventTime[k] = tick.eventTimeUs;
    this.tradeId.setText(k, tick.tradeId);
    this.setOptional(this.bid, this.bidValidity, k, tick.bid ?? NaN);
    this.setOptional(this.ask, this.askValidity, k, tick.ask ?? NaN);
    this.exchange.setText(k, tick.exchange);
    this.raw.setText(k, row.rawPayload);
    const date = eventDateOf(tick.eventTimeUs);
    this.eventDate.setRange(k, date, 0, date.length);
    this.setPosition(k, index, line, row.ingestTimeUs, size);
  }

  addReject(row: QuarantineRow, index: number, size: number): void {
    this.rejects.push({ position: BigInt(index), row });
    this.lastIndex = index;
    this.bytes += size;
  }

  /** Every row, as `bronze.ticks` columns in {@link COLUMN_ORDER}. */
  columns(): readonly unknown[] {
    this.assertLive();
    const n = this.count;
    const zero = zerosFor(n);
    const source = repeated(this.sourceLabel, n);
    const nullable = (values: Float64Array, validity: Validity): ColumnChunk => ({
      values,
      validity: validity.bits,
      nullCount: validity.nulls,
    });
    const allNull = { validity: zero.bits, nullCount: n };
    return bulkRows(n, [
      { values: zero.schemaVersion },
      this.symbol.chunk(),
      { values: this.price },
      { values: this.volume },
      { values: this.eventTime },
      this.tradeId.chunk(),
      nullable(this.bid, this.bidValidity),
      nullable(this.ask, this.askValidity),
      this.exchange.chunk(),
      this.raw.chunk(),
      { values: this.ingestTime },
      source,
      { bytes: new Uint8Array(0), offsets: zero.i32, ...allNull },
      { values: zero.i32, ...allNull },
      { values: zero.i64, ...allNull },
      { values: this.record },
      { values: this.line },
      this.eventDate.chunk(),
    ]);
  }

  /** Row `k` as the reference parser's tick (for readers of the rows, not the writer). */
  tickAt(k: number): RawTick {
    this.assertLive();
    const [tradeId, exchange] = [this.tradeId.text(k), this.exchange.text(k)];
    const [bid, ask] = [this.bidValidity.has(k), this.askValidity.has(k)];
    return {
      schemaVersion: TICK_SCHEMA_VERSION,
      symbol: this.symbol.text(k)!,
      price: this.price[k]!,
      volume: this.volume[k]!,
      eventTimeUs: this.eventTime[k]!,
      ...(tradeId !== undefined && { tradeId }),
      ...(bid && { bid: this.bid[k]! }),
      ...(ask && { ask: this.ask[k]! }),
      ...(exchange !== undefined && { exchange }),
    };
  }

  rawPayloadAt(k: number): string {
    this.assertLive();
    return this.raw.text(k)!;
  }

  ingestTimeAt(k: number): bigint {
    this.assertLive();
    return this.ingestTime[k]!;
  }

  sourceAt(k: number): BronzeSource {
    this.assertLive();
    return { kind: 'batch', fileId: this.fileId, record: Number(this.record[k]), line: Number(this.line[k]) };
  }

  private assertLive(): void {
    if (this.retired) {
      throw new Error(
        'a tick file batch was read after a later batch took over its memory (reuse needs a copying lake)',
      );
    }
  }

  private setOptional(values: Float64Array, validity: Validity, k: number, value: number): void {
    const present = !Number.isNaN(value);
    values[k] = present ? value : 0;
    validity.set(k, present);
  }

  private setPosition(k: number, index: number, line: number, ingestTimeUs: bigint, size: number): void {
    setInt64(this.recordWords, k, index);
    setInt64(this.lineWords, k, line);
    this.ingestTime[k] = ingestTimeUs;
    this.count = k + 1;
    this.lastIndex = index;
    this.bytes += size;
  }

  private nextRow(): number {
    const k = this.count;
    if (k === this.capacity) this.grow(grownSize(k));
    return k;
  }

  private grow(rows: number): void {
    this.price = grown(this.price, rows);
    this.volume = grown(this.volume, rows);
    this.eventTime = grown(this.eventTime, rows);
    this.eventTimeWords = new Int32Array(this.eventTime.buffer);
    this.bid = grown(this.bid, rows);
    this.ask = grown(this.ask, rows);
    this.ingestTime = grown(this.ingestTime, rows);
    this.record = grown(this.record, rows);
    this.recordWords = new Int32Array(this.record.buffer);
    this.line = grown(this.line, rows);
    this.lineWords = new Int32Array(this.line.buffer);
    this.bidValidity.grow(rows);
    this.askValidity.grow(rows);
    for (const text of [this.symbol, this.tradeId, this.exchange, this.raw, this.eventDate])
      text.growRows(rows);
    this.capacity = rows;
  }
}

/** A Bronze row of a {@link TickFileBatch}: a view that reads its values back from the batch when asked. */
export class FileTickRow implements BronzeTickRow {
  constructor(
    readonly batch: TickFileBatch,
    readonly k: number,
  ) {}

  get tick(): RawTick {
    return this.batch.tickAt(this.k);
  }

  get rawPayload(): string {
    return this.batch.rawPayloadAt(this.k);
  }

  get ingestTimeUs(): bigint {
    return this.batch.ingestTimeAt(this.k);
  }

  get source(): BronzeSource {
    return this.batch.sourceAt(this.k);
  }
}

/** The batch whose rows are being handed to the writer, and the row expected next. */
let writing: { batch: TickFileBatch | undefined; next: number } = { batch: undefined, next: 0 };

function fileRowColumns(row: BronzeTickRow): readonly unknown[] {
  if (!(row instanceof FileTickRow)) return BRONZE_TICKS.toColumns(row);
  if (row.k === 0) {
    writing = { batch: row.batch, next: 1 };
    return row.batch.columns();
  }
  if (row.batch !== writing.batch || row.k !== writing.next) {
    throw new Error("a tick file batch's rows must reach bronze.ticks whole and in order");
  }
  writing.next += 1;
  return IN_BULK;
}

/**
 * `bronze.ticks` itself (same name, path, columns, partitioning and properties) for rows of
 * {@link TickFileBatch}es: the first row of a batch hands the writer the whole batch's columns, the others nothing.
 * Other rows go through `bronze.ticks`'s own mapping.
 */
export const BRONZE_TICKS_FROM_FILES: TableDefinition<BronzeTickRow> = {
  ...BRONZE_TICKS,
  toColumns: fileRowColumns,
};
