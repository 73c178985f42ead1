import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tableFromIPC, tableToIPC } from 'apache-arrow';
import { bulkRows, type ByteRange, ColumnarBatchBuilder, type ColumnSpec, IN_BULK } from './columnar-builder';

interface Row {
  s: string;
  b: Uint8Array | null;
  f: number;
  i: number | null;
  big: bigint;
  t: bigint | null;
  ok: boolean;
}

const COLUMNS: ColumnSpec[] = [
  { name: 's', kind: 'utf8', nullable: false },
  { name: 'b', kind: 'binary', nullable: true },
  { name: 'f', kind: 'f64', nullable: false },
  { name: 'i', kind: 'i32', nullable: true },
  { name: 'big', kind: 'i64', nullable: false },
  { name: 't', kind: 'timestamp_us', nullable: true },
  { name: 'ok', kind: 'bool', nullable: false },
];
const extract = (r: Row): unknown[] => [r.s, r.b, r.f, r.i, r.big, r.t, r.ok];
/** More rows than the initial capacity, so every buffer grows at least once. */
const ROWS = 3000;
const rowAt = (n: number): Row => ({
  s: n % 7 === 0 ? `ü€𝄞-${n}` : `sym-${n}`,
  b: n % 5 === 0 ? null : Uint8Array.of(n & 0xff, 0xc3),
  f: n + 0.25,
  i: n % 3 === 0 ? null : -n,
  big: BigInt(n) * 1_000_000_007n,
  t: n % 11 === 0 ? null : 1_700_000_000_000_000n + BigInt(n),
  ok: n % 2 === 0,
});

describe('ColumnarBatchBuilder', () => {
  it('round-trips every column kind, nulls and multi-byte text through Arrow IPC', () => {
    const builder = new ColumnarBatchBuilder<Row>(COLUMNS, extract);
    for (let n = 0; n < ROWS; n++) builder.append(rowAt(n));
    const table = tableFromIPC(tableToIPC(builder.finish()));
    assert.equal(table.numRows, ROWS);
    for (const n of [0, 1, 5, 7, 11, 33, ROWS - 1]) {
      const got = table.get(n)!.toJSON() as Record<string, unknown>;
      const want = rowAt(n);
      assert.equal(got.s, want.s);
      assert.deepEqual(
        got.b === null ? null : [...(got.b as Uint8Array)],
        want.b === null ? null : [...want.b],
      );
      assert.equal(got.f, want.f);
      assert.equal(got.i, want.i);
      assert.equal(got.big, want.big);
      assert.equal(got.ok, want.ok);
      // Arrow JS reads timestamps back as (fractional) epoch milliseconds.
      assert.equal(table.getChild('t')!.get(n), want.t === null ? null : Number(want.t) / 1000);
    }
  });

  it('keeps the declared nullability and types in the schema', () => {
    const table = new ColumnarBatchBuilder<Row>(COLUMNS, extract).finish();
    assert.deepEqual(
      table.schema.fields.map((f) => [f.name, f.nullable, String(f.type)]),
      [
        ['s', false, 'Utf8'],
        ['b', true, 'Binary'],
        ['f', false, 'Float64'],
        ['i', true, 'Int32'],
        ['big', false, 'Int64'],
        ['t', true, 'Timestamp<MICROSECOND, UTC>'],
        ['ok', false, 'Bool'],
      ],
    );
  });

  it('refuses a null in a non-nullable column', () => {
    const builder = new ColumnarBatchBuilder<Row>(COLUMNS, extract);
    assert.throws(
      () => builder.append({ ...rowAt(1), s: null as unknown as string }),
      /column s is not nullable/,
    );
  });
  it('takes byte ranges and UTF-8 bytes for text, and safe integers for 64-bit columns, as bulk loaders pass them', () => {
    const encoder = new TextEncoder();
    const asBytes = (r: Row): unknown[] => {
      const text = encoder.encode(`..${r.s}..`);
      const range: ByteRange = { bytes: text, start: 2, end: text.length - 2 };
      const binary: ByteRange | null = r.b === null ? null : { bytes: r.b, start: 0, end: r.b.length };
      return [range, binary, r.f, r.i, Number(r.big), r.t === null ? null : Number(r.t), r.ok];
    };
    const asUtf8 = (r: Row): unknown[] => [encoder.encode(r.s), r.b, r.f, r.i, r.big, r.t, r.ok];
    const reference = new ColumnarBatchBuilder<Row>(COLUMNS, extract);
    const ranged = new ColumnarBatchBuilder<Row>(COLUMNS, asBytes);
    const encoded = new ColumnarBatchBuilder<Row>(COLUMNS, asUtf8);
    // Negative and beyond-32-bit values exercise both halves of the 64-bit words.
    const rows = [...Array(ROWS).keys()].map((n) => ({
      ...rowAt(n),
      big: BigInt(n % 2 ? -n : n) * 1_000_000_007n,
    }));
    for (const row of rows) for (const b of [reference, ranged, encoded]) b.append(row);
    const want = tableToIPC(reference.finish());
    assert.deepEqual(tableToIPC(ranged.finish()), want);
    assert.deepEqual(tableToIPC(encoded.finish()), want);
  });

  it('refuses a 64-bit value given as a number beyond the safe integers', () => {
    const builder = new ColumnarBatchBuilder<Row>(COLUMNS, (r) => [r.s, r.b, r.f, r.i, 2 ** 60, r.t, r.ok]);
    assert.throws(() => builder.append(rowAt(1)), /column big takes bigints or safe integers/);
  });
  describe('bulk runs', () => {
    const BULK_COLUMNS = COLUMNS.filter((c) => c.kind !== 'bool');
    const pick = (r: Row): unknown[] => [r.s, r.b, r.f, r.i, r.big, r.t];
    /** Rows `from..to` laid out as a loader would: columns of typed arrays, with validity bitmaps. */
    function runOf(rows: readonly Row[]): readonly unknown[] {
      const n = rows.length;
      const text = rows.map((r) => Buffer.from(r.s));
      const offsets = (parts: readonly (Uint8Array | null)[]): Int32Array => {
        const o = new Int32Array(n + 1);
        parts.forEach((p, k) => (o[k + 1] = o[k]! + (p?.length ?? 0)));
        return o;
      };
      const validity = (present: (r: Row) => boolean): Uint8Array => {
        const v = new Uint8Array((n + 7) >> 3);
        rows.forEach((r, k) => {
          if (present(r)) v[k >> 3]! |= 1 << (k & 7);
        });
        return v;
      };
      return bulkRows(n, [
        { bytes: Buffer.concat(text), offsets: offsets(text) },
        {
          bytes: Buffer.concat(rows.map((r) => r.b ?? new Uint8Array(0))),
          offsets: offsets(rows.map((r) => r.b)),
          validity: validity((r) => r.b !== null),
          nullCount: rows.filter((r) => r.b === null).length,
        },
        { values: Float64Array.from(rows, (r) => r.f) },
        {
          values: Int32Array.from(rows, (r) => r.i ?? 0),
          validity: validity((r) => r.i !== null),
          nullCount: rows.filter((r) => r.i === null).length,
        },
        { values: BigInt64Array.from(rows, (r) => r.big) },
        {
          values: BigInt64Array.from(rows, (r) => r.t ?? 0n),
          validity: validity((r) => r.t !== null),
          nullCount: rows.filter((r) => r.t === null).length,
        },
      ]);
    }
    const rows = [...Array(100).keys()].map(rowAt);
    const RUN_FROM = 10;
    const RUN_TO = 70;

    it('write a run handed over in columns exactly like the same rows appended one by one', () => {
      const reference = new ColumnarBatchBuilder<Row>(BULK_COLUMNS, pick);
      const mixed = new ColumnarBatchBuilder<Row>(BULK_COLUMNS, (r) => {
        const k = rows.indexOf(r);
        if (k === RUN_FROM) return runOf(rows.slice(RUN_FROM, RUN_TO));
        return k > RUN_FROM && k < RUN_TO ? IN_BULK : pick(r);
      });
      for (const row of rows) [reference, mixed].forEach((b) => b.append(row));
      assert.equal(mixed.length, rows.length);
      const [want, got] = [reference, mixed].map((b) => tableFromIPC(tableToIPC(b.finish())));
      assert.equal(got!.batches.length, 3);
      assert.deepEqual(
        got!.toArray().map((r) => JSON.stringify(r, (_, v: unknown) => (typeof v === 'bigint' ? `${v}` : v))),
        want!
          .toArray()
          .map((r) => JSON.stringify(r, (_, v: unknown) => (typeof v === 'bigint' ? `${v}` : v))),
      );
    });

    it('refuse rows that leave a run short, or claim a run that was never opened', () => {
      const short = new ColumnarBatchBuilder<Row>(BULK_COLUMNS, (r) =>
        r === rows[0] ? runOf(rows.slice(0, 3)) : IN_BULK,
      );
      short.append(rows[0]!);
      short.append(rows[1]!);
      assert.throws(() => short.finish(), /1 rows of a bulk run are missing/);
      const orphan = new ColumnarBatchBuilder<Row>(BULK_COLUMNS, () => IN_BULK);
      assert.throws(() => orphan.append(rows[0]!), /no run is open/);
    });
  });
});
