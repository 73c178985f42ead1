import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type FileRecord,
  FileStructureError,
  JsonArraySplitter,
  NdjsonSplitter,
  type RecordSplitter,
} from './record-splitter';

type Cut = { index: number; line: number; text: string };

/** Feeds `text` cut at every possible single split point, and once byte by byte, and checks all agree. */
function splitEverywhere(make: () => RecordSplitter, text: string): Cut[] {
  const bytes = Buffer.from(text);
  const run = (chunks: Buffer[]): Cut[] => {
    const s = make();
    const out: FileRecord[] = [];
    for (const c of chunks) out.push(...s.push(c));
    out.push(...s.end());
    return out.map((r) => ({ index: r.index, line: r.line, text: r.bytes.toString() }));
  };
  const whole = run([bytes]);
  for (let at = 1; at < bytes.length; at++) {
    assert.deepEqual(run([bytes.subarray(0, at), bytes.subarray(at)]), whole, `split at byte ${at}`);
  }
  assert.deepEqual(run([...bytes].map((b) => Buffer.from([b]))), whole, 'byte by byte');
  return whole;
}

describe('NdjsonSplitter', () => {
  it('cuts one record per line, whatever the chunk boundaries', () => {
    assert.deepEqual(
      splitEverywhere(() => new NdjsonSplitter(), '{"a":1}\n{"b":2}\n'),
      [
        { index: 0, line: 1, text: '{"a":1}' },
        { index: 1, line: 2, text: '{"b":2}' },
      ],
    );
  });

  it('skips blank lines but keeps line numbers as an editor shows them', () => {
    assert.deepEqual(
      splitEverywhere(() => new NdjsonSplitter(), '\n{"a":1}\n   \n{"b":2}'),
      [
        { index: 0, line: 2, text: '{"a":1}' },
        { index: 1, line: 4, text: '{"b":2}' },
      ],
    );
  });

  it('strips the carriage return of CRLF line ends', () => {
    assert.deepEqual(
      splitEverywhere(() => new NdjsonSplitter(), 'x\r\ny\r\n').map((c) => c.text),
      ['x', 'y'],
    );
  });

  it('hands a malformed line on as a record, for the parser to reject with its line number', () => {
    const cuts = splitEverywhere(() => new NdjsonSplitter(), '{"a":1}\n{"broken\n{"c":3}\n');
    assert.deepEqual(cuts[1], { index: 1, line: 2, text: '{"broken' });
    assert.equal(cuts.length, 3);
  });
});

describe('JsonArraySplitter', () => {
  it('cuts top-level elements, whatever the chunk boundaries', () => {
    assert.deepEqual(
      splitEverywhere(() => new JsonArraySplitter(), '[\n {"a":1},\n {"b":[1,2]}\n]\n'),
      [
        { index: 0, line: 2, text: '{"a":1}' },
        { index: 1, line: 3, text: '{"b":[1,2]}' },
      ],
    );
  });

  it('ignores brackets, braces, commas and escaped quotes inside strings', () => {
    const text = '[{"s":"a,]}[{\\"x"},{"t":"\\\\"}]';
    assert.deepEqual(
      splitEverywhere(() => new JsonArraySplitter(), text).map((c) => c.text),
      ['{"s":"a,]}[{\\"x"}', '{"t":"\\\\"}'],
    );
  });

  it('reads an empty array as no records', () => {
    assert.deepEqual(
      splitEverywhere(() => new JsonArraySplitter(), ' [ ] '),
      [],
    );
  });

  it('hands the partial last element of a truncated file on as a record', () => {
    const cuts = splitEverywhere(() => new JsonArraySplitter(), '[{"a":1},\n{"b":');
    assert.deepEqual(cuts.at(-1), { index: 1, line: 2, text: '{"b":' });
  });

  it('refuses content that is not an array, naming the line', () => {
    const s = new JsonArraySplitter();
    assert.throws(
      () => s.push(Buffer.from('\n\n{"a":1}')),
      (e: unknown) => e instanceof FileStructureError && e.line === 3 && e.code === 'FILE_STRUCTURE',
    );
  });

  it('refuses garbage between elements and after the closing bracket', () => {
    assert.throws(() => new JsonArraySplitter().push(Buffer.from('[{"a":1} x')), FileStructureError);
    assert.throws(() => new JsonArraySplitter().push(Buffer.from('[{"a":1}] x')), FileStructureError);
  });
});
