import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startS3Server, stopS3Server, type S3Env } from './s3-server';
import { ID_STRIDE, loadDelta, ROWS_PER_APPEND, rowsFor, storageOptionsFrom } from './delta-binding.port';

// Our napi binding (libs/delta, whose default features include `s3`) on the local S3 server: commits, two writer
// processes racing for every commit, time travel, optimize and vacuum.
const WRITERS = 2;
const ROUNDS = 6;
const WORKER = join(__dirname, 'delta-binding-s3.worker.js');
const S3_BUILD_HINT =
  'libs/delta/native/delta.node does not speak s3:// — was it built with --no-default-features? (npm run build:native)';

function runWriter(uri: string, writer: number, env: S3Env): Promise<{ version: number }[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER, uri, String(writer), String(ROUNDS)], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`writer ${writer} exited with ${code}`));
      resolve(
        out
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as { version: number }),
      );
    });
  });
}

describe('the Delta binding on a local S3-compatible server', () => {
  let dir: string;
  let env: S3Env;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lakehouse-s3-binding-'));
    env = startS3Server(dir);
  });
  after(() => {
    stopS3Server(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits, survives two racing writer processes, travels in time, optimizes and vacuums', async () => {
    const { delta, arrow } = await loadDelta();
    const storageOptions = storageOptionsFrom(env);
    const uri = `${env['LAKE_ROOT']}/binding-${Date.now()}`;
    const seed = rowsFor(arrow, WRITERS, 0);
    const table = await delta.DeltaTable.create(uri, seed.schema, { storageOptions }).catch(
      (error: unknown) => {
        throw new Error(`${String(error)} — ${S3_BUILD_HINT}`);
      },
    );
    await table.append(seed);
    const base = await table.version();

    const acknowledged = (
      await Promise.all(Array.from({ length: WRITERS }, (_, w) => runWriter(uri, w, env)))
    ).flat();
    assert.equal(acknowledged.length, WRITERS * ROUNDS);
    const versions = acknowledged.map((a) => a.version).sort((a, b) => a - b);
    assert.deepEqual(
      versions,
      Array.from({ length: WRITERS * ROUNDS }, (_, i) => base + 1 + i),
      'one version each',
    );
    assert.equal(await table.refresh(), base + WRITERS * ROUNDS);

    const ids = Array.from(
      (await table.toArrow({ columns: ['id'] })).getChild('id')?.toArray() ?? [],
      Number,
    );
    const expected = [WRITERS, ...Array.from({ length: WRITERS }, (_, w) => w)].flatMap((w) =>
      Array.from({ length: w === WRITERS ? 1 : ROUNDS }, (_, r) =>
        Array.from({ length: ROWS_PER_APPEND }, (_, i) => w * ID_STRIDE + r * ROWS_PER_APPEND + i),
      ).flat(),
    );
    assert.deepEqual(
      ids.sort((a, b) => a - b),
      expected.sort((a, b) => a - b),
      'every acknowledged row exactly once',
    );

    const first = await table.checkout({ version: base });
    assert.equal((await first.toArrow()).numRows, ROWS_PER_APPEND, 'time travel to the first append');

    await table.optimize();
    const vacuumed = await table.vacuum({ retentionHours: 0, enforceRetention: false });
    assert.ok(vacuumed.filesDeleted.length > 0, 'vacuum removed the compacted files');
    assert.equal((await table.toArrow()).numRows, ids.length, 'the latest version still reads in full');
    await assert.rejects(
      async () => (await table.checkout({ version: base })).toArrow(),
      'the vacuumed version is gone',
    );
  });
});
