import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { join } from 'node:path';

import { ID_STRIDE, mergePrice, ROWS_PER_APPEND, SHARED_KEYS, type Outcome } from './concurrency.worker.js';
import { DeltaTable } from './delta-table.js';
import { CommitConflictError } from './errors.js';
import { tempDir, ticks, TICK_SCHEMA } from './test-support.js';

const WORKERS = 2;
const ROUNDS = 8;
const WORKER_SCRIPT = join(__dirname, 'concurrency.worker.js');
const CONFLICT_ATTEMPTS = 5;

function runWorker(uri: string, worker: number): Promise<Outcome[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER_SCRIPT, uri, String(worker), String(ROUNDS)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`worker ${worker} exited with ${code}`));
      resolve(
        out
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map((line) => JSON.parse(line) as Outcome),
      );
    });
  });
}

describe('concurrent writers', () => {
  const dir = tempDir();
  after(dir.cleanup);

  it('lets two processes append and merge into one table without losing or tearing a commit', async () => {
    const uri = join(dir.path, 'shared');
    const table = await DeltaTable.create(uri, TICK_SCHEMA);
    await table.append(ticks(SHARED_KEYS));
    const baseVersion = await table.version();

    const outcomes = (await Promise.all(Array.from({ length: WORKERS }, (_, w) => runWorker(uri, w)))).flat();
    assert.equal(outcomes.length, WORKERS * ROUNDS * 2);

    const failures = outcomes.filter((o) => !o.ok);
    for (const failure of failures) assert.equal(failure.code, 'COMMIT_CONFLICT', JSON.stringify(failure));
    const successes = outcomes.filter((o) => o.ok);

    // Every acknowledged commit has its own version, and the log holds exactly those commits.
    const versions = successes.map((o) => o.version!).sort((a, b) => a - b);
    const latest = await table.refresh();
    assert.equal(new Set(versions).size, versions.length);
    assert.equal(latest - baseVersion, successes.length);
    assert.deepEqual(
      versions,
      Array.from({ length: successes.length }, (_, i) => baseVersion + 1 + i),
    );

    // Each acknowledged append's rows are there exactly once; no failed append left rows behind.
    const rows = await table.toArrow({ columns: ['id'] });
    const ids = Array.from(rows.getChild('id')!.toArray() as BigInt64Array, Number);
    const expected: number[] = [];
    for (const o of successes.filter((s) => s.op === 'append')) {
      const first = o.worker * ID_STRIDE + o.round * ROWS_PER_APPEND;
      for (let i = 0; i < ROWS_PER_APPEND; i += 1) expected.push(first + i);
    }
    for (let k = 0; k < SHARED_KEYS; k += 1) expected.push(k);
    assert.deepEqual(
      ids.sort((a, b) => a - b),
      expected.sort((a, b) => a - b),
    );

    // Each worker's exactly-once marker is its last acknowledged append.
    for (let w = 0; w < WORKERS; w += 1) {
      const appended = successes.filter((o) => o.worker === w && o.op === 'append').map((o) => o.round + 1);
      assert.equal(
        await table.txnVersion(`worker-${w}`),
        appended.length === 0 ? undefined : Math.max(...appended),
      );
    }

    // Merges are atomic: all shared keys carry the price of the last acknowledged merge.
    const merges = successes.filter((o) => o.op === 'merge').sort((a, b) => a.version! - b.version!);
    const lastMerge = merges.at(-1);
    const shared = await table.toArrow({ columns: ['price'], filter: `id < ${SHARED_KEYS}` });
    const prices = new Set(Array.from(shared.getChild('price')!.toArray() as Float64Array));
    assert.deepEqual(
      [...prices],
      [lastMerge === undefined ? 0 : mergePrice(lastMerge.worker, lastMerge.round)],
    );
    console.log(
      `concurrency: ${successes.length} commits, ${failures.length} conflicts (${[...new Set(failures.map((f) => f.kind))].join(', ')})`,
    );
  });

  it('reports a lost race with no retries left as COMMIT_CONFLICT', async () => {
    const uri = join(dir.path, 'race');
    const first = await DeltaTable.create(uri, TICK_SCHEMA);
    await first.append(ticks(SHARED_KEYS));
    const second = await DeltaTable.open(uri);
    let conflict: CommitConflictError | undefined;
    for (let i = 0; i < CONFLICT_ATTEMPTS && conflict === undefined; i += 1) {
      const results = await Promise.allSettled(
        [first, second].map((t, w) =>
          t.merge(ticks(SHARED_KEYS, 0, mergePrice(w, i)), {
            predicate: 'target.id = source.id',
            whenMatched: [{ updateAll: true }],
            maxRetries: 0,
          }),
        ),
      );
      for (const r of results) {
        if (r.status === 'rejected') {
          assert.ok(r.reason instanceof CommitConflictError, String(r.reason));
          conflict = r.reason;
        }
      }
    }
    assert.ok(conflict !== undefined, `no conflict in ${CONFLICT_ATTEMPTS} simultaneous merge pairs`);
    assert.equal(conflict.code, 'COMMIT_CONFLICT');
    assert.equal(conflict.kind, 'MaxCommitAttempts');
  });
});
