// MERGE time per batch as silver.ticks grows. Silver is grown with synthetic rows (ROWS_PER_DAY per event-date
// partition, in files of ROWS_PER_FILE, random SHA-256-like ids, rising event times), then at each size the
// refiner's own MERGE (SILVER_MERGE: event_id + event_time, date partition literals, txn + readVersion) runs
// BATCHES batches of BATCH rows into the newest day: new events, plus REPLAY_SHARE replays of existing ones.
// Prints one JSON line per size: {rows, days, medianMs, p95Ms, filesScanned, filesSkipped}.
// Usage: node bench/refiner/merge-growth.mjs [sizes=1000000,5000000]  env: ROWS_PER_DAY (250000), BATCH (5000)
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(join(import.meta.dirname, '..', '..', 'apps', 'refiner', 'package.json'));
const { SILVER_MERGE, SILVER_APP_ID } = require('./dist/silver/silver-exactly-once.js');
const { DEFAULT_FEATURE_CONFIG, featureNames } = require('@lakehouse/domain');
const { DeltaLake, silverTicksTable } = require('@lakehouse/lake');

const SIZES = (process.argv[2] ?? '1000000,5000000').split(',').map(Number);
const ROWS_PER_DAY = Number(process.env.ROWS_PER_DAY ?? 250_000);
const ROWS_PER_FILE = Number(process.env.ROWS_PER_FILE ?? 50_000);
const BATCH = Number(process.env.BATCH ?? 5_000);
const BATCHES = Number(process.env.BATCHES ?? 7);
const REPLAY_SHARE = 0.05;
const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOG', 'META', 'TSLA', 'JPM', 'XOM', 'KO'];
const DAY_US = 86_400_000_000n;
const FIRST_DAY_US = BigInt(Date.UTC(2025, 0, 1)) * 1000n;
const names = featureNames(DEFAULT_FEATURE_CONFIG);
const FEATURE_VECTORS = Array.from({ length: 97 }, (_, k) => names.map((_, i) => Math.sin(k * 31 + i)));
const table = silverTicksTable(names);

/** Row `n` of the synthetic history: day n / ROWS_PER_DAY, spread over the day, a hash id. */
function row(n) {
  const day = BigInt(Math.floor(n / ROWS_PER_DAY));
  const within = BigInt(n % ROWS_PER_DAY);
  return {
    eventId: createHash('sha256').update(`tick-${n}`).digest('hex'),
    symbol: SYMBOLS[n % SYMBOLS.length],
    eventTimeUs: FIRST_DAY_US + day * DAY_US + (within * DAY_US) / BigInt(ROWS_PER_DAY),
    price: 100 + (n % 997) / 10,
    volume: BigInt(n % 1000),
    tradeId: null,
    exchange: null,
    source: 'live',
    bronzeVersion: BigInt(Math.floor(n / BATCH)),
    bronzeSeq: BigInt(n % BATCH),
    lateStatus: 'on_time',
    featureVersion: DEFAULT_FEATURE_CONFIG.version,
    // One of 97 vectors: varied enough that files are not trivially compressed, cheap enough to grow to 20M.
    features: FEATURE_VECTORS[n % FEATURE_VECTORS.length],
    refinedTimeUs: 0n,
  };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const root = mkdtempSync(join(tmpdir(), 'refiner-merge-'));
try {
  const lake = new DeltaLake(root);
  await lake.ensureTable(table);
  const delta = await lake.handle(table);
  let grown = 0;
  let position = 0n;
  for (const size of SIZES) {
    const t0 = performance.now();
    // Grow with plain appends: a bench shortcut for history, never what the refiner does.
    for (; grown < size; grown += ROWS_PER_FILE) {
      await lake.append(
        table,
        Array.from({ length: ROWS_PER_FILE }, (_, i) => row(grown + i)),
        [],
      );
    }
    const growSeconds = (performance.now() - t0) / 1000;
    // The newest day holds `grown % ROWS_PER_DAY || ROWS_PER_DAY` rows; new events continue after the last one.
    const base = grown;
    const times = [];
    let scanned = 0;
    let skipped = 0;
    for (let b = 0; b < BATCHES; b++) {
      const fresh = Array.from({ length: BATCH }, (_, i) => row(base + b * BATCH + i));
      const replays = Math.floor(BATCH * REPLAY_SHARE);
      for (let i = 0; i < replays; i++) fresh[i] = row(base - 1 - i * 7);
      const snapshot = await lake.transactionVersions(table, [SILVER_APP_ID]);
      position += 1n;
      const started = performance.now();
      const outcome = await lake.merge(
        table,
        fresh,
        SILVER_MERGE,
        [{ appId: SILVER_APP_ID, version: position }],
        {
          readVersion: snapshot.readVersion,
        },
      );
      times.push(performance.now() - started);
      if (outcome.inserted !== BATCH - replays) throw new Error(`inserted ${outcome.inserted}`);
      const history = await delta.history(1);
      const metrics = history[0]?.info?.operationMetrics ?? {};
      if (process.env.DEBUG) console.error(JSON.stringify(history[0]));
      scanned += Number(metrics.num_target_files_scanned ?? 0);
      skipped += Number(metrics.num_target_files_skipped_during_scan ?? 0);
    }
    grown += BATCHES * BATCH;
    times.sort((a, b) => a - b);
    console.log(
      JSON.stringify({
        bench: 'merge-growth',
        rows: base,
        days: Math.ceil(base / ROWS_PER_DAY),
        batch: BATCH,
        medianMs: Math.round(percentile(times, 50)),
        p95Ms: Math.round(percentile(times, 95)),
        filesScannedPerMerge: scanned / BATCHES,
        filesSkippedPerMerge: skipped / BATCHES,
        growSeconds: Math.round(growSeconds),
      }),
    );
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
