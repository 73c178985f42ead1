import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { Bool, Dictionary, Int32, Table, Utf8, vectorFromArray } from 'apache-arrow';

import { toColumnarTable } from './arrow-columns.js';

const ROWS = 12;
const SLICE_FROM = 5;

function table(): Table {
  const ids = Array.from({ length: ROWS }, (_, i) => i);
  return new Table({
    n: vectorFromArray(ids, new Int32()),
    flag: vectorFromArray(
      ids.map((i) => (i % 2 === 0 ? null : i % 3 === 0)),
      new Bool(),
    ),
    text: vectorFromArray(
      ids.map((i) => `t${i}`),
      new Utf8(),
    ),
  });
}

describe('toColumnarTable', () => {
  it('hands each column over as views of its own buffers, with one batch per record batch', () => {
    const source = table();
    const columnar = toColumnarTable(source)!;
    assert.equal(columnar.batches.length, source.batches.length);
    const [n, flag, text] = columnar.batches[0]!.columns;
    const values = source.getChild('n')!.data[0]!.values as Int32Array;
    assert.equal(n!.values!.buffer, values.buffer);
    assert.equal(n!.values!.byteOffset, values.byteOffset);
    assert.equal(n!.nullCount, 0);
    assert.equal(n!.validity, undefined);
    assert.equal(flag!.nullCount, ROWS / 2);
    assert.ok(flag!.validity);
    assert.ok(text!.valueOffsets!.byteLength >= (ROWS + 1) * Int32Array.BYTES_PER_ELEMENT);
  });

  it('passes a slice’s bit offset for bitmaps and booleans, and no offset for values already positioned', () => {
    const columnar = toColumnarTable(table().slice(SLICE_FROM))!;
    const [n, flag, text] = columnar.batches[0]!.columns;
    assert.equal(columnar.batches[0]!.length, ROWS - SLICE_FROM);
    assert.equal(n!.offset, 0);
    assert.equal(n!.values!.byteLength, (ROWS - SLICE_FROM) * Int32Array.BYTES_PER_ELEMENT);
    assert.equal(flag!.offset, SLICE_FROM);
    assert.equal(flag!.validityOffset, SLICE_FROM);
    assert.equal(text!.offset, 0);
    assert.equal(text!.valueOffsets!.byteLength, (ROWS - SLICE_FROM + 1) * Int32Array.BYTES_PER_ELEMENT);
  });

  it('leaves a table with a column it cannot lay out (a dictionary) to IPC', () => {
    const dictionary = vectorFromArray(['a', 'b', 'a'], new Dictionary(new Utf8(), new Int32()));
    assert.equal(toColumnarTable(new Table({ d: dictionary })), undefined);
  });
});
