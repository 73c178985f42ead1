// Late repair cost (issue #5). Bronze holds `ticks` rows (10 symbols, 1 ms apart) in versions of `perVersion`;
// every `lateEvery`-th tick arrives 2 s behind its time (late: within the 5 s watermark).
//   off:  one refiner catches up without the repair (late rows stored, not repaired), then ONE `LateRepair.run()` over
//         the whole table — the `refiner repair-late` path, worst case: the earliest late tick is near the start, so
//         each symbol is re-stepped from there to its end.
//   live: a fresh lake, one refiner with `repairLate: true` catches up: it repairs after every commit that stored
//         late ticks (the live path); compared with `off`'s catch-up alone, the difference is the repair's overhead.
// Prints one JSON line per mode: {mode, ticks, late, repaired, recomputed, catchUpSeconds, repairSeconds, cpuSeconds}.
// Usage: node bench/refiner/late-repair.mjs [ticks=50000] [perVersion=5000] [lateEvery=1000] [off|live|both=both]
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machineInfo } from '../lib/stats.mjs';
import { bronzeRows, refinerOn } from './throughput.mjs';

const require = createRequire(join(import.meta.dirname, '..', '..', 'apps', 'refiner', 'package.json'));
const { LateRepair } = require('./dist/silver/late-repair.js');
const { SilverExactlyOnce } = require('./dist/silver/silver-exactly-once.js');
const { SilverMetrics } = require('./dist/silver/silver-metrics.js');
const { DeltaSilverReader } = require('./dist/silver/silver-reader.js');
const {
  DEFAULT_FEATURE_CONFIG,
  DEFAULT_LABEL_DEFINITION,
  featureNames,
  parseRawTick,
} = require('@lakehouse/domain');
const { BRONZE_TICKS, DeltaLake, silverTicksTable } = require('@lakehouse/lake');
const { PipelineMetrics } = require('@lakehouse/platform');

const [TICKS, PER_VERSION, LATE_EVERY] = [50_000, 5_000, 1_000].map((d, i) =>
  Number(process.argv[2 + i] ?? d),
);
const MODE = process.argv[5] ?? 'both';
const LATE_BY_MS = 2_000;

/**
 * The throughput bench's rows on one Kafka partition (arrival order = event-time order), every LATE_EVERY-th one
 * moved 2 s back in event time.
 */
function rows(from, count) {
  return bronzeRows(from, count).map((original, i) => {
    const n = from + i;
    const row = { ...original, source: { ...original.source, partition: 0 } };
    if (n % LATE_EVERY !== Math.floor(LATE_EVERY / 2)) return row;
    const raw = JSON.parse(row.rawPayload);
    const payload = JSON.stringify({ ...raw, timestamp: raw.timestamp - LATE_BY_MS });
    return { ...row, tick: parseRawTick(Buffer.from(payload)).tick, rawPayload: payload };
  });
}

function cpuSeconds() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

async function lakeWithBronze() {
  const root = mkdtempSync(join(tmpdir(), 'late-repair-bench-'));
  const lake = new DeltaLake(root);
  await lake.ensureTable(BRONZE_TICKS);
  for (let at = 0; at < TICKS; at += PER_VERSION) await lake.append(BRONZE_TICKS, rows(at, PER_VERSION), []);
  return { root, lake };
}

async function run(mode) {
  const { root, lake } = await lakeWithBronze();
  try {
    const cpu0 = cpuSeconds();
    const t0 = performance.now();
    const names = featureNames(DEFAULT_FEATURE_CONFIG);
    const table = silverTicksTable(names);
    const metrics = new SilverMetrics(new PipelineMetrics('refiner-bench'));
    // The throughput bench's refiner, with the live repair switched on for `live`.
    const refiner = refinerOn(lake, 1, { repairLate: mode === 'live', metrics });
    await refiner.catchUp();
    const catchUpSeconds = (performance.now() - t0) / 1000;
    let result = { repaired: 0, recomputed: 0 };
    let repairSeconds = null;
    if (mode === 'off') {
      const silver = new SilverExactlyOnce(lake, table, names);
      const t1 = performance.now();
      await silver.resume();
      result = await new LateRepair(silver, new DeltaSilverReader(lake, table), {
        features: DEFAULT_FEATURE_CONFIG,
        labels: DEFAULT_LABEL_DEFINITION,
      }).run();
      repairSeconds = (performance.now() - t1) / 1000;
    } else {
      const late = await metrics.lateRepaired.get();
      const of = (kind) => late.values.find((v) => v.labels.kind === kind)?.value ?? 0;
      result = { repaired: of('late'), recomputed: of('recomputed') };
    }
    console.log(
      JSON.stringify({
        mode,
        ticks: TICKS,
        late: Math.floor(TICKS / LATE_EVERY),
        repaired: result.repaired,
        recomputed: result.recomputed,
        catchUpSeconds,
        repairSeconds,
        cpuSeconds: cpuSeconds() - cpu0,
      }),
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

console.log(JSON.stringify({ machine: machineInfo() }));
for (const mode of MODE === 'both' ? ['off', 'live'] : [MODE]) await run(mode);
