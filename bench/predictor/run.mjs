// Predictor benchmarks: the stage's batch path without Kafka (events/s per runtime and batch size) and the added
// latency on the real broker (consume → produce p99). Each measurement runs in its own process; the order of
// steps alternates per run. Prints medians and writes every sample to $LAKEHOUSE_WORK/bench/predictor.json.
// Usage: npx tsc -b apps/predictor && KAFKA_BROKERS=... node bench/predictor/run.mjs
// Env: RUNS (3), SECONDS (3, per throughput measurement), BATCHES (64,512,2048), RUNTIMES (auto,tfjs),
//      RATE (2000 events/s for the latency run), LATENCY_SECONDS (10); no KAFKA_BROKERS = no latency run.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineInfo, median } from '../lib/stats.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const RUNS = Number(process.env.RUNS ?? 3);
const SECONDS = Number(process.env.SECONDS ?? 3);
const BATCHES = (process.env.BATCHES ?? '64,512,2048').split(',').map(Number);
const RUNTIMES = (process.env.RUNTIMES ?? 'auto,tfjs').split(',');
const RATE = Number(process.env.RATE ?? 2000);
const LATENCY_SECONDS = Number(process.env.LATENCY_SECONDS ?? 10);
const OUT = join(process.env.LAKEHOUSE_WORK ?? join(ROOT, '.work'), 'bench', 'predictor.json');

const step = (script, args) =>
  JSON.parse(
    execFileSync(process.execPath, [join(HERE, script), ...args.map(String)], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 1 << 26,
    })
      .trim()
      .split('\n')
      .filter((line) => !line.startsWith('{"time"'))
      .at(-1),
  );

const machine = machineInfo();
const throughput = [];
const latency = [];
const cases = RUNTIMES.flatMap((runtime) => BATCHES.map((batch) => ({ runtime, batch })));
for (let run = 0; run < RUNS; run += 1) {
  for (const { runtime, batch } of run % 2 === 0 ? cases : [...cases].reverse()) {
    const sample = step('stage-throughput.mjs', [batch, SECONDS, runtime]);
    throughput.push({ run, runtime, ...sample });
    process.stderr.write(
      `stage run ${run} ${sample.backend} batch ${batch}: ${Math.round(sample.eventsPerSecond)}/s\n`,
    );
  }
  if (process.env.KAFKA_BROKERS) {
    const sample = step('latency.mjs', [RATE, LATENCY_SECONDS]);
    latency.push({ run, ...sample });
    process.stderr.write(
      `latency run ${run}: stage p99 ${sample.stageMs.p99} ms, end-to-end p99 ${sample.endToEndMs.p99} ms\n`,
    );
  }
}
machine.loadAverageAtEnd = loadavg().map((l) => Math.round(l * 100) / 100);
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, JSON.stringify({ machine, throughput, latency }, null, 2));

console.log(`machine: ${JSON.stringify(machine)}\n`);
console.log('| backend | batch | events/s (median) | min – max | ms per batch (median) |');
console.log('| --- | ---: | ---: | --- | ---: |');
for (const { runtime, batch } of cases) {
  const xs = throughput.filter((s) => s.runtime === runtime && s.batch === batch);
  const rates = xs.map((s) => s.eventsPerSecond);
  console.log(
    `| \`${xs[0]?.backend}\` | ${batch} | ${Math.round(median(rates))} | ${Math.round(Math.min(...rates))} – ${Math.round(Math.max(...rates))} | ${median(xs.map((s) => s.msPerBatch)).toFixed(2)} |`,
  );
}
if (latency.length > 0) {
  const p = (key, q) => median(latency.map((s) => s[key][q])).toFixed(1);
  console.log(`\nlatency at ${RATE} events/s, ${latency.length} runs (median of per-run percentiles):`);
  console.log(`stage consume → produce: p50 ${p('stageMs', 'p50')} ms, p99 ${p('stageMs', 'p99')} ms`);
  console.log(
    `input CreateTime → output CreateTime: p50 ${p('endToEndMs', 'p50')} ms, p99 ${p('endToEndMs', 'p99')} ms`,
  );
}
