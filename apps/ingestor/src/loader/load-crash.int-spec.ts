import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { DeltaTable } from '@lakehouse/delta';
import { BRONZE_QUARANTINE, BRONZE_TICKS } from '@lakehouse/lake';
import { createMulberry32 } from '@lakehouse/domain';

const CLI = resolve(__dirname, '../cli.js');
const RECORDS = 240_000;
/** Every BAD_EVERY-th record is malformed: rejects must survive the kills exactly once too. */
const BAD_EVERY = 9_973;
const KILLS = 5;
/** Small commits (60 for the file), so that however fast the loader runs, every kill lands mid-file. */
const COMMIT_RECORDS = '4000';
const SEED = 20261126;
/** Each run is killed once it has made 1–4 commits of its own, then 0–30 ms later: mid-commit or between two. */
const MAX_COMMITS_BEFORE_KILL = 4;
const KILL_JITTER_MS = 30;
const PROGRESS_TIMEOUT_MS = 120_000;
const FIRST_TICK_MS = Date.UTC(2026, 0, 5, 14, 30);

function fileText(): { text: string; bad: Set<number> } {
  const symbols = ['AAPL', 'MSFT', 'NVDA', 'KO'];
  const lines: string[] = [];
  const bad = new Set<number>();
  for (let i = 0; i < RECORDS; i++) {
    if (i % BAD_EVERY === BAD_EVERY - 1) {
      bad.add(i);
      lines.push(`{"symbol":"BAD","price":"n/a","volume":${i}}`);
      continue;
    }
    const at = new Date(FIRST_TICK_MS + i * 7).toISOString();
    lines.push(
      `{"symbol":"${symbols[i % 4]}","price":${100 + (i % 89) / 100},"volume":${i},"timestamp":"${at}"}`,
    );
  }
  return { text: lines.join('\n') + '\n', bad };
}

/** Bronze versions committed so far, from the log directory (no native handle on a table being written). */
async function commitsIn(lake: string): Promise<number> {
  const log = join(lake, BRONZE_TICKS.path, '_delta_log');
  const names = await readdir(log).catch(() => [] as string[]);
  return names.filter((n) => /^\d{20}\.json$/.test(n)).length;
}

function startLoad(lake: string, file: string) {
  const child = spawn(process.execPath, [CLI, 'load', file, '--json', '--commit-records', COMMIT_RECORDS], {
    env: { PATH: process.env.PATH, TZ: 'UTC', LAKE_ROOT: lake },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, exited, output: () => output };
}

async function column(lake: string, table: string, name: string): Promise<bigint[]> {
  const rows = await (await DeltaTable.open(join(lake, table))).toArrow({ columns: [name] });
  return [...(rows.getChild(name)!.toArray() as BigInt64Array)];
}

describe('the batch loader killed with -9 mid-file', { timeout: 600_000 }, () => {
  let dir: string;
  let file: string;
  let bad: Set<number>;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'load-crash-'));
    file = join(dir, 'ticks.ndjson');
    const generated = fileText();
    bad = generated.bad;
    await writeFile(file, generated.text);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('resumes every time and ends with each record in bronze.ticks or the quarantine exactly once', async () => {
    const lake = join(dir, 'lake');
    const random = createMulberry32(SEED);
    let killedMidFile = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      const before = await commitsIn(lake);
      const load = startLoad(lake, file);
      // Wait for this run's own progress (commits past where the last one stopped), then kill at a random moment.
      const target = before + 1 + Math.floor(random() * MAX_COMMITS_BEFORE_KILL);
      const deadline = Date.now() + PROGRESS_TIMEOUT_MS;
      let finished = false;
      while ((await commitsIn(lake)) < target) {
        if (load.child.exitCode !== null) {
          finished = true;
          break;
        }
        assert.ok(Date.now() < deadline, `no commit within ${PROGRESS_TIMEOUT_MS} ms:\n${load.output()}`);
        await sleep(5);
      }
      if (finished) break;
      await sleep(Math.floor(random() * KILL_JITTER_MS));
      load.child.kill('SIGKILL');
      const [code, signal] = await load.exited;
      if (signal === 'SIGKILL') killedMidFile += 1;
      else assert.equal(code, 0, load.output());
    }
    assert.equal(killedMidFile, KILLS, `only ${killedMidFile} of ${KILLS} kills landed mid-file`);

    const last = startLoad(lake, file);
    const [code] = await last.exited;
    assert.equal(code, 0, last.output());
    const [summary] = JSON.parse(last.output().trim().split('\n').at(-1)!) as { resumedFrom: number }[];
    assert.ok(summary!.resumedFrom > 0, 'the last run should resume where the killed ones stopped');

    const loaded = (await column(lake, BRONZE_TICKS.path, 'file_record')).map(Number).sort((a, b) => a - b);
    const good = [...Array(RECORDS).keys()].filter((i) => !bad.has(i));
    assert.equal(loaded.length, good.length, 'a record is missing or doubled in bronze.ticks');
    assert.deepEqual(loaded, good);
    const quarantined = (await column(lake, BRONZE_QUARANTINE.path, 'file_record'))
      .map(Number)
      .sort((a, b) => a - b);
    assert.deepEqual(
      quarantined,
      [...bad].sort((a, b) => a - b),
    );
  });
});
