import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { K8S_DIR } from './repo-paths';
import { fakeSigV4Headers, runS3Python, startS3Server, stopS3Server, type S3Env } from './s3-server';

const RACERS = 32;
const HTTP_OK = 200;
const HTTP_PRECONDITION_FAILED = 412;
/** s3-delta-check.py: a create, then 2 writers × 10 appends of 10 rows each. */
const EXPECTED_DELTA_CHECK = {
  version: 20,
  rows: 210,
  distinctVersions: 21,
  rowsAtVersion0: 10,
  versionAfterOptimize: 21,
  rowsAfterVacuum: 210,
  version1AfterVacuum: 'FileNotFoundError',
  rowsEnvOnly: 10,
};

describe('the lake on a local S3-compatible server (k8s/scripts/s3-server.sh)', () => {
  let dir: string;
  let env: S3Env;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lakehouse-s3-'));
    env = startS3Server(dir);
  });
  after(() => {
    stopS3Server(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets exactly one of many concurrent put-if-absent requests win, and answers 412 to the rest', async () => {
    const url = `${env['AWS_ENDPOINT_URL']}/${env['S3_BUCKET']}/race/${Date.now()}.json`;
    const statuses = await Promise.all(
      Array.from({ length: RACERS }, (_, i) =>
        fetch(url, {
          method: 'PUT',
          headers: { ...fakeSigV4Headers(env), 'If-None-Match': '*' },
          body: `w${i}`,
        }).then((r) => r.status),
      ),
    );
    assert.equal(statuses.filter((s) => s === HTTP_OK).length, 1);
    assert.equal(statuses.filter((s) => s === HTTP_PRECONDITION_FAILED).length, RACERS - 1);
    const winner = await fetch(url, { headers: fakeSigV4Headers(env) });
    assert.match(await winner.text(), /^w\d+$/);
  });

  it('runs delta-rs commits, two concurrent writer processes, time travel, optimize, vacuum and env-only options on it', () => {
    const out = runS3Python(join(K8S_DIR, 'scripts', 's3-delta-check.py'), env);
    const result = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
    const { vacuumed, ...rest } = result;
    assert.deepEqual(rest, EXPECTED_DELTA_CHECK);
    assert.ok(typeof vacuumed === 'number' && vacuumed > 0, `vacuum removed files: ${String(vacuumed)}`);
  });
});
