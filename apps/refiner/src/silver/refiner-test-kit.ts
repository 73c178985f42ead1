import {
  InMemoryMessageProducer,
  TOPICS,
  decodeRefinedTicks,
  decodeTickOutcomes,
  type RefinedTick,
  type TickOutcome,
} from '@lakehouse/bus';
import {
  DEFAULT_FEATURE_CONFIG,
  type FeatureConfig,
  featureNames,
  type LabelDefinition,
  parseRawTick,
} from '@lakehouse/domain';
import { SqlSession } from '@lakehouse/delta';
import {
  BRONZE_TICKS,
  type BronzeTickRow,
  DeltaLake,
  InMemoryLake,
  type Lake,
  silverTicksTable,
  type SilverTickRow,
  type TableDefinition,
  toArrowIpc,
} from '@lakehouse/lake';
import { FixedClock, PipelineMetrics } from '@lakehouse/platform';
import { type Table, tableFromIPC } from 'apache-arrow';
import { Logger } from '@nestjs/common';
import { type RefinerOptions, RefinerService } from '../refiner.service';
import { refinerOptionsOf } from '../refiner.options';
import { SilverExactlyOnce } from './silver-exactly-once';
import { SilverMetrics } from './silver-metrics';
import { DeltaSilverReader, InMemorySilverReader } from './silver-reader';
import { silverRowsOf } from './silver-rows';

/**
 * Test fixtures of the refiner's specs: an in-memory lake and bus ({@link kit}) or real Delta tables in a directory
 * ({@link deltaKit}), and Bronze rows built from tick fields.
 */
export const INGEST_MS = Date.UTC(2024, 0, 2, 15);
export const NOW = new Date(INGEST_MS + 60_000);

/** Small windows, so a few dozen ticks make complete windows and realized labels. */
export const SMALL_FEATURES: FeatureConfig = {
  ...DEFAULT_FEATURE_CONFIG,
  version: 'features-test',
  returnLags: 2,
  returnWindows: [3],
  volumeWindow: 3,
  sequenceLength: 4,
  allowedLatenessUs: 2_000_000n,
};
export const SMALL_LABELS: LabelDefinition = {
  version: 'labels-test',
  horizon: { kind: 'ticks', ticks: 2 },
  threshold: { kind: 'bps', bps: 10 },
};

export interface TickFields {
  readonly symbol: string;
  readonly price: number;
  readonly volume: number;
  /** Event time, epoch ms. */
  readonly timestamp: number;
  readonly tradeId?: string;
  readonly bid?: number;
  readonly ask?: number;
  readonly exchange?: string;
}

export function bronzeRow(fields: TickFields, offset: number, partition = 0): BronzeTickRow {
  const payload = JSON.stringify({
    symbol: fields.symbol,
    price: fields.price,
    volume: fields.volume,
    timestamp: fields.timestamp,
    ...(fields.tradeId === undefined ? {} : { trade_id: fields.tradeId }),
    ...(fields.bid === undefined ? {} : { bid: fields.bid }),
    ...(fields.ask === undefined ? {} : { ask: fields.ask }),
    ...(fields.exchange === undefined ? {} : { exchange: fields.exchange }),
  });
  const parsed = parseRawTick(Buffer.from(payload));
  if (!parsed.ok) throw new Error(`fixture tick does not parse: ${payload}`);
  return {
    tick: parsed.tick,
    rawPayload: payload,
    ingestTimeUs: BigInt(INGEST_MS) * 1000n,
    source: { kind: 'live', topic: 'ticks.raw', partition, offset: BigInt(offset) },
  };
}

export interface Kit {
  readonly lake: InMemoryLake;
  readonly producer: InMemoryMessageProducer;
  readonly table: TableDefinition<SilverTickRow>;
  /** A refiner over the kit's lake and bus (a new one models a restarted process). */
  refiner(options?: {
    maxVersionsPerCommit?: number;
    targetRowsPerCommit?: number;
    minCommitIntervalMs?: number;
    lake?: Lake;
    metrics?: SilverMetrics;
  }): RefinerService;
  /** Appends one Bronze version. */
  bronze(ticks: readonly TickFields[]): Promise<bigint>;
  /** The rows a Bronze version added, as the ingestor hands them over with its notification. */
  bronzeRowsOf(version: bigint): Table;
  silverRows(): readonly SilverTickRow[];
  refined(): RefinedTick[];
  outcomes(): TickOutcome[];
}

/**
 * Appends each call's ticks as one Bronze version, their Kafka offsets counting on from the last call's; keeps each
 * version's rows as the ingestor would hand them over.
 */
function bronzeAppender(lake: Lake): Pick<Kit, 'bronze' | 'bronzeRowsOf'> {
  let offset = 0;
  const added = new Map<bigint, Table>();
  return {
    bronze: async (ticks) => {
      const rows = ticks.map((t) => bronzeRow(t, offset++));
      const { version } = await lake.append(BRONZE_TICKS, rows, []);
      added.set(version, tableFromIPC(toArrowIpc(BRONZE_TICKS, rows)));
      return version;
    },
    bronzeRowsOf: (version) => {
      const rows = added.get(version);
      if (rows === undefined) throw new Error(`no Bronze version ${version} appended by this kit`);
      return rows;
    },
  };
}

/** The refiner's options as the kits run it: the app's rules, the given model and commit sizing. */
function testOptions(
  features: FeatureConfig,
  labels: LabelDefinition,
  options: {
    maxVersionsPerCommit: number;
    targetRowsPerCommit?: number | undefined;
    minCommitIntervalMs?: number | undefined;
  },
): RefinerOptions {
  return refinerOptionsOf(
    {
      REFINER_MAX_VERSIONS_PER_COMMIT: options.maxVersionsPerCommit,
      REFINER_TARGET_ROWS_PER_COMMIT: options.targetRowsPerCommit ?? 100_000,
      REFINER_MIN_COMMIT_INTERVAL_MS: options.minCommitIntervalMs ?? 0,
      REFINER_MAX_CLOCK_SKEW_MS: 3_600_000,
      REFINER_MIN_EVENT_TIME: '1990-01-01T00:00:00Z',
    },
    features,
    labels,
  );
}

export async function kit(features = SMALL_FEATURES, labels = SMALL_LABELS): Promise<Kit> {
  Logger.overrideLogger(false);
  const lake = new InMemoryLake();
  await lake.ensureTable(BRONZE_TICKS);
  const producer = new InMemoryMessageProducer();
  const names = featureNames(features);
  const table = silverTicksTable(names);
  return {
    lake,
    producer,
    table,
    refiner: (options = {}) =>
      new RefinerService(
        lake,
        new SilverExactlyOnce(options.lake ?? lake, table, names),
        new InMemorySilverReader(lake, table),
        producer,
        options.metrics ?? new SilverMetrics(new PipelineMetrics('refiner')),
        new FixedClock(NOW),
        testOptions(features, labels, {
          maxVersionsPerCommit: options.maxVersionsPerCommit ?? 1000,
          targetRowsPerCommit: options.targetRowsPerCommit,
          minCommitIntervalMs: options.minCommitIntervalMs,
        }),
      ),
    ...bronzeAppender(lake),
    silverRows: () => lake.rowsOf(table),
    refined: () => producer.messages(TOPICS.ticksRefined).flatMap((m) => decodeRefinedTicks(m.value)),
    outcomes: () => producer.messages(TOPICS.ticksOutcomes).flatMap((m) => decodeTickOutcomes(m.value)),
  };
}

export interface DeltaKit {
  readonly root: string;
  readonly lake: DeltaLake;
  readonly producer: InMemoryMessageProducer;
  /** A refiner over the kit's Delta tables (a new one models a restarted process). */
  refiner(options?: { maxVersionsPerCommit?: number; repairLate?: boolean }): RefinerService;
  /** Appends one Bronze version. */
  bronze(ticks: readonly TickFields[]): Promise<bigint>;
  /** The rows a Bronze version added, as the ingestor hands them over with its notification. */
  bronzeRowsOf(version: bigint): Table;
  /** `silver.ticks` as stored. */
  silverRows(): Promise<SilverTickRow[]>;
}

/** {@link kit} on real Delta tables under `root` (the caller removes it). */
export async function deltaKit(
  root: string,
  { features = SMALL_FEATURES, labels = SMALL_LABELS, maxVersionsPerCommit = 1000 } = {},
): Promise<DeltaKit> {
  Logger.overrideLogger(false);
  const lake = new DeltaLake(root);
  await lake.ensureTable(BRONZE_TICKS);
  const producer = new InMemoryMessageProducer();
  const names = featureNames(features);
  const table = silverTicksTable(names);
  return {
    root,
    lake,
    producer,
    refiner: (options = {}) =>
      new RefinerService(
        lake,
        new SilverExactlyOnce(lake, table, names),
        new DeltaSilverReader(lake, table),
        producer,
        new SilverMetrics(new PipelineMetrics('refiner')),
        new FixedClock(NOW),
        {
          ...testOptions(features, labels, {
            maxVersionsPerCommit: options.maxVersionsPerCommit ?? maxVersionsPerCommit,
          }),
          repairLate: options.repairLate ?? false,
        },
      ),
    ...bronzeAppender(lake),
    silverRows: async () => {
      const session = SqlSession.create();
      await session.register('s', await lake.handle(table));
      return silverRowsOf(await session.sql('SELECT * FROM s'), names);
    },
  };
}

/** A steadily rising series of one symbol: tick `n` at `start + n` seconds. */
export function series(symbol: string, count: number, start = INGEST_MS - 3_600_000): TickFields[] {
  return Array.from({ length: count }, (_, n) => ({
    symbol,
    price: 100 + n * 0.5 + (n % 3) * 0.25,
    volume: 10 + (n % 5),
    timestamp: start + n * 1000,
  }));
}
