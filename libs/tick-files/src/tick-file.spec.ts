import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { describeTickFile, expandTickFileArgs, readTickFile } from './tick-file';

const TICKS = Array.from({ length: 25 }, (_, i) => ({
  symbol: 'SPX',
  price: 100 + i,
  volume: i,
  timestamp: i,
}));
const NDJSON = TICKS.map((t) => JSON.stringify(t)).join('\n') + '\n';
const ARRAY = JSON.stringify(TICKS, null, 2);
const SMALL_CHUNK = 7;

async function collect(path: string, fromIndex = 0): Promise<{ index: number; text: string }[]> {
  const info = await describeTickFile(path);
  const out: { index: number; text: string }[] = [];
  for await (const chunk of readTickFile(info, { chunkRecords: SMALL_CHUNK, fromIndex })) {
    assert.ok(chunk.length <= SMALL_CHUNK + 1 || chunk.length > 0);
    out.push(...chunk.map((r) => ({ index: r.index, text: r.bytes.toString() })));
  }
  return out;
}

describe('tick files', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tick-files-'));
    await writeFile(join(dir, 'a.ndjson'), NDJSON);
    await writeFile(join(dir, 'b.json'), ARRAY);
    await writeFile(join(dir, 'c.ndjson.gz'), gzipSync(NDJSON));
    await writeFile(join(dir, 'd.json.gz'), gzipSync(ARRAY));
    await writeFile(join(dir, 'notes.txt'), 'not a tick file');
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the same records from NDJSON, a JSON array, and the gzip of each', async () => {
    const expected = TICKS.map((t, index) => ({ index, text: JSON.stringify(t) }));
    assert.deepEqual(await collect(join(dir, 'a.ndjson')), expected);
    assert.deepEqual(await collect(join(dir, 'c.ndjson.gz')), expected);
    const fromArray = await collect(join(dir, 'b.json'));
    assert.deepEqual(
      fromArray.map((r) => JSON.parse(r.text) as unknown),
      TICKS,
    );
    assert.deepEqual(await collect(join(dir, 'd.json.gz')), fromArray);
  });

  it('detects compression from the bytes and identifies a file by its content hash', async () => {
    const plain = await describeTickFile(join(dir, 'a.ndjson'));
    const gz = await describeTickFile(join(dir, 'c.ndjson.gz'));
    assert.equal(plain.compressed, false);
    assert.equal(gz.compressed, true);
    await writeFile(join(dir, 'copy.ndjson'), NDJSON);
    assert.equal((await describeTickFile(join(dir, 'copy.ndjson'))).fileId, plain.fileId);
    assert.notEqual(gz.fileId, plain.fileId);
    await rm(join(dir, 'copy.ndjson'));
  });

  it('resumes from a record index without yielding the records before it', async () => {
    const RESUME_AT = 18;
    const rest = await collect(join(dir, 'a.ndjson'), RESUME_AT);
    assert.deepEqual(
      rest.map((r) => r.index),
      Array.from({ length: TICKS.length - RESUME_AT }, (_, i) => RESUME_AT + i),
    );
  });

  it('expands a directory to its tick files in name order, and refuses a glob that matches nothing', async () => {
    assert.deepEqual(
      await expandTickFileArgs([dir]),
      ['a.ndjson', 'b.json', 'c.ndjson.gz', 'd.json.gz'].map((n) => join(dir, n)),
    );
    assert.deepEqual(await expandTickFileArgs([join(dir, '*.gz')]), [
      join(dir, 'c.ndjson.gz'),
      join(dir, 'd.json.gz'),
    ]);
    await assert.rejects(expandTickFileArgs([join(dir, '*.parquet')]), /no tick files match/);
  });
});
