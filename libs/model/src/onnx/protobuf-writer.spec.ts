import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { floatField, intField, messageField, stringField } from './protobuf-writer';

describe('protobuf writer', () => {
  // Expected bytes from the protobuf encoding guide's examples.
  it('encodes 150 in field 1 as 08 96 01', () => {
    assert.deepEqual([...intField(1, 150)], [0x08, 0x96, 0x01]);
  });

  it('encodes "testing" in field 2 as 12 07 74 65 73 74 69 6e 67', () => {
    assert.deepEqual([...stringField(2, 'testing')], [0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67]);
  });

  it('encodes an embedded message in field 3 as 1a 03 08 96 01', () => {
    assert.deepEqual([...messageField(3, [intField(1, 150)])], [0x1a, 0x03, 0x08, 0x96, 0x01]);
  });

  it('encodes a negative int64 as ten bytes of two’s complement', () => {
    assert.deepEqual(
      [...intField(1, -1)],
      [0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
    );
  });

  it('encodes 1.0f in field 2 as 15 00 00 80 3f', () => {
    assert.deepEqual([...floatField(2, 1)], [0x15, 0x00, 0x00, 0x80, 0x3f]);
  });
});
