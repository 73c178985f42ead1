import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blockFrom, blockOfRecords, NdjsonBlockSplitter, type RecordBlock } from './record-block';
import { type FileRecord, NdjsonSplitter } from './record-splitter';

type Cut = { index: number; line: number; text: string };

function cutsOfBlocks(blocks: readonly RecordBlock[]): Cut[] {
  return blocks.flatMap((b) =>
    [...Array(b.count).keys()].map((k) => ({
      index: b.firstIndex + k,
      line: b.lines[k]!,
      text: b.bytes.subarray(b.starts[k], b.ends[k]).toString(),
    })),
  );
}

function cutsOfRecords(records: readonly FileRecord[]): Cut[] {
  return records.map((r) => ({ index: r.index, line: r.line, text: r.bytes.toString() }));
}

function viaBlocks(chunks: readonly Buffer[]): Cut[] {
  const splitter = new NdjsonBlockSplitter();
  const blocks = chunks.flatMap((c) => splitter.push(c));
  return cutsOfBlocks([...blocks, ...splitter.end()]);
}

function viaRecords(chunks: readonly Buffer[]): Cut[] {
  const splitter = new NdjsonSplitter();
  const records = chunks.flatMap((c) => splitter.push(c));
  return cutsOfRecords([...records, ...splitter.end()]);
}

/** Blank lines, CRLF, whitespace-only lines, a missing last newline, a multi-byte character, an empty line. */
const TRICKY = '\n{"a":1}\r\n  \n{"b":"ü€"}\n\n\t\r\n{"c":3}\n{"broken\n{"d":4}';

describe('NdjsonBlockSplitter', () => {
  it('cuts the same records, indices and lines as the record splitter at every chunk boundary', () => {
    const bytes = Buffer.from(TRICKY);
    const want = viaRecords([bytes]);
    assert.equal(want.length, 5);
    for (let at = 0; at <= bytes.length; at++) {
      const chunks = [bytes.subarray(0, at), bytes.subarray(at)];
      assert.deepEqual(viaBlocks(chunks), want, `split at byte ${at}`);
    }
    for (let a = 1; a < bytes.length; a += 3) {
      for (let b = a + 1; b < bytes.length; b += 2) {
        const chunks = [bytes.subarray(0, a), bytes.subarray(a, b), bytes.subarray(b)];
        assert.deepEqual(viaBlocks(chunks), want, `split at bytes ${a} and ${b}`);
      }
    }
    assert.deepEqual(viaBlocks([...bytes].map((b) => Buffer.from([b]))), want, 'byte by byte');
  });

  it('keeps a chunk’s lines in the chunk’s own buffer, copying only a line that spans two chunks', () => {
    const first = Buffer.from('{"a":1}\n{"b":');
    const second = Buffer.from('2}\n{"c":3}\n');
    const splitter = new NdjsonBlockSplitter();
    assert.equal(splitter.push(first)[0]!.bytes, first);
    const [straddling, rest] = splitter.push(second);
    assert.equal(straddling!.bytes.toString(), '{"b":2}');
    assert.equal(rest!.bytes, second);
    assert.equal(rest!.firstIndex, 2);
  });
});

describe('record blocks', () => {
  it('pack one-object records into a block with the same indices, lines and bytes', () => {
    const records = viaRecords([Buffer.from(TRICKY)]).map((c) => ({
      index: c.index,
      line: c.line,
      bytes: Buffer.from(c.text),
    }));
    assert.deepEqual(cutsOfBlocks([blockOfRecords(records)!]), cutsOfRecords(records));
    assert.equal(blockOfRecords([]), undefined);
  });

  it('start at a resume index inside, before or after a block', () => {
    const splitter = new NdjsonBlockSplitter();
    const [block] = splitter.push(Buffer.from('{"a":1}\n{"b":2}\n{"c":3}\n'));
    assert.equal(blockFrom(block!, 0), block);
    assert.deepEqual(
      cutsOfBlocks([blockFrom(block!, 1)!]).map((c) => [c.index, c.text]),
      [
        [1, '{"b":2}'],
        [2, '{"c":3}'],
      ],
    );
    assert.equal(blockFrom(block!, 3), undefined);
  });
});
