import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InMemoryMessageProducer } from '@lakehouse/bus';
import { SqlSession } from '@lakehouse/delta';
import { DEFAULT_FEATURE_CONFIG, DEFAULT_LABEL_DEFINITION, featureNames } from '@lakehouse/domain';
import {
  BRONZE_TICKS,
  DeltaLake,
  SILVER_QUARANTINE,
  silverTicksTable,
  type SilverTickRow,
} from '@lakehouse/lake';
import { FixedClock, PipelineMetrics } from '@lakehouse/platform';
import { Logger } from '@nestjs/common';
import { RefinerService } from '../refiner.service';
import { refinerOptionsOf } from '../refiner.options';
import { bronzeRow, NOW, series, type TickFields } from '../silver/refiner-test-kit';
import { SilverExactlyOnce } from '../silver/silver-exactly-once';
import { SilverMetrics } from '../silver/silver-metrics';
import { DeltaSilverReader } from '../silver/silver-reader';
import { silverRowsOf } from '../silver/silver-rows';
import { runBackfill } from './backfill.command';
import { runRepairLate } from './repair-late.command';
import { runVerify } from './verify.command';

Logger.overrideLogger(false);
const NAMES = featureNames(DEFAULT_FEATURE_CONFIG);
const TABLE = silverTicksTable(NAMES);
const SYMBOLS = ['AAPL', 'MSFT', 'NVDA'];
const TICKS_PER_SYMBOL = 150;

/** Bronze versions of interleaved symbols, with replays, a late tick and invalid prices. */
function bronzeVersions(): TickFields[][] {
  const all = SYMBOLS.map((s) => series(s, TICKS_PER_SYMBOL));
  const versions: TickFields[][] = [];
  for (let at = 0; at < TICKS_PER_SYMBOL; at += 15) versions.push(all.flatMap((s) => s.slice(at, at + 15)));
  versions[2]!.push(
    all[0]![3]!,
    { ...all[1]![40]!, price: 0 },
    { ...all[2]![44]!, timestamp: all[2]![44]!.timestamp - 1 },
  );
  versions[6]!.push(...versions[2]!.slice(0, 10), {
    symbol: 'bad symbol',
    price: 1,
    volume: 1,
    timestamp: all[0]![0]!.timestamp,
  });
  return versions;
}

async function silverOf(lake: DeltaLake): Promise<{ rows: unknown[]; rejects: unknown[] }> {
  const session = SqlSession.create();
  await session.register('s', await lake.handle(TABLE));
  await session.register('q', await lake.handle(SILVER_QUARANTINE));
  const rows = silverRowsOf(await session.sql('SELECT * FROM s'), NAMES)
    .map((r): SilverTickRow => ({ ...r, refinedTimeUs: 0n }))
    .sort((a, b) => (a.eventId < b.eventId ? -1 : 1));
  const rejects = (await session.sql('SELECT * EXCEPT (refined_time) FROM q ORDER BY kafka_offset'))
    .toArray()
    .map((r) => JSON.stringify(r, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
  return { rows, rejects };
}

describe('refiner backfill and verify', () => {
  const roots: string[] = [];
  let live: string;
  let liveLake: DeltaLake;

  before(async () => {
    live = await mkdtemp(join(tmpdir(), 'refiner-cli-live-'));
    roots.push(live);
    liveLake = new DeltaLake(live);
    await liveLake.ensureTable(BRONZE_TICKS);
    let offset = 0;
    const refiner = () =>
      new RefinerService(
        liveLake,
        new SilverExactlyOnce(liveLake, TABLE, NAMES),
        new DeltaSilverReader(liveLake, TABLE),
        new InMemoryMessageProducer(),
        new SilverMetrics(new PipelineMetrics('refiner')),
        new FixedClock(NOW),
        refinerOptionsOf(
          {
            REFINER_MAX_VERSIONS_PER_COMMIT: 2,
            REFINER_MAX_CLOCK_SKEW_MS: 3_600_000,
            REFINER_MIN_EVENT_TIME: '1990-01-01T00:00:00Z',
          },
          DEFAULT_FEATURE_CONFIG,
          DEFAULT_LABEL_DEFINITION,
        ),
      );
    // The live refiner runs as the stream arrives, restarting every other version.
    for (const [i, ticks] of bronzeVersions().entries()) {
      await liveLake.append(
        BRONZE_TICKS,
        ticks.map((t) => bronzeRow(t, offset++)),
        [],
      );
      if (i % 2 === 1) await refiner().catchUp();
    }
    await refiner().catchUp();
    // As the live refiner's own repair would: the late tick applied in event-time order.
    assert.equal(await runRepairLate([], { LAKE_ROOT: live }, () => undefined), 0);
  });

  after(async () => {
    for (const root of roots) await rm(root, { recursive: true, force: true });
  });

  it('rebuilds the same Silver rows and quarantine from Bronze into a fresh lake root', async () => {
    const target = await mkdtemp(join(tmpdir(), 'refiner-cli-backfill-'));
    roots.push(target);
    const lines: string[] = [];
    const code = await runBackfill(['--target', target, '--json'], { LAKE_ROOT: live }, (l) => lines.push(l));
    assert.equal(code, 0);
    const summary = JSON.parse(lines[0]!) as { inserted: number; quarantined: number; lateRepaired: number };
    assert.equal(summary.inserted, SYMBOLS.length * TICKS_PER_SYMBOL + 1);
    assert.equal(summary.quarantined, 2);
    assert.equal(summary.lateRepaired, 1);
    const [rebuilt, original] = [await silverOf(new DeltaLake(target)), await silverOf(liveLake)];
    assert.equal(original.rows.length, summary.inserted);
    assert.deepEqual(rebuilt.rows, original.rows);
    assert.deepEqual(rebuilt.rejects, original.rejects);
  });

  it('refuses to backfill into LAKE_ROOT itself', async () => {
    await assert.rejects(runBackfill(['--target', live], { LAKE_ROOT: live }), /must not be LAKE_ROOT/);
  });

  it('passes verify on a Silver the refiner wrote, and exports the results as metrics', async () => {
    const metricsFile = join(live, 'verify.prom');
    const lines: string[] = [];
    const code = await runVerify(['--metrics-file', metricsFile], { LAKE_ROOT: live }, (l) => lines.push(l));
    assert.equal(code, 0, lines.join('\n'));
    const text = lines.join('\n');
    for (const check of ['duplicate_event_ids', 'null_keys', 'valid_prices', 'bronze_silver_accounting']) {
      assert.match(text, new RegExp(`PASS ${check} `));
    }
    assert.match(
      await readFile(metricsFile, 'utf8'),
      /silver_verify_violations\{check="duplicate_event_ids",table="silver.ticks"\} 0/,
    );
  });

  it('fails verify with exit code 1 on a duplicated event and a non-positive price', async () => {
    const target = await mkdtemp(join(tmpdir(), 'refiner-cli-broken-'));
    roots.push(target);
    await runBackfill(['--target', target], { LAKE_ROOT: live }, () => undefined);
    const broken = new DeltaLake(target);
    const session = SqlSession.create();
    await session.register('s', await broken.handle(TABLE));
    const [row] = silverRowsOf(await session.sql('SELECT * FROM s LIMIT 1'), NAMES);
    // Written around the refiner, on purpose: the plain append Silver never does.
    await broken.append(TABLE, [row!, { ...row!, eventId: 'f'.repeat(64), price: -1 }], []);
    const lines: string[] = [];
    const code = await runVerify([], { LAKE_ROOT: target }, (l) => lines.push(l));
    assert.equal(code, 1);
    assert.match(lines.join('\n'), /FAIL duplicate_event_ids silver\.ticks violations=1/);
    assert.match(lines.join('\n'), /FAIL valid_prices silver\.ticks/);
  });
});
