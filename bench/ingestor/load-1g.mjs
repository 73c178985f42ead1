// Historical batch load: MB/s and peak RSS of `ingestor load` on a generated ~1 GB NDJSON file (synthetic ticks:
// load tests only). The file is generated once into $LAKEHOUSE_WORK/bench and reused. Each run loads into a fresh
// lake under /usr/bin/time. Prints one JSON line per run.
// Usage: node bench/ingestor/load-1g.mjs [runs]   (after npm run build:native && npm run build)
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { createRequire } from 'node:module';

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
for (let run = 0; run < RUNS; run++) {
  const lake = mkdtempSync(join(WORK, 'lake-'));
  try {
    const result = spawnSync(
      '/usr/bin/time',
      ['-f', 'TIME %e %M', process.execPath, join(ROOT, 'apps/ingestor/dist/cli.js'), 'load', FILE, '--json'],
      { env: { ...env, LAKE_ROOT: lake }, encoding: 'utf8', maxBuffer: 1 << 26 },
    );
    if (result.status !== 0) throw new Error(`load failed:\n${result.stderr}`);
    const [, seconds, maxRssKb] = /TIME (\S+) (\d+)/.exec(result.stderr) ?? [];
    const [summary] = JSON.parse(result.stdout.trim().split('\n').at(-1));
    console.log(
      JSON.stringify({
        bench: 'load-1g',
        bytes: size,
        records: summary.records,
        loaded: summary.loaded,
        commits: summary.commits.length,
        seconds: Number(seconds),
        mbPerSec: size / 1024 ** 2 / Number(seconds),
        peakRssMb: Number(maxRssKb) / 1024,
      }),
    );
  } finally {
    rmSync(lake, { recursive: true, force: true });
  }
}
