import {
  type BusRecord,
  BusError,
  type DeadLetter,
  DeadLetterPort,
  deadLetterOf,
  decodeRefinedTicks,
  decodeSignalRecords,
  decodeTickOutcomes,
  type RecordBatch,
} from '@lakehouse/bus';
import { minuteStartOf } from '@lakehouse/domain';
import { type GoldPredictionRow } from '@lakehouse/lake';
import { Clock, JsonLogger } from '@lakehouse/platform';
import { Inject, Injectable } from '@nestjs/common';
import { PublisherMetrics } from '../metrics/publisher-metrics';
import { recomputeBars, type TouchedMinute, untilSilverCovers } from './gold-bars';
import { goldAppId, GoldExactlyOnce } from './gold-exactly-once';
import { GoldReader } from './gold-reader';
import { outcomeRow, predictionRow } from './gold-rows';

const MICROS_PER_MILLI = 1000n;

/** Called after every Gold commit that changed `gold.predictions` (the accuracy job listens). */
export const GOLD_COMMITTED = Symbol('GOLD_COMMITTED');
export type GoldCommittedListener = () => void;
/** The Gold writer's {@link GoldReader}: batch work, run at the binding's background priority. */
export const GOLD_BATCH_READER = Symbol('GOLD_BATCH_READER');

/**
 * Writes consumed batches into Gold through {@link GoldExactlyOnce}: drops what the table already covers, decodes the
 * rest (malformed records become dead letters), commits rows and position together. A record may hold several
 * events (a run): it is decoded whole before any of its rows is taken, so a record lands all or nothing, with the
 * position of the batch that holds it.
 */
@Injectable()
export class GoldWriterService {
  constructor(
    private readonly gold: GoldExactlyOnce,
    @Inject(GOLD_BATCH_READER) private readonly reader: GoldReader,
    private readonly deadLetters: DeadLetterPort,
    private readonly clock: Clock,
    private readonly metrics: PublisherMetrics,
    private readonly log: JsonLogger,
    @Inject(GOLD_COMMITTED) private readonly committed: GoldCommittedListener,
  ) {}

  async writePredictions(batch: RecordBatch): Promise<void> {
    const fresh = await this.freshRecords('predictions', batch);
    if (fresh === undefined) return;
    const rows: GoldPredictionRow[] = [];
    const rejected: DeadLetter[] = [];
    let modelRejects = 0;
    for (const record of fresh) {
      for (const signal of this.decode(record, rejected, decodeSignalRecords) ?? []) {
        // An event the model could not score has no row: its reason lives on the topic and in the predictor's logs.
        if (signal.kind === 'reject') modelRejects += 1;
        else rows.push(predictionRow(signal));
      }
    }
    await this.commitSide('prediction', batch, rows, rejected);
    if (modelRejects > 0) this.metrics.modelRejects.inc(modelRejects);
  }

  async writeOutcomes(batch: RecordBatch): Promise<void> {
    const fresh = await this.freshRecords('predictions', batch);
    if (fresh === undefined) return;
    const resolvedUs = BigInt(this.clock.now().getTime()) * MICROS_PER_MILLI;
    const rows: GoldPredictionRow[] = [];
    const rejected: DeadLetter[] = [];
    for (const record of fresh) {
      for (const outcome of this.decode(record, rejected, decodeTickOutcomes) ?? []) {
        rows.push(outcomeRow(outcome, resolvedUs));
      }
    }
    await this.commitSide('outcome', batch, rows, rejected);
  }

  async writeBars(batch: RecordBatch): Promise<void> {
    const fresh = await this.freshRecords('bars', batch);
    if (fresh === undefined) return;
    const touched = new Map<string, TouchedMinute>();
    const rejected: DeadLetter[] = [];
    let covering: bigint | undefined;
    for (const record of fresh) {
      const ticks = this.decode(record, rejected, decodeRefinedTicks);
      for (const tick of ticks ?? []) {
        const minuteStartUs = minuteStartOf(tick.eventTimeUs);
        touched.set(`${tick.symbol}|${minuteStartUs}`, { symbol: tick.symbol, minuteStartUs });
        if (tick.bronzeVersion !== undefined && (covering === undefined || tick.bronzeVersion > covering))
          covering = tick.bronzeVersion;
      }
    }
    if (rejected.length > 0) await this.deadLetters.send(rejected);
    // The refiner announces before its Silver commit: recompute once Silver holds what the records announced.
    if (covering !== undefined) await untilSilverCovers(this.reader, covering);
    const started = performance.now();
    const { bars, silverVersion } = await recomputeBars(this.reader, [...touched.values()]);
    const updatedTimeUs = BigInt(this.clock.now().getTime()) * MICROS_PER_MILLI;
    const commit = await this.gold.commitBars({
      appId: goldAppId(batch.topic, batch.partition),
      lastPosition: BigInt(batch.lastOffset),
      rows: bars.map((bar) => ({ bar, silverVersion, updatedTimeUs })),
    });
    this.metrics.goldCommitSeconds.observe({ table: 'gold.bars_1m' }, (performance.now() - started) / 1000);
    this.log.debug(
      { msg: 'bars committed', version: String(commit.version), bars: commit.rows },
      'GoldWriter',
    );
  }

  private async commitSide(
    side: 'prediction' | 'outcome',
    batch: RecordBatch,
    rows: readonly GoldPredictionRow[],
    rejected: readonly DeadLetter[],
  ): Promise<void> {
    // Dead letters go first: a crash before the commit re-sends them (at-least-once), never loses them.
    if (rejected.length > 0) await this.deadLetters.send(rejected);
    const started = performance.now();
    const commit = await this.gold.commitSide(side, {
      appId: goldAppId(batch.topic, batch.partition),
      lastPosition: BigInt(batch.lastOffset),
      rows,
    });
    this.metrics.goldCommitSeconds.observe(
      { table: 'gold.predictions' },
      (performance.now() - started) / 1000,
    );
    this.log.debug(
      { msg: 'gold committed', side, version: String(commit.version), rows: commit.rows },
      'GoldWriter',
    );
    if (commit.rows > 0) this.committed();
  }

  /** The records above the partition's stored position; `undefined` when the table already covers the batch. */
  private async freshRecords(
    target: 'predictions' | 'bars',
    batch: RecordBatch,
  ): Promise<readonly BusRecord[] | undefined> {
    const stored = await this.gold.positionOf(target, goldAppId(batch.topic, batch.partition));
    const fresh =
      stored === undefined ? batch.records : batch.records.filter((r) => BigInt(r.offset) > stored);
    return fresh.length === 0 ? undefined : fresh;
  }

  private decode<T>(
    record: BusRecord,
    rejected: DeadLetter[],
    decode: (value: Buffer | null) => T,
  ): T | undefined {
    try {
      return decode(record.value);
    } catch (error) {
      if (!(error instanceof BusError)) throw error;
      rejected.push(deadLetterOf(record, { code: error.code, message: error.message }));
      return undefined;
    }
  }
}
