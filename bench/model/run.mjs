// Model benchmarks: batched prediction throughput per runtime and batch size, and one training epoch on the sample
// data. Each measurement runs in its own process; the order of steps alternates per run. Prints medians as a
// markdown table and writes every sample to $LAKEHOUSE_WORK/bench/model.json (default .work/).
// Usage: npx tsc -b libs/model && node bench/model/run.mjs
// Env: RUNS (5), TRAIN_RUNS (3), SECONDS (3, per predict measurement), BACKEND (auto), BATCHES (1,64,512,2048)
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineInfo, median } from '../lib/stats.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const RUNS = Number(process.env.RUNS ?? 5);
const TRAIN_RUNS = Number(process.env.TRAIN_RUNS ?? 3);
const SECONDS = Number(process.env.SECONDS ?? 3);
const BACKEND = process.env.BACKEND ?? 'auto';
const BATCHES = (process.env.BATCHES ?? '1,64,512,2048').split(',').map(Number);
const RUNTIMES = (process.env.RUNTIMES ?? 'tfjs,onnx').split(',');
const OUT = join(process.env.LAKEHOUSE_WORK ?? join(ROOT, '.work'), 'bench', 'model.json');

const step = (script, args) =>
  JSON.parse(
    execFileSync(process.execPath, [join(HERE, script), ...args.map(String)], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 1 << 24,
    })
      .trim()
      .split('\n')
      .at(-1),
  );

const machine = machineInfo();
const predict = [];
const train = [];
const cases = RUNTIMES.flatMap((runtime) => BATCHES.map((batch) => ({ runtime, batch })));
for (let run = 0; run < RUNS; run += 1) {
  const ordered = run % 2 === 0 ? cases : [...cases].reverse();
  for (const { runtime, batch } of ordered) {
    const sample = step('predict-bench.mjs', [BACKEND, runtime, batch, SECONDS]);
    predict.push({ run, ...sample });
    process.stderr.write(
      `predict run ${run} ${sample.backend} batch ${batch}: ${Math.round(sample.predictionsPerSecond)}/s\n`,
    );
  }
}
for (let run = 0; run < TRAIN_RUNS; run += 1) {
  const sample = step('train-bench.mjs', [BACKEND]);
  train.push({ run, ...sample });
  process.stderr.write(`train run ${run} ${sample.backend}: epoch ${sample.epochSeconds}s\n`);
}
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, JSON.stringify({ machine, runs: RUNS, seconds: SECONDS, predict, train }, null, 2));

console.log(
  `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}; load average at start ${machine.loadAverageAtStart.join(' / ')}\n`,
);
console.log('| backend | batch | predictions/s (median) | min | max | ms per batch (median) | runs |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const { runtime, batch } of cases) {
  const samples = predict.filter((p) => p.runtime === runtime && p.batch === batch);
  const rates = samples.map((p) => p.predictionsPerSecond);
  console.log(
    `| ${samples[0]?.backend} | ${batch} | ${Math.round(median(rates))} | ${Math.round(Math.min(...rates))} | ${Math.round(Math.max(...rates))} | ${median(samples.map((p) => p.msPerBatch)).toFixed(2)} | ${samples.length} |`,
  );
}
if (train.length > 0) {
  const t = train[0];
  console.log(
    `\n| training backend | GRU units | batch | train windows | window | one epoch, s (median) | min | max | runs |`,
  );
  console.log('| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |');
  const epochs = train.map((s) => s.epochSeconds);
  console.log(
    `| ${t.backend} | ${t.units} | ${t.batchSize} | ${t.trainWindows} (+${t.validationWindows} scored) | ${t.window} | ${median(epochs).toFixed(1)} | ${Math.min(...epochs).toFixed(1)} | ${Math.max(...epochs).toFixed(1)} | ${train.length} |`,
  );
}
console.log(`\nAll samples: ${OUT}`);
