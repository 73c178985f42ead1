// The maintainer against live tables: upkeep cycles while a writer appends, the retention guard, verification of a
// duplicate that bypassed MERGE, restore, and the scheduled service's metrics. Apps run as processes (the CLI and
// the service); the writer runs in this process through the same Delta binding.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DeltaTable } from '@lakehouse/delta';
import { computeEventId, DEFAULT_FEATURE_CONFIG, featureNames, type RawTick } from '@lakehouse/domain';
import {
  BRONZE_TICKS,
  type BronzeTickRow,
  DeltaLake,
  schemaOf,
  type SilverTickRow,
  silverTicksTable,
  toArrow,
} from '@lakehouse/lake';
import { eventually, freePort, getJson, REPO_ROOT, StageProcess } from './stage-process';

const CLI = join(REPO_ROOT, 'apps', 'maintainer', 'dist', 'cli.js');
/** The test's time-travel window: one hour, so files removed during the test stay, and a forced VACUUM 0 does not. */
const WINDOW_HOURS = 1;
const CYCLES = 3;
const ROWS_PER_APPEND = 20;
/**
 * The live writer's pause between appends: 100 a second, far above Bronze's rate (a blind append takes a
 * millisecond or two, so an unpaced loop would commit a thousand times a second).
 */
const APPEND_PAUSE_MS = 10;
const APPENDS_BEFORE_FIRST_CYCLE = 12;
const CLOSED_DAY_US = 1_767_225_600_000_000n; // 2026-01-01T00:00Z: a closed partition
const SILVER = silverTicksTable(featureNames(DEFAULT_FEATURE_CONFIG));

interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

async function cli(lakeRoot: string, args: readonly string[], input?: string): Promise<CliResult> {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH,
      TZ: 'UTC',
      LAKE_ROOT: lakeRoot,
      TIME_TRAVEL_WINDOW_HOURS: String(WINDOW_HOURS),
      OPTIMIZE_MIN_SMALL_FILES: '2',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin.end(input ?? '');
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

/** `run <operation> bronze.ticks --json` → the recorded run row. */
async function runOp(lakeRoot: string, args: readonly string[]): Promise<Record<string, unknown>> {
  const result = await cli(lakeRoot, ['run', ...args, '--json']);
  assert.equal(result.code, 0, `${args.join(' ')} failed: ${result.stderr}${result.stdout}`);
  const rows = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
  assert.equal(rows.length, 1);
  return rows[0]!;
}

function bronzeRows(first: number, count: number): BronzeTickRow[] {
  return Array.from({ length: count }, (_, i) => {
    const n = first + i;
    const tick: RawTick = {
      schemaVersion: 1,
      symbol: n % 2 === 0 ? 'AAPL' : 'MSFT',
      price: 100 + n,
      volume: 10,
      eventTimeUs: CLOSED_DAY_US + BigInt(n) * 1_000_000n,
    };
    return {
      tick,
      rawPayload: '{}',
      ingestTimeUs: tick.eventTimeUs,
      source: { kind: 'live', topic: 'ticks.raw', partition: 0, offset: BigInt(n) },
    };
  });
}

/** The Kafka offsets a table version holds, sorted: its content, for comparing versions. */
async function offsetsAt(uri: string, version: number): Promise<number[]> {
  const table = await DeltaTable.open(uri, { version });
  const column = (await table.toArrow({ columns: ['kafka_offset'] })).getChild('kafka_offset');
  return Array.from(column?.toArray() as BigInt64Array, Number).sort((a, b) => a - b);
}

describe('maintainer', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'maintainer-e2e-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  describe('upkeep with a live writer', () => {
    let lakeRoot: string;
    let uri: string;
    let written = 0;

    before(async () => {
      lakeRoot = join(root, 'upkeep');
      uri = join(lakeRoot, BRONZE_TICKS.path);
      // bronze.ticks with the test's short deleted-file retention, so only the maintainer's window protects files.
      await DeltaTable.create(uri, schemaOf(BRONZE_TICKS), {
        partitionBy: BRONZE_TICKS.partitionColumns,
        properties: {
          'delta.deletedFileRetentionDuration': 'interval 1 seconds',
          'delta.enableExpiredLogCleanup': 'false',
        },
        name: BRONZE_TICKS.name,
      });
      const lake = new DeltaLake(lakeRoot);
      for (let i = 0; i < APPENDS_BEFORE_FIRST_CYCLE; i += 1) {
        await lake.append(BRONZE_TICKS, bronzeRows(written, ROWS_PER_APPEND), []);
        written += ROWS_PER_APPEND;
      }
    });

    it('keeps pinned readers inside the window reading the same rows through OPTIMIZE, VACUUM and checkpoints', async () => {
      const lake = new DeltaLake(lakeRoot);
      let writing = true;
      const writer = (async () => {
        while (writing) {
          await lake.append(BRONZE_TICKS, bronzeRows(written, ROWS_PER_APPEND), []);
          written += ROWS_PER_APPEND;
          await new Promise((resolve) => setTimeout(resolve, APPEND_PAUSE_MS));
        }
      })();

      const pinned: Array<{ version: number; offsets: number[] }> = [];
      const optimizeRuns: Array<Record<string, unknown>> = [];
      try {
        for (let cycle = 0; cycle < CYCLES; cycle += 1) {
          const version = await (await DeltaTable.open(uri)).version();
          pinned.push({ version, offsets: await offsetsAt(uri, version) });
          optimizeRuns.push(await runOp(lakeRoot, ['optimize', 'bronze.ticks', '--always']));
          const vacuum = await runOp(lakeRoot, ['vacuum', 'bronze.ticks']);
          assert.equal(vacuum.result, 'ok');
          assert.equal(vacuum.retentionHours, WINDOW_HOURS);
          assert.equal((await runOp(lakeRoot, ['checkpoint', 'bronze.ticks'])).result, 'ok');
          assert.equal((await runOp(lakeRoot, ['log_cleanup', 'bronze.ticks'])).result, 'ok');
        }
      } finally {
        writing = false;
        await writer;
      }

      const compacted = optimizeRuns.filter((r) => r.result === 'ok');
      assert.ok(compacted.length > 0, `no OPTIMIZE committed: ${JSON.stringify(optimizeRuns)}`);
      for (const run of compacted) {
        assert.ok(
          Number(run.filesAfter) < Number(run.filesBefore),
          `files did not fall: ${String(run.filesBefore)} → ${String(run.filesAfter)}`,
        );
      }
      for (const run of optimizeRuns.filter((r) => r.result !== 'ok')) {
        assert.equal(
          run.errorCode,
          'COMMIT_CONFLICT',
          `OPTIMIZE neither committed nor lost a race: ${JSON.stringify(run)}`,
        );
      }
      for (const { version, offsets } of pinned) {
        assert.deepEqual(await offsetsAt(uri, version), offsets, `version ${version} changed`);
      }
      // Every row ever written is still there exactly once.
      const latest = await (await DeltaTable.open(uri)).version();
      assert.deepEqual(
        await offsetsAt(uri, latest),
        Array.from({ length: written }, (_, i) => i),
      );

      // The guard is what kept them: a forced VACUUM below the window deletes the files the first pinned version needs.
      // Full mode: with this table's 1 s deleted-file retention the checkpoints dropped the old remove actions, so a
      // lite VACUUM no longer knows those files; a full one lists the directory.
      const forced = await runOp(lakeRoot, [
        'vacuum_full',
        'bronze.ticks',
        '--retention-hours',
        '0',
        '--force',
      ]);
      assert.equal(forced.forced, true);
      assert.ok(Number(forced.filesDeleted) > 0);
      await assert.rejects(offsetsAt(uri, pinned[0]!.version));
    });

    it('refuses a VACUUM below the time-travel window, exits non-zero and records the refusal', async () => {
      const before = await (await DeltaTable.open(uri)).version();
      const result = await cli(lakeRoot, ['run', 'vacuum', 'bronze.ticks', '--retention-hours', '0.5']);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /VACUUM_RETENTION_BELOW_WINDOW/);
      assert.equal(
        await (await DeltaTable.open(uri)).version(),
        before,
        'a refused VACUUM committed something',
      );

      const runs = await cli(lakeRoot, [
        'query',
        'ops.maintenance_runs',
        "SELECT operation, result, error_code FROM t WHERE result = 'refused'",
        '--json',
      ]);
      assert.equal(runs.code, 0, runs.stderr);
      assert.deepEqual(JSON.parse(runs.stdout), [
        { operation: 'vacuum', result: 'refused', error_code: 'VACUUM_RETENTION_BELOW_WINDOW' },
      ]);
    });

    it('lists what a VACUUM would delete in a dry run, deleting nothing', async () => {
      const lake = new DeltaLake(lakeRoot);
      await lake.append(BRONZE_TICKS, bronzeRows(written, ROWS_PER_APPEND), []);
      written += ROWS_PER_APPEND;
      await runOp(lakeRoot, ['optimize', 'bronze.ticks', '--always']);
      const dry = await runOp(lakeRoot, ['vacuum', 'bronze.ticks', '--retention-hours', '0', '--dry-run']);
      assert.equal(dry.result, 'dry_run');
      assert.ok(Number(dry.filesDeleted) > 0);
      const latest = await (await DeltaTable.open(uri)).version();
      assert.equal((await offsetsAt(uri, latest - 1)).length, written, 'a dry run deleted files');
    });
  });

  describe('restore', () => {
    it('returns the table to an earlier content after asking, and changes nothing when the answer is no', async () => {
      const lakeRoot = join(root, 'restore');
      const uri = join(lakeRoot, BRONZE_TICKS.path);
      const lake = new DeltaLake(lakeRoot);
      await lake.ensureTable(BRONZE_TICKS);
      const { version: early } = await lake.append(BRONZE_TICKS, bronzeRows(0, ROWS_PER_APPEND), []);
      await lake.append(BRONZE_TICKS, bronzeRows(ROWS_PER_APPEND, ROWS_PER_APPEND), []);
      const earlyOffsets = await offsetsAt(uri, Number(early));

      const declined = await cli(lakeRoot, ['restore', 'bronze.ticks', '--version', String(early)], 'n\n');
      assert.equal(declined.code, 1);
      assert.match(declined.stderr, /RESTORE_NOT_CONFIRMED/);
      const latestBefore = await (await DeltaTable.open(uri)).version();
      assert.equal((await offsetsAt(uri, latestBefore)).length, 2 * ROWS_PER_APPEND);

      const confirmed = await cli(lakeRoot, ['restore', 'bronze.ticks', '--version', String(early)], 'y\n');
      assert.equal(confirmed.code, 0, confirmed.stderr);
      const latest = await (await DeltaTable.open(uri)).version();
      assert.equal(latest, latestBefore + 1);
      assert.deepEqual(await offsetsAt(uri, latest), earlyOffsets);
      // The versions in between stay readable.
      assert.equal((await offsetsAt(uri, latestBefore)).length, 2 * ROWS_PER_APPEND);
    });
  });

  describe('verify', () => {
    it('catches a duplicate event appended around MERGE and exits non-zero', async () => {
      const lakeRoot = join(root, 'verify');
      const lake = new DeltaLake(lakeRoot);
      await lake.ensureTable(SILVER);
      const rows = bronzeRows(0, ROWS_PER_APPEND).map(({ tick }, i) => {
        // A variable, not a literal: the row type is still gaining columns.
        const row = {
          eventId: computeEventId(tick),
          symbol: tick.symbol,
          eventTimeUs: tick.eventTimeUs,
          price: tick.price,
          volume: BigInt(tick.volume),
          tradeId: null,
          exchange: null,
          source: 'live',
          bronzeVersion: 1n,
          bronzeSeq: BigInt(i),
          lateStatus: 'on_time' as const,
          featureVersion: null,
          features: null,
          refinedTimeUs: tick.eventTimeUs,
        };
        const typed: SilverTickRow = row;
        return typed;
      });
      await lake.merge(
        SILVER,
        rows,
        { keys: ['event_id'], whenMatched: 'ignore', whenNotMatched: 'insert' },
        [],
      );
      const clean = await cli(lakeRoot, ['verify']);
      assert.equal(clean.code, 0, clean.stdout + clean.stderr);
      assert.match(clean.stdout, /PASS duplicate_event_ids silver\.ticks violations=0/);

      const silver = await DeltaTable.open(join(lakeRoot, SILVER.path));
      await silver.append(toArrow(SILVER, [rows[3]!]));
      const caught = await cli(lakeRoot, ['verify']);
      assert.equal(caught.code, 1, caught.stdout);
      assert.match(
        caught.stdout,
        /FAIL duplicate_event_ids silver\.ticks violations=1 .* e\.g\. [0-9a-f]{64}/,
      );
      const json = await cli(lakeRoot, ['verify', '--json', '--checks', 'duplicate_event_ids']);
      assert.equal(json.code, 1);
      const results = JSON.parse(json.stdout) as Array<{ table: string; ok: boolean; samples: string[] }>;
      assert.deepEqual(results.find((r) => r.table === 'silver.ticks')?.samples, [rows[3]!.eventId]);
    });
  });

  describe('the scheduled service', () => {
    it('runs upkeep and verification on its schedule, records them and exports their metrics', async () => {
      const lakeRoot = join(root, 'service');
      const lake = new DeltaLake(lakeRoot);
      await lake.ensureTable(BRONZE_TICKS);
      for (let i = 0; i < 4; i += 1)
        await lake.append(BRONZE_TICKS, bronzeRows(i * ROWS_PER_APPEND, ROWS_PER_APPEND), []);
      const port = await freePort();
      const service = new StageProcess('maintainer', port, {
        LAKE_ROOT: lakeRoot,
        MAINTAINER_TABLES: 'bronze.ticks',
        MAINTAINER_TICK_MS: '300',
        OPTIMIZE_INTERVAL_MS: '60000',
        OPTIMIZE_MIN_SMALL_FILES: '2',
        CHECKPOINT_INTERVAL_MS: '60000',
        VERIFY_INTERVAL_MS: '60000',
      });
      try {
        const metric = (text: string, name: string, labels: string): number | undefined => {
          const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
          return line === undefined ? undefined : Number(line.split(' ').at(-1));
        };
        const text = await eventually(
          'upkeep and verification metrics',
          async () => {
            const response = await getJson(`${service.url}/metrics`);
            const body = typeof response?.body === 'string' ? response.body : '';
            const done =
              metric(
                body,
                'lakehouse_maintenance_last_success_timestamp_seconds',
                'operation="checkpoint"',
              ) !== undefined &&
              metric(
                body,
                'lakehouse_maintenance_last_success_timestamp_seconds',
                'operation="vacuum_full"',
              ) !== undefined &&
              metric(body, 'lakehouse_verification_ok', 'check="time_travel",table="bronze.ticks"') !==
                undefined &&
              metric(body, 'lakehouse_table_files', 'table="bronze.ticks"') === 1;
            return done ? body : undefined;
          },
          60_000,
          () => service.logs(),
        );
        assert.equal(
          metric(text, 'lakehouse_verification_ok', 'check="time_travel",table="bronze.ticks"'),
          1,
        );
        assert.ok(
          (metric(text, 'lakehouse_table_seconds_since_checkpoint', 'table="bronze.ticks"') ?? -1) >= 0,
        );
      } finally {
        service.signal('SIGTERM');
      }
      const exit = await service.exited;
      assert.equal(exit.code, 0, service.logs());
      const runs = await cli(lakeRoot, [
        'query',
        'ops.maintenance_runs',
        "SELECT DISTINCT operation FROM t WHERE result IN ('ok', 'skipped') ORDER BY operation",
        '--json',
      ]);
      assert.deepEqual(
        (JSON.parse(runs.stdout) as Array<{ operation: string }>).map((r) => r.operation),
        ['checkpoint', 'log_cleanup', 'optimize', 'optimize_open', 'vacuum', 'vacuum_full', 'verify'],
      );
    });
  });
});
