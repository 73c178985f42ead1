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

/** The JS value each kind takes; `null` is allowed only in nullable columns. */
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
  private validity = new Uint8Array(INITIAL_CAPACITY >> 3);
  private f64?: Float64Array;
  private i32?: Int32Array;
  private i64?: BigInt64Array;
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
    this.reserve(i + 1);
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
        this.i64![i] = isNull ? 0n : (value as bigint);
        break;
      case 'utf8':
      case 'binary': {
        if (!isNull) this.appendBytes(value);
        this.offsets![i + 1] = this.byteLength;
        break;
      }
    }
    this.length += 1;
  }

  toData(): Data {
    const type = arrowTypeOf(this.spec.kind);
    const n = this.length;
    const nullBitmap = this.nulls > 0 ? this.validity.slice(0, (n + 7) >> 3) : undefined;
    const common = { type, length: n, nullCount: this.nulls, nullBitmap } as const;
    switch (this.spec.kind) {
      case 'f64':
        return makeData({ ...common, type: new Float64(), data: this.f64!.slice(0, n) });
      case 'i32':
        return makeData({ ...common, type: new Int32(), data: this.i32!.slice(0, n) });
      case 'bool': {
        const packed = new Uint8Array((n + 7) >> 3);
        for (let i = 0; i < n; i++) if (this.i32![i]) packed[i >> 3]! |= 1 << (i & 7);
        return makeData({ ...common, type: new Bool(), data: packed });
      }
      case 'i64':
        return makeData({ ...common, type: new Int64(), data: this.i64!.slice(0, n) });
      case 'timestamp_us':
        return makeData({
          ...common,
          type: new TimestampMicrosecond(TIME_ZONE),
          data: this.i64!.slice(0, n),
        });
      case 'utf8':
        return makeData({
          ...common,
          type: new Utf8(),
          data: this.bytes!.slice(0, this.byteLength),
          valueOffsets: this.offsets!.slice(0, n + 1),
        });
      case 'binary':
        return makeData({
          ...common,
          type: new Binary(),
          data: this.bytes!.slice(0, this.byteLength),
          valueOffsets: this.offsets!.slice(0, n + 1),
        });
    }
  }

  private appendBytes(value: unknown): void {
    if (this.spec.kind === 'binary') {
      const bytes = value as Uint8Array;
      this.reserveBytes(this.byteLength + bytes.length);
      this.bytes!.set(bytes, this.byteLength);
      this.byteLength += bytes.length;
      return;
    }
    const text = value as string;
    // UTF-8 needs at most 3 bytes per UTF-16 code unit.
    this.reserveBytes(this.byteLength + text.length * 3);
    this.byteLength += this.encoder.encodeInto(text, this.bytes!.subarray(this.byteLength)).written;
  }

  private reserve(rows: number): void {
    if (rows <= this.capacity()) return;
    const next = Math.max(rows, this.capacity() * 2);
    const grow = <A extends Float64Array | Int32Array | BigInt64Array>(a: A, size: number): A => {
      const b = new (a.constructor as new (n: number) => A)(size);
      b.set(a as never);
      return b;
    };
    if (this.f64) this.f64 = grow(this.f64, next);
    if (this.i32) this.i32 = grow(this.i32, next);
    if (this.i64) this.i64 = grow(this.i64, next);
    if (this.offsets) this.offsets = grow(this.offsets, next + 1);
    const validity = new Uint8Array((next + 7) >> 3);
    validity.set(this.validity);
    this.validity = validity;
  }

  private capacity(): number {
    return this.f64?.length ?? this.i32?.length ?? this.i64?.length ?? this.offsets!.length - 1;
  }

  private reserveBytes(size: number): void {
    if (size <= this.bytes!.length) return;
    const next = new Uint8Array(Math.max(size, this.bytes!.length * 2));
    next.set(this.bytes!.subarray(0, this.byteLength));
    this.bytes = next;
  }
}

/**
 * Builds one Arrow record batch row by row, straight into typed arrays: no per-value objects, so a million rows
 * cost a few typed-array copies rather than a million Arrow builder calls.
 */
export class ColumnarBatchBuilder<Row extends object> {
  private readonly buffers: ColumnBuffer[];
  private rows = 0;

  constructor(
    readonly columns: readonly ColumnSpec[],
    private readonly extract: (row: Row) => readonly unknown[],
  ) {
    this.buffers = columns.map((c) => new ColumnBuffer(c));
  }

  get length(): number {
    return this.rows;
  }

  append(row: Row): void {
    const values = this.extract(row);
    for (let c = 0; c < this.buffers.length; c++) this.buffers[c]!.push(values[c]);
    this.rows += 1;
  }

  /** The rows so far as an Arrow table with exactly the declared schema. */
  finish(): Table {
    const schema = arrowSchemaOf(this.columns);
    const struct = makeData({
      type: new Struct(schema.fields),
      length: this.rows,
      nullCount: 0,
      children: this.buffers.map((b) => b.toData()),
    });
    return new Table([new RecordBatch(schema, struct)]);
  }
}
