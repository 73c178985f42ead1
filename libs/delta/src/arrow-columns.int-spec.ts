import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { join } from 'node:path';

import {
  Bool,
  Field,
  Float64,
  Int32,
  Int64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampMicrosecond,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';

import { DeltaTable } from './delta-table.js';
import { InvalidArgumentError } from './errors.js';
import { tempDir } from './test-support.js';

const ROWS = 10;
const SLICE_FROM = 3;
const SLICE_TO = 9;
/** apache-arrow builds timestamp columns from epoch milliseconds. */
const FIRST_MS = Date.UTC(2024, 0, 2, 14, 30);

const SCHEMA = new Schema([
  new Field('id', new Int64(), false),
  new Field('flag', new Bool(), true),
  new Field('name', new Utf8(), true),
  new Field('price', new Float64(), true),
  new Field('qty', new Int32(), false),
  new Field('at', new TimestampMicrosecond('UTC'), false),
]);

/** Rows with a null in every nullable column now and then, so validity bitmaps cross byte boundaries. */
function sample(): Table {
  const ids = Array.from({ length: ROWS }, (_, i) => i);
  return new Table({
    id: vectorFromArray(
      ids.map((i) => BigInt(i)),
      new Int64(),
    ),
    flag: vectorFromArray(
      ids.map((i) => (i % 4 === 1 ? null : i % 3 === 0)),
      new Bool(),
    ),
    name: vectorFromArray(
      ids.map((i) => (i % 5 === 2 ? null : `n-${i}-é`)),
      new Utf8(),
    ),
    price: vectorFromArray(
      ids.map((i) => (i % 3 === 2 ? null : i + 0.25)),
      new Float64(),
    ),
    qty: vectorFromArray(
      ids.map((i) => i * 7),
      new Int32(),
    ),
    at: vectorFromArray(
      ids.map((i) => FIRST_MS + i),
      new TimestampMicrosecond('UTC'),
    ),
  });
}

function rowsById(table: Table): Record<string, unknown>[] {
  return table
    .toArray()
    .map((row) => (row as { toJSON(): Record<string, unknown> }).toJSON())
    .sort((a, b) => Number(a.id) - Number(b.id));
}

describe('append of an Arrow table as column buffers', () => {
  const dir = tempDir('delta-columns-');
  after(dir.cleanup);

  it('reads back exactly the rows of a table with nulls, booleans and a slice that starts mid-batch', async () => {
    const data = sample();
    const table = await DeltaTable.create(join(dir.path, 'flat'), SCHEMA);
    await table.append(data.slice(SLICE_FROM, SLICE_TO));
    await table.append(data.slice(0, SLICE_FROM));
    const read = await table.toArrow();
    assert.deepEqual(rowsById(read), rowsById(data.slice(0, SLICE_TO)));
  });

  it('refuses bytes that are not UTF-8 in a utf8 column with INVALID_ARGUMENT, committing nothing', async () => {
    const schema = new Schema([new Field('name', new Utf8(), false)]);
    const bad = makeData({
      type: new Utf8(),
      length: 1,
      nullCount: 0,
      data: Uint8Array.of(0x41, 0xff, 0xfe),
      valueOffsets: Int32Array.of(0, 3),
    });
    const batch = new RecordBatch(
      schema,
      makeData({ type: new Struct(schema.fields), length: 1, nullCount: 0, children: [bad] }),
    );
    const table = await DeltaTable.create(join(dir.path, 'bad-utf8'), schema);
    await assert.rejects(table.append(new Table([batch])), InvalidArgumentError);
    assert.equal(await table.version(), 0);
  });
});
