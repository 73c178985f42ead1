// Maintainer benchmarks: the verification suite over a Bronze/Silver lake (each check on its own, so the Bronze→Silver
// accounting's rows/s is visible), and one upkeep cycle (OPTIMIZE of many small files, VACUUM dry run, checkpoint)
// on a fresh fragmented table per run. Prints medians as a markdown table; samples go to
// $LAKEHOUSE_WORK/bench/maintainer.json (default .work/).
// Usage: npx tsc -b apps/maintainer && node bench/maintainer/run.mjs
// Env: ROWS (200000), APPENDS (100), RUNS (3)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from '../lib/stats.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const require = createRequire(import.meta.url);
const lake = require(join(ROOT, 'libs/lake/dist/index.js'));
const domain = require(join(ROOT, 'libs/domain/dist/index.js'));
const delta = require(join(ROOT, 'libs/delta/dist/index.js'));
const verification = require(join(ROOT, 'libs/verification/dist/index.js'));
const { TableUpkeep } = require(join(ROOT, 'apps/maintainer/dist/upkeep/table-upkeep.js'));

const ROWS = Number(process.env.ROWS ?? 200_000);
const APPENDS = Number(process.env.APPENDS ?? 100);
const RUNS = Number(process.env.RUNS ?? 3);
const OUT = join(process.env.LAKEHOUSE_WORK ?? join(ROOT, '.work'), 'bench', 'maintainer.json');
const DAY_US = 86_400_000_000n;
const FIRST_US = 1_767_225_600_000_000n; // 2026-01-01
const INVALID_EVERY = 100; // 1 % of ticks have a non-positive price and go to silver.quarantine
const SILVER = lake.silverTicksTable(domain.featureNames(domain.DEFAULT_FEATURE_CONFIG));

const seconds = async (fn) => {
  const t = process.hrtime.bigint();
  const value = await fn();
  return { s: Number(process.hrtime.bigint() - t) / 1e9, value };
};

function tick(n) {
  return {
    schemaVersion: 1,
    symbol: ['AAPL', 'MSFT', 'NVDA', 'AMZN'][n % 4],
    price: n % INVALID_EVERY === 0 ? -1 : 100 + (n % 1000) / 100,
    volume: 10 + (n % 7),
    eventTimeUs: FIRST_US + (BigInt(n) * 2n * DAY_US) / BigInt(ROWS) + BigInt(n % 1000),
    tradeId: `t${n}`,
  };
}

/** Bronze in APPENDS small commits; Silver and its quarantine as the refiner would leave them. */
async function buildLake(root) {
  const l = new lake.DeltaLake(root);
  for (const t of [lake.BRONZE_TICKS, SILVER, lake.SILVER_QUARANTINE]) await l.ensureTable(t);
  const per = Math.ceil(ROWS / APPENDS);
  const silver = [];
  const rejects = [];
  for (let a = 0; a < APPENDS; a += 1) {
    const rows = [];
    for (let n = a * per; n < Math.min(ROWS, (a + 1) * per); n += 1) {
      const t = tick(n);
      const source = { kind: 'live', topic: 'ticks.raw', partition: n % 6, offset: BigInt(n) };
      rows.push({ tick: t, rawPayload: '{}', ingestTimeUs: t.eventTimeUs, source });
      if (t.price > 0) {
        silver.push({
          eventId: domain.computeEventId(t),
          symbol: t.symbol,
          eventTimeUs: t.eventTimeUs,
          price: t.price,
          volume: BigInt(t.volume),
          tradeId: t.tradeId,
          exchange: null,
          source: 'live',
          bronzeVersion: BigInt(a + 1),
          bronzeSeq: BigInt(n),
          lateStatus: 'on_time',
          featureVersion: null,
          features: null,
          refinedTimeUs: t.eventTimeUs,
        });
      } else {
        rejects.push({
          symbol: t.symbol,
          eventTimeUs: t.eventTimeUs,
          price: t.price,
          volume: t.volume,
          source: 'live',
          bronzeVersion: BigInt(a + 1),
          reasonCodes: 'PRICE_NOT_POSITIVE',
          reasonMessages: 'price -1 is not > 0',
          kafkaTopic: 'ticks.raw',
          kafkaPartition: n % 6,
          kafkaOffset: BigInt(n),
          fileRecord: null,
          refinedTimeUs: t.eventTimeUs,
        });
      }
    }
    await l.append(lake.BRONZE_TICKS, rows, []);
  }
  const spec = {
    keys: ['event_id'],
    partitionColumn: 'event_date',
    whenMatched: 'ignore',
    whenNotMatched: 'insert',
  };
  await l.merge(SILVER, silver, spec, []);
  await l.append(lake.SILVER_QUARANTINE, rejects, []);
}

const machine = {
  cpus: cpus().length,
  cpu: cpus()[0]?.model,
  memGiB: Math.round(totalmem() / 2 ** 30),
  loadavg: loadavg().map((x) => x.toFixed(2)),
};
const CHECKS = [
  'duplicate_event_ids',
  'null_keys',
  'valid_prices',
  'bronze_silver_accounting',
  'time_travel',
];
const samples = {
  build: [],
  checks: Object.fromEntries(CHECKS.map((c) => [c, []])),
  suite: [],
  optimize: [],
  vacuumDryRun: [],
  checkpoint: [],
};
let filesBefore = 0;
let filesAfter = 0;
for (let run = 0; run < RUNS; run += 1) {
  const root = mkdtempSync(join(tmpdir(), 'bench-maintainer-'));
  try {
    samples.build.push((await seconds(() => buildLake(root))).s);
    for (const check of CHECKS) {
      const { s, value } = await seconds(() =>
        verification.runVerification({ lakeRoot: root, checks: [check] }),
      );
      if (value.some((r) => !r.ok)) throw new Error(`${check} failed: ${verification.formatResults(value)}`);
      samples.checks[check].push(s);
    }
    samples.suite.push((await seconds(() => verification.runVerification({ lakeRoot: root }))).s);

    const upkeep = new TableUpkeep(
      {
        windowHours: 168,
        vacuumForce: false,
        vacuumDryRun: false,
        targetFileBytes: 128 * 2 ** 20,
        smallFileBytes: 16 * 2 ** 20,
        minSmallFiles: 2,
        openPartitionSmallFiles: 2,
        optimizeAttempts: 3,
      },
      Date.now,
      { log: () => undefined, warn: () => undefined },
    );
    const target = { name: 'bronze.ticks', path: 'bronze/ticks', datePartition: 'event_date' };
    const table = await delta.DeltaTable.open(join(root, 'bronze/ticks'));
    const opt = await seconds(() => upkeep.run(table, target, { operation: 'optimize', always: true }));
    if (opt.value.result !== 'ok') throw new Error(`optimize ${opt.value.result}: ${opt.value.error}`);
    filesBefore = Number(opt.value.filesBefore);
    filesAfter = Number(opt.value.filesAfter);
    samples.optimize.push(opt.s);
    samples.vacuumDryRun.push(
      (
        await seconds(() =>
          upkeep.run(table, target, { operation: 'vacuum', retentionHours: 0, dryRun: true }),
        )
      ).s,
    );
    samples.checkpoint.push((await seconds(() => upkeep.run(table, target, { operation: 'checkpoint' }))).s);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const rows = [
  ['build the lake (not maintainer work)', median(samples.build)],
  ...CHECKS.map((c) => [`verify: ${c}`, median(samples.checks[c])]),
  ['verify: whole suite', median(samples.suite)],
  [`OPTIMIZE bronze.ticks (${filesBefore} → ${filesAfter} files)`, median(samples.optimize)],
  ['VACUUM dry run (retention 0)', median(samples.vacuumDryRun)],
  ['checkpoint', median(samples.checkpoint)],
];
console.log(
  `\n${ROWS} Bronze rows in ${APPENDS} commits over 2 dates, 1 % quarantined; median of ${RUNS} runs`,
);
console.log(JSON.stringify(machine));
console.log('\n| Step | Median s | Rows/s |\n| --- | ---: | ---: |');
for (const [name, s] of rows) {
  const rate = name.startsWith('verify: bronze_silver') ? Math.round(ROWS / s).toLocaleString('en-US') : '';
  console.log(`| ${name} | ${s.toFixed(2)} | ${rate} |`);
}
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, JSON.stringify({ machine, ROWS, APPENDS, RUNS, samples }, null, 2));
