// Refine + MERGE throughput: Bronze rows already committed (as the ingestor would), then one refiner catches up
// with real Delta tables in a temp dir: read the change feed, validate, event ids, features and labels, quarantine,
// MERGE, and encode every ticks.refined / ticks.outcomes record (to an in-memory producer: no Kafka I/O).
// Prints one JSON line: {ticks, versions, ticksPerVersion, seconds, ticksPerSec, cpuSeconds, inserted}
// (cpuSeconds: the whole process, delta-rs threads included; wall time suffers on a shared machine).
// Usage: node bench/refiner/throughput.mjs [ticks=100000] [ticksPerVersion=5000] [maxVersionsPerCommit=1]
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(join(import.meta.dirname, '..', '..', 'apps', 'refiner', 'package.json'));
const { RefinerService } = require('./dist/refiner.service.js');
const { refinerOptionsOf } = require('./dist/refiner.options.js');
const { SilverExactlyOnce } = require('./dist/silver/silver-exactly-once.js');
const { SilverMetrics } = require('./dist/silver/silver-metrics.js');
const { DeltaSilverReader } = require('./dist/silver/silver-reader.js');
const { InMemoryMessageProducer } = require('@lakehouse/bus');
const {
  DEFAULT_FEATURE_CONFIG,
  DEFAULT_LABEL_DEFINITION,
  featureNames,
  parseRawTick,
} = require('@lakehouse/domain');
const { BRONZE_TICKS, DeltaLake, silverTicksTable } = require('@lakehouse/lake');
const { PipelineMetrics, SystemClock } = require('@lakehouse/platform');
const { Logger } = require('@nestjs/common');

Logger.overrideLogger(false);
const [TICKS, PER_VERSION, MAX_VERSIONS] = [100_000, 5_000, 1].map((d, i) =>
  Number(process.argv[2 + i] ?? d),
);
const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOG', 'META', 'TSLA', 'JPM', 'XOM', 'KO'];
const START_MS = Date.UTC(2026, 0, 5, 14, 30);
const INGEST_US = BigInt(Date.now()) * 1000n;

export function bronzeRows(from, count) {
  const rows = [];
  for (let n = from; n < from + count; n++) {
    const symbol = SYMBOLS[n % SYMBOLS.length];
    const payload = `{"symbol":"${symbol}","price":${100 + ((n * 7919) % 997) / 100},"volume":${n % 1000},"timestamp":${START_MS + n}}`;
    const parsed = parseRawTick(Buffer.from(payload));
    rows.push({
      tick: parsed.tick,
      rawPayload: payload,
      ingestTimeUs: INGEST_US,
      // Keyed by symbol, as the feed and Kafka do: a symbol's ticks share a partition and arrive in event-time order
      // (spreading them over partitions made two thirds of them late, which skips the feature work).
      source: { kind: 'live', topic: 'ticks.raw', partition: (n % SYMBOLS.length) % 6, offset: BigInt(n) },
    });
  }
  return rows;
}

/** A refiner on `lake` as the benchmarks run it; `repairLate` switches on the live late repair. */
export function refinerOn(
  lake,
  maxVersions,
  {
    publish = false,
    repairLate = false,
    metrics = new SilverMetrics(new PipelineMetrics('refiner-bench')),
  } = {},
) {
  const names = featureNames(DEFAULT_FEATURE_CONFIG);
  const table = silverTicksTable(names);
  return new RefinerService(
    lake,
    new SilverExactlyOnce(lake, table, names),
    new DeltaSilverReader(lake, table),
    new InMemoryMessageProducer(),
    metrics,
    new SystemClock(),
    {
      ...refinerOptionsOf(
        {
          REFINER_MAX_VERSIONS_PER_COMMIT: maxVersions,
          REFINER_MAX_CLOCK_SKEW_MS: 10 * 365 * 86_400_000,
          REFINER_MIN_EVENT_TIME: '1990-01-01T00:00:00Z',
        },
        DEFAULT_FEATURE_CONFIG,
        DEFAULT_LABEL_DEFINITION,
        { publish },
      ),
      repairLate,
    },
  );
}

if (process.argv[1] === import.meta.filename) {
  const root = mkdtempSync(join(tmpdir(), 'refiner-bench-'));
  try {
    const lake = new DeltaLake(root);
    await lake.ensureTable(BRONZE_TICKS);
    for (let at = 0; at < TICKS; at += PER_VERSION)
      await lake.append(BRONZE_TICKS, bronzeRows(at, PER_VERSION), []);
    const refiner = refinerOn(lake, MAX_VERSIONS, { publish: true });
    const cpu = process.cpuUsage();
    const started = performance.now();
    const summary = await refiner.catchUp();
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    console.log(
      JSON.stringify({
        ticks: TICKS,
        versions: TICKS / PER_VERSION,
        ticksPerVersion: PER_VERSION,
        maxVersionsPerCommit: MAX_VERSIONS,
        seconds,
        ticksPerSec: Math.round(TICKS / seconds),
        cpuSeconds: (used.user + used.system) / 1e6,
        inserted: summary.inserted,
      }),
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
