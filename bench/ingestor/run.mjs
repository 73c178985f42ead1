// Bronze benchmarks: sustained Kafka→Bronze ticks/s, freshness p50/p95 at 10k ticks/s, and the 1 GB batch load
// (MB/s, peak RSS). Each measurement runs RUNS times in its own process; prints medians as a markdown table and writes
// every sample to $LAKEHOUSE_WORK/bench/ingestor.json.
// Usage: node bench/ingestor/run.mjs   (after npm run build:native && npm run build). Env: RUNS (3), KAFKA_BROKERS.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { median } from '../lib/stats.mjs';

const HERE = import.meta.dirname;
const ROOT = join(HERE, '..', '..');
const RUNS = Number(process.env.RUNS ?? 3);
const OUT = join(process.env.LAKEHOUSE_WORK ?? join(ROOT, '.work'), 'bench', 'ingestor.json');
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

const samples = { sustained: [], freshness: [], load: [] };
for (let run = 0; run < RUNS; run++) {
  samples.sustained.push(...lines('stream.mjs', 'sustained'));
  samples.freshness.push(...lines('stream.mjs', 'freshness'));
}
samples.load.push(...lines('load-1g.mjs', String(RUNS)).filter((s) => s.build !== 'baseline'));

mkdirSync(join(OUT, '..'), { recursive: true });
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB`;
writeFileSync(OUT, JSON.stringify({ machine, runs: RUNS, samples }, null, 2));
const m = (xs, k) => median(xs.map((x) => x[k]));
console.log(`machine: ${machine}; median of ${RUNS} runs\n`);
console.log('| measurement | median | target |');
console.log('| --- | --- | --- |');
console.log(
  `| sustained Kafka→Bronze | ${m(samples.sustained, 'ticksPerSec').toFixed(0)} ticks/s | ≥ 50 000 ticks/s |`,
);
console.log(
  `| freshness at ${samples.freshness[0]?.rate} ticks/s, p50 | ${m(samples.freshness, 'p50Ms').toFixed(0)} ms | |`,
);
console.log(
  `| freshness at ${samples.freshness[0]?.rate} ticks/s, p95 | ${m(samples.freshness, 'p95Ms').toFixed(0)} ms | ≤ 2000 ms |`,
);
console.log(
  `| batch load of ${(samples.load[0]?.bytes / 1024 ** 3).toFixed(2)} GB NDJSON | ${m(samples.load, 'mbPerSec').toFixed(1)} MB/s | ≥ 50 MB/s |`,
);
console.log(`| batch load peak RSS | ${m(samples.load, 'peakRssMb').toFixed(0)} MB | < 300 MB |`);
