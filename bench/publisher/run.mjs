// Publisher benchmarks: socket fan-out alone (fanout.mjs) and tick-to-socket through the four apps
// (tick-to-socket.mjs; MODEL_STORE_DIR's promoted model or an untrained one of the serving shape). Each runs RUNS times in its own
// process; prints medians as a markdown table and writes every sample to $LAKEHOUSE_WORK/bench/publisher.json.
// Usage: node bench/publisher/run.mjs (after npm run build). Env: RUNS (3), KAFKA_BROKERS, MODEL_STORE_DIR, and the
// scripts' own (RATE, SECONDS, CLIENTS, SUBSCRIBE…).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { median, ROOT } from './lib.mjs';

const HERE = import.meta.dirname;
const RUNS = Number(process.env.RUNS ?? 3);
const OUT = join(process.env.LAKEHOUSE_WORK ?? join(ROOT, '.work'), 'bench', 'publisher.json');
const run = (script) =>
  execFileSync(process.execPath, [join(HERE, script)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 26,
  })
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));

const samples = { fanout: [], tickToSocket: [] };
for (let i = 0; i < RUNS; i++) samples.fanout.push(...run('fanout.mjs'));
for (let i = 0; i < RUNS; i++) samples.tickToSocket.push(...run('tick-to-socket.mjs'));

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, load ${loadavg()[0].toFixed(1)}`;
mkdirSync(join(OUT, '..'), { recursive: true });
writeFileSync(OUT, JSON.stringify({ machine, runs: RUNS, samples }, null, 2));
// null (not delivered by the end of the drain) sorts as slowest.
const m = (xs, pick) => {
  const v = median(xs.map((x) => pick(x) ?? Infinity));
  return v;
};
const ms = (v) => (Number.isFinite(v) ? `${v.toFixed(1)} ms` : '> drain');
console.log(`machine: ${machine}; median of ${RUNS} runs\n`);
console.log(
  "| measurement | p50 | p95 | p99 | delivered by the drain's end | p99 over all expected | target |",
);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const [name, xs, target] of [
  ['socket fan-out alone (publisher only)', samples.fanout, ''],
  ['tick-to-socket (4 apps)', samples.tickToSocket, 'p99 ≤ 250 ms'],
]) {
  if (xs.length === 0) continue;
  const first = xs[0];
  const delivered = m(xs, (x) => x.received / Math.max(1, x.expectedDeliveries));
  console.log(
    `| ${name}, ${first.rate}/s, ${first.clients} clients (${first.subscribe}) | ${ms(m(xs, (x) => x.p50Ms))} | ` +
      `${ms(m(xs, (x) => x.p95Ms))} | ${ms(m(xs, (x) => x.p99Ms))} | ${(delivered * 100).toFixed(1)}% | ` +
      `${ms(m(xs, (x) => x.ofExpected?.p99Ms))} | ${target} |`,
  );
}
