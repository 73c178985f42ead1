// Silver benchmarks: refine + MERGE throughput (RUNS runs), freshness produce → visible in Silver at RATE ticks/s
// through the ingestor and refiner processes (RUNS runs; needs KAFKA_BROKERS), and MERGE time per batch as Silver
// grows (one run; SIZES). Prints medians as a markdown table; every sample goes to $LAKEHOUSE_WORK/bench/refiner.json.
// Usage: node bench/refiner/run.mjs   env: RUNS (3), RATE (10000), DURATION_S (20), SIZES (1000000,5000000,20000000)
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { median } from '../lib/stats.mjs';

const HERE = import.meta.dirname;
const ROOT = join(HERE, '..', '..');
const RUNS = Number(process.env.RUNS ?? 3);
const OUT = join(process.env.LAKEHOUSE_WORK ?? join(ROOT, '.work'), 'bench', 'refiner.json');
const lines = (script, ...args) =>
  execFileSync(process.execPath, [join(HERE, script), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 26,
  })
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));

const samples = { throughput: [], freshness: [], mergeGrowth: [] };
for (let run = 0; run < RUNS; run++) {
  samples.throughput.push(...lines('throughput.mjs', '100000', '5000', '1'));
  if (process.env.KAFKA_BROKERS) samples.freshness.push(...lines('freshness.mjs'));
}
samples.mergeGrowth.push(...lines('merge-growth.mjs', process.env.SIZES ?? '1000000,5000000,20000000'));

mkdirSync(join(OUT, '..'), { recursive: true });
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB`;
writeFileSync(OUT, JSON.stringify({ machine, runs: RUNS, samples }, null, 2));
const m = (xs, k) => median(xs.map((x) => x[k]));
console.log(`machine: ${machine}; median of ${RUNS} runs\n`);
console.log('| measurement | median | target |');
console.log('| --- | --- | --- |');
console.log(
  `| refine + MERGE, 5k-tick Bronze versions | ${m(samples.throughput, 'ticksPerSec')} ticks/s | |`,
);
console.log(`| CPU per 100k ticks | ${m(samples.throughput, 'cpuSeconds').toFixed(1)} s | |`);
if (samples.freshness.length > 0) {
  const rate = samples.freshness[0].rate;
  console.log(`| freshness at ${rate} ticks/s, p50 | ${m(samples.freshness, 'p50Ms')} ms | |`);
  console.log(`| freshness at ${rate} ticks/s, p95 | ${m(samples.freshness, 'p95Ms')} ms | ≤ 2000 ms |`);
}
for (const g of samples.mergeGrowth) {
  console.log(
    `| MERGE of ${g.batch} rows into ${(g.rows / 1e6).toFixed(2)}M rows (${g.days} days) | ${g.medianMs} ms (p95 ${g.p95Ms}), ${g.filesScannedPerMerge} files read, ${g.filesSkippedPerMerge} skipped | flat |`,
  );
}
