import {
  Binary,
  Bool,
  type DataType,
  Field,
  Float64,
  Int32,
  Int64,
  makeData,
  Schema,
  RecordBatch,
  Struct,
  Table,
  TimestampMicrosecond,
  Utf8,
  type Data,
} from 'apache-arrow';

/** The column kinds the lake's tables use; each maps to one Arrow type. */
export type ColumnKind = 'utf8' | 'binary' | 'f64' | 'i32' | 'i64' | 'bool' | 'timestamp_us';

export interface ColumnSpec {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly nullable: boolean;
}

/**
 * Bytes `[start, end)` of a buffer, taken as a `utf8` or `binary` value without copying them out first. For `utf8`
 * the caller vouches that the bytes are valid UTF-8. A loader can reuse one such object for every row: the builder
 * copies the bytes when the row is appended.
 */
export interface ByteRange {
  readonly bytes: Uint8Array;
  readonly start: number;
  readonly end: number;
}

/**
 * The JS value each kind takes; `null` is allowed only in nullable columns. Besides these, `utf8` and `binary` take
 * a {@link ByteRange} (or, for `utf8`, a `Uint8Array` of UTF-8), and `i64` / `timestamp_us` a safe-integer number:
 * a bulk loader's rows need not allocate a string or a bigint per value.
 */
export type ColumnValue<K extends ColumnKind> = K extends 'utf8'
  ? string
  : K extends 'binary'
    ? Uint8Array
    : K extends 'f64' | 'i32'
      ? number
      : K extends 'bool'
        ? boolean
        : bigint;

const TIME_ZONE = 'UTC';
const INITIAL_CAPACITY = 1024;
const TWO_TO_32 = 2 ** 32;
const SHORT_COPY_BYTES = 32;

export function arrowTypeOf(kind: ColumnKind): DataType {
  switch (kind) {
    case 'utf8':
      return new Utf8();
    case 'binary':
      return new Binary();
    case 'f64':
      return new Float64();
    case 'i32':
      return new Int32();
    case 'i64':
      return new Int64();
    case 'bool':
      return new Bool();
    case 'timestamp_us':
      return new TimestampMicrosecond(TIME_ZONE);
  }
}

export function arrowSchemaOf(columns: readonly ColumnSpec[]): Schema {
  return new Schema(columns.map((c) => new Field(c.name, arrowTypeOf(c.kind), c.nullable)));
}

/** A growable column: values in a typed array (or bytes + offsets), plus a validity bitmap. */
class ColumnBuffer {
  private length = 0;
  private nulls = 0;
  private capacity = INITIAL_CAPACITY;
  private validity = new Uint8Array(INITIAL_CAPACITY >> 3);
  private f64?: Float64Array;
  private i32?: Int32Array;
  private i64?: BigInt64Array;
  /** The same memory as `i64`, as 32-bit halves: numbers are stored without becoming bigints first. */
  private i64Words?: Int32Array;
  private bytes?: Uint8Array;
  private byteLength = 0;
  private offsets?: Int32Array;
  private readonly encoder = new TextEncoder();

  constructor(readonly spec: ColumnSpec) {
    switch (spec.kind) {
      case 'f64':
        this.f64 = new Float64Array(INITIAL_CAPACITY);
        break;
      case 'i32':
      case 'bool':
        this.i32 = new Int32Array(INITIAL_CAPACITY);
        break;
      case 'i64':
      case 'timestamp_us':
        this.i64 = new BigInt64Array(INITIAL_CAPACITY);
        this.i64Words = new Int32Array(this.i64.buffer);
        break;
      case 'utf8':
      case 'binary':
        this.bytes = new Uint8Array(INITIAL_CAPACITY * 16);
        this.offsets = new Int32Array(INITIAL_CAPACITY + 1);
        break;
    }
  }

  push(value: unknown): void {
    const i = this.length;
    if (i >= this.capacity) this.grow(i + 1);
    const isNull = value === null || value === undefined;
    if (isNull) {
      if (!this.spec.nullable) throw new TypeError(`column ${this.spec.name} is not nullable`);
      this.nulls += 1;
    } else {
      this.validity[i >> 3]! |= 1 << (i & 7);
    }
    switch (this.spec.kind) {
      case 'f64':
        this.f64![i] = isNull ? 0 : (value as number);
        break;
      case 'i32':
        this.i32![i] = isNull ? 0 : (value as number);
        break;
      case 'bool':
        this.i32![i] = !isNull && value === true ? 1 : 0;
        break;
      case 'i64':
      case 'timestamp_us':
        if (typeof value === 'number') this.setI64Number(i, value);
        else this.i64![i] = isNull ? 0n : (value as bigint);
        break;
      case 'utf8':
      case 'binary': {
        if (!isNull) this.appendBytes(value);
        this.offsets![i + 1] = this.byteLength;
        break;
      }
    }
    this.length = i + 1;
  }

  /**
   * The column as Arrow data. The buffers are views of the builder's own (no copy): a builder is filled once and
   * finished once, and appending after `finish` writes only past the views' ends.
   */
  toData(): Data {
    const type = arrowTypeOf(this.spec.kind);
    const n = this.length;
    const nullBitmap = this.nulls > 0 ? this.validity.subarray(0, (n + 7) >> 3) : undefined;
    const common = { type, length: n, nullCount: this.nulls, nullBitmap } as const;
    switch (this.spec.kind) {
      case 'f64':
        return makeData({ ...common, type: new Float64(), data: this.f64!.subarray(0, n) });
      case 'i32':
        return makeData({ ...common, type: new Int32(), data: this.i32!.subarray(0, n) });
      case 'bool': {
        const packed = new Uint8Array((n + 7) >> 3);
        for (let i = 0; i < n; i++) if (this.i32![i]) packed[i >> 3]! |= 1 << (i & 7);
        return makeData({ ...common, type: new Bool(), data: packed });
      }
      case 'i64':
        return makeData({ ...common, type: new Int64(), data: this.i64!.subarray(0, n) });
      case 'timestamp_us':
        return makeData({
          ...common,
          type: new TimestampMicrosecond(TIME_ZONE),
          data: this.i64!.subarray(0, n),
        });
      case 'utf8':
        return makeData({
          ...common,
          type: new Utf8(),
          data: this.bytes!.subarray(0, this.byteLength),
          valueOffsets: this.offsets!.subarray(0, n + 1),
        });
      case 'binary':
        return makeData({
          ...common,
          type: new Binary(),
          data: this.bytes!.subarray(0, this.byteLength),
          valueOffsets: this.offsets!.subarray(0, n + 1),
        });
    }
  }

  /** Little-endian two's complement from a safe integer, without a bigint: low word, then the high word. */
  private setI64Number(i: number, value: number): void {
    if (!Number.isSafeInteger(value)) {
      throw new TypeError(`column ${this.spec.name} takes bigints or safe integers, got ${value}`);
    }
    const high = Math.floor(value / TWO_TO_32);
    this.i64Words![2 * i] = value - high * TWO_TO_32;
    this.i64Words![2 * i + 1] = high;
  }

  private appendBytes(value: unknown): void {
    if (typeof value === 'string') {
      if (this.spec.kind === 'binary') throw new TypeError(`column ${this.spec.name} takes bytes, not text`);
      // UTF-8 needs at most 3 bytes per UTF-16 code unit.
      this.reserveBytes(this.byteLength + value.length * 3);
      this.byteLength += this.encoder.encodeInto(value, this.bytes!.subarray(this.byteLength)).written;
      return;
    }
    if (value instanceof Uint8Array) {
      this.reserveBytes(this.byteLength + value.length);
      this.bytes!.set(value, this.byteLength);
      this.byteLength += value.length;
      return;
    }
    const { bytes, start, end } = value as ByteRange;
    const size = end - start;
    this.reserveBytes(this.byteLength + size);
    // A short range is cheaper to copy byte by byte than to wrap in a view for `set`.
    if (size <= SHORT_COPY_BYTES) {
      const target = this.bytes!;
      let at = this.byteLength;
      for (let k = start; k < end; k++) target[at++] = bytes[k]!;
    } else {
      this.bytes!.set(bytes.subarray(start, end), this.byteLength);
    }
    this.byteLength += size;
  }

  private grow(rows: number): void {
    const next = Math.max(rows, this.capacity * 2);
    const grow = <A extends Float64Array | Int32Array | BigInt64Array>(a: A, size: number): A => {
      const b = new (a.constructor as new (n: number) => A)(size);
      b.set(a as never);
      return b;
    };
    if (this.f64) this.f64 = grow(this.f64, next);
    if (this.i32) this.i32 = grow(this.i32, next);
    if (this.i64) {
      this.i64 = grow(this.i64, next);
      this.i64Words = new Int32Array(this.i64.buffer);
    }
    if (this.offsets) this.offsets = grow(this.offsets, next + 1);
    const validity = new Uint8Array((next + 7) >> 3);
    validity.set(this.validity);
    this.validity = validity;
    this.capacity = next;
  }

  private reserveBytes(size: number): void {
    if (size <= this.bytes!.length) return;
    const next = new Uint8Array(Math.max(size, this.bytes!.length * 2));
    next.set(this.bytes!.subarray(0, this.byteLength));
    this.bytes = next;
  }
}

/**
 * One column of many rows already laid out as Arrow lays it out, for {@link BulkRows}: `values` for numeric kinds
 * (`Float64Array` for f64, `Int32Array` for i32, `BigInt64Array` for i64 and timestamp_us), `bytes` + `offsets`
 * (length + 1 entries) for utf8 and binary. `validity` is Arrow's bitmap (bit set = present), absent when no value
 * is null. The builder wraps these arrays; it does not copy them.
 */
export interface ColumnChunk {
  readonly values?: Float64Array | Int32Array | BigInt64Array;
  readonly bytes?: Uint8Array;
  readonly offsets?: Int32Array;
  readonly validity?: Uint8Array;
  readonly nullCount?: number;
}

interface BulkRun {
  readonly length: number;
  readonly columns: readonly ColumnChunk[];
}

const BULK_RUN = Symbol('bulk run');

/**
 * What `extract` may return, instead of one row's values, for the first row of a run of rows that a bulk loader
 * has already laid out column by column: the whole run, `length` rows. Each of the run's other rows must then
 * extract to {@link IN_BULK}, so that the rows handed over and the rows written stay the same. (An array, so that
 * a table definition's `toColumns` can return it.)
 */
export function bulkRows(length: number, columns: readonly ColumnChunk[]): readonly unknown[] {
  const run: BulkRun = { length, columns };
  return Object.freeze(Object.assign([] as unknown[], { [BULK_RUN]: run }));
}

/** What `extract` returns for a row that an earlier {@link bulkRows} run already carried. */
export const IN_BULK: readonly unknown[] = Object.freeze([]);

/**
 * Builds one Arrow record batch row by row, straight into typed arrays: no per-value objects, so a million rows
 * cost a few typed-array copies rather than a million Arrow builder calls. A bulk loader can hand over runs of
 * rows already in columns ({@link bulkRows}); the table then has one record batch per run.
 */
export class ColumnarBatchBuilder<Row extends object> {
  private buffers: ColumnBuffer[];
  private rows = 0;
  /** Rows of the record batches already cut (bulk runs, and the row-by-row rows before them). */
  private readonly batches: RecordBatch[] = [];
  private batchedRows = 0;
  /** Rows of the current bulk run still to come as {@link IN_BULK}. */
  private bulkPending = 0;
  private readonly schema: Schema;

  /**
   * @param extract a row's values in column order. The builder copies them before it calls `extract` again, so a
   *   bulk loader may return the same array (and the same {@link ByteRange} objects) for every row.
   */
  constructor(
    readonly columns: readonly ColumnSpec[],
    private readonly extract: (row: Row) => readonly unknown[],
  ) {
    this.buffers = columns.map((c) => new ColumnBuffer(c));
    this.schema = arrowSchemaOf(columns);
  }

  get length(): number {
    return this.batchedRows + this.rows;
  }

  append(row: Row): void {
    const values = this.extract(row);
    if (values === IN_BULK) {
      if (this.bulkPending === 0) throw new Error('a row said it was in a bulk run, but no run is open');
      this.bulkPending -= 1;
      return;
    }
    if (this.bulkPending > 0) throw new Error(`${this.bulkPending} rows of a bulk run are missing`);
    const run = (values as { [BULK_RUN]?: BulkRun })[BULK_RUN];
    if (run !== undefined) {
      this.appendBulk(run);
      return;
    }
    for (let c = 0; c < this.buffers.length; c++) this.buffers[c]!.push(values[c]);
    this.rows += 1;
  }

  /** The rows so far as an Arrow table with exactly the declared schema. */
  finish(): Table {
    if (this.bulkPending > 0) throw new Error(`${this.bulkPending} rows of a bulk run are missing`);
    if (this.batches.length === 0) return new Table([this.rowBatch()]);
    if (this.rows > 0) this.cutRows();
    return new Table(this.batches);
  }

  private appendBulk(bulk: BulkRun): void {
    if (bulk.columns.length !== this.columns.length) {
      throw new TypeError(`a bulk run has ${bulk.columns.length} columns, the table ${this.columns.length}`);
    }
    if (this.rows > 0) this.cutRows();
    const children = this.columns.map((spec, c) => chunkData(spec, bulk.columns[c]!, bulk.length));
    const struct = makeData({
      type: new Struct(this.schema.fields),
      length: bulk.length,
      nullCount: 0,
      children,
    });
    this.batches.push(new RecordBatch(this.schema, struct));
    this.batchedRows += bulk.length;
    this.bulkPending = bulk.length - 1;
  }

  /** Closes the row-by-row rows so far into a record batch, so that a bulk run can follow them in order. */
  private cutRows(): void {
    this.batches.push(this.rowBatch());
    this.batchedRows += this.rows;
    this.rows = 0;
    this.buffers = this.columns.map((c) => new ColumnBuffer(c));
  }

  private rowBatch(): RecordBatch {
    const struct = makeData({
      type: new Struct(this.schema.fields),
      length: this.rows,
      nullCount: 0,
      children: this.buffers.map((b) => b.toData()),
    });
    return new RecordBatch(this.schema, struct);
  }
}

/** Arrow data over a bulk column's arrays, after checking they fit the column. */
function chunkData(spec: ColumnSpec, chunk: ColumnChunk, length: number): Data {
  const nullCount = chunk.nullCount ?? 0;
  const bad = (why: string): TypeError => new TypeError(`bulk column ${spec.name}: ${why}`);
  if (nullCount > 0 && (!spec.nullable || chunk.validity === undefined)) {
    throw bad(spec.nullable ? 'nulls without a validity bitmap' : 'nulls in a non-nullable column');
  }
  const nullBitmap = nullCount > 0 ? chunk.validity!.subarray(0, (length + 7) >> 3) : undefined;
  const type = arrowTypeOf(spec.kind);
  switch (spec.kind) {
    case 'utf8':
    case 'binary':
      if (chunk.bytes === undefined || chunk.offsets === undefined || chunk.offsets.length < length + 1) {
        throw bad(`needs bytes and ${length + 1} offsets`);
      }
      return makeData({
        type: type as Utf8,
        length,
        nullCount,
        nullBitmap,
        data: chunk.bytes,
        valueOffsets: chunk.offsets.subarray(0, length + 1),
      });
    case 'f64':
    case 'i32':
    case 'i64':
    case 'timestamp_us': {
      const expected = {
        f64: Float64Array,
        i32: Int32Array,
        i64: BigInt64Array,
        timestamp_us: BigInt64Array,
      }[spec.kind];
      if (!(chunk.values instanceof expected) || chunk.values.length < length) {
        throw bad(`needs a ${expected.name} of ${length} values`);
      }
      return makeData({
        type: type as Float64,
        length,
        nullCount,
        nullBitmap,
        data: chunk.values.subarray(0, length) as Float64Array,
      });
    }
    case 'bool':
      throw bad('bool columns are not taken in bulk');
  }
}
