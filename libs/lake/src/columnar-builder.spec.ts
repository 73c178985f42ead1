import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tableFromIPC, tableToIPC } from 'apache-arrow';
import { ColumnarBatchBuilder, type ColumnSpec } from './columnar-builder';

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
});
