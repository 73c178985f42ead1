// Historical batch load: MB/s and peak RSS of `ingestor load` on a generated ~1 GB NDJSON file (synthetic intraday
// ticks: load tests only). The file is generated once into $LAKEHOUSE_WORK/bench and reused (never commit it). Each
// run loads into a fresh lake under /usr/bin/time (wall, user + sys CPU, peak RSS) and records the machine's load
// average, since other work on the same cores changes wall time but hardly CPU time. Prints one JSON line per run,
// then the medians. BASELINE_CLI=<path to another build's apps/ingestor/dist/cli.js> runs that build too, alternating
// with this one, so both see the same conditions. LOAD_ARGS adds loader options (e.g. "--commit-mb 4").
// Usage: node bench/ingestor/load-1g.mjs [runs]   (after npm run build:native && npm run build)
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { median } from '../lib/stats.mjs';

const ROOT = join(import.meta.dirname, '..', '..');
const require = createRequire(join(ROOT, 'apps', 'ingestor', 'package.json'));
const { SyntheticTickSource, DEFAULT_SYNTHETIC_FEED } = require('./dist/feed/synthetic-ticks.js');
const { createMulberry32 } = require('@lakehouse/domain');

const TARGET_BYTES = Number(process.env.LOAD_BYTES ?? 1024 ** 3);
const RUNS = Number(process.argv[2] ?? process.env.RUNS ?? 3);
const WORK = join(process.env.LAKEHOUSE_WORK ?? join(ROOT, '.work'), 'bench');
const FILE = join(WORK, `ticks-${TARGET_BYTES}.ndjson`);
const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOG', 'META', 'TSLA', 'JPM', 'XOM', 'KO', 'PEP', 'WMT'];

async function generate() {
  mkdirSync(WORK, { recursive: true });
  if (existsSync(FILE) && statSync(FILE).size >= TARGET_BYTES) return;
  const source = new SyntheticTickSource(
    {
      ...DEFAULT_SYNTHETIC_FEED,
      symbols: SYMBOLS,
      ratePerSec: 50_000,
      startMs: Date.UTC(2026, 0, 5, 14, 30),
    },
    createMulberry32(1),
  );
  const out = createWriteStream(`${FILE}.tmp`);
  let bytes = 0;
  while (bytes < TARGET_BYTES) {
    let chunk = '';
    for (let i = 0; i < 10_000; i++) chunk += JSON.stringify(source.next()) + '\n';
    bytes += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  execFileSync('mv', [`${FILE}.tmp`, FILE]);
}

await generate();
const size = statSync(FILE).size;
const env = { ...process.env };
delete env.KAFKA_BROKERS;
const builds = [['current', join(ROOT, 'apps/ingestor/dist/cli.js')]];
if (process.env.BASELINE_CLI) builds.unshift(['baseline', process.env.BASELINE_CLI]);
const extra = (process.env.LOAD_ARGS ?? '').split(' ').filter(Boolean);
const samples = [];

for (let run = 0; run < RUNS; run++) {
  for (const [build, cli] of builds) {
    const lake = mkdtempSync(join(WORK, 'lake-'));
    try {
      const loadBefore = loadavg()[0];
      const result = spawnSync(
        '/usr/bin/time',
        ['-f', 'TIME %e %U %S %M', process.execPath, cli, 'load', FILE, '--json', ...extra],
        { env: { ...env, LAKE_ROOT: lake }, encoding: 'utf8', maxBuffer: 1 << 26 },
      );
      if (result.status !== 0) throw new Error(`load failed:\n${result.stderr}`);
      const [, seconds, user, sys, maxRssKb] = /TIME (\S+) (\S+) (\S+) (\d+)/.exec(result.stderr) ?? [];
      const [summary] = JSON.parse(result.stdout.trim().split('\n').at(-1));
      const sample = {
        bench: 'load-1g',
        build,
        bytes: size,
        records: summary.records,
        loaded: summary.loaded,
        commits: summary.commits.length,
        seconds: Number(seconds),
        cpuSeconds: Number(user) + Number(sys),
        mbPerSec: size / 1024 ** 2 / Number(seconds),
        peakRssMb: Number(maxRssKb) / 1024,
        loadAvg: [loadBefore, loadavg()[0]].map((l) => Number(l.toFixed(2))),
      };
      samples.push(sample);
      console.log(JSON.stringify(sample));
    } finally {
      rmSync(lake, { recursive: true, force: true });
    }
  }
}
for (const [build] of builds) {
  const mine = samples.filter((s) => s.build === build);
  const m = (k) => median(mine.map((s) => s[k]));
  console.error(
    `${build}: median of ${mine.length}: ${m('mbPerSec').toFixed(1)} MB/s (${m('seconds').toFixed(1)} s wall, ` +
      `${m('cpuSeconds').toFixed(1)} s CPU), peak RSS ${m('peakRssMb').toFixed(0)} MB, ${m('commits')} commits`,
  );
}
