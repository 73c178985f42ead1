import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  fakeRecordBatch,
  InMemoryDeadLetter,
  type Prediction,
  signalRecords,
  type TickOutcome,
  tickOutcomeRecords,
  TOPICS,
} from '@lakehouse/bus';
import { GOLD_PREDICTIONS, InMemoryLake } from '@lakehouse/lake';
import { FixedClock, JsonLogger, PipelineMetrics } from '@lakehouse/platform';
import { PublisherMetrics } from '../metrics/publisher-metrics';
import { goldAppId, GoldExactlyOnce } from './gold-exactly-once';
import { GoldReader } from './gold-reader';
import { GoldWriterService } from './gold-writer.service';

const PARTITION = 2;
const NOW = new Date('2026-01-05T14:30:00Z');
const idOf = (n: number): string => n.toString(16).padStart(64, '0');

const predictionOf = (n: number): Prediction => ({
  schemaVersion: 1,
  kind: 'prediction',
  eventId: idOf(n),
  symbol: 'SPX',
  eventTimeUs: '1767623400000000',
  price: 1,
  probability: 0.6,
  predictedLabel: 1,
  threshold: 0.5,
  modelVersion: 'gru-1',
  backend: 'onnx-cpu',
  labelVersion: 'jump-v1',
  silverVersion: '1',
  inferenceLatencyMs: 1,
  producedAt: NOW.toISOString(),
});

/** A schema-1 record: one prediction. */
const prediction = (n: number): string => JSON.stringify(predictionOf(n));

const outcomeOf = (n: number): TickOutcome => ({
  schemaVersion: 1,
  eventId: idOf(n),
  symbol: 'SPX',
  eventTimeUs: '1767623400000000',
  horizonEventId: idOf(n + 100),
  realizedReturn: 0.01,
  threshold: 0.002,
  label: 1,
  labelVersion: 'jump-v1',
  silverVersion: '1',
});

/** The run records (schema 2) of events `from…to`, one symbol. */
const predictionRuns = (from: number, to: number) =>
  [...signalRecords(Array.from({ length: to - from + 1 }, (_, i) => predictionOf(from + i)))].map((m) => ({
    key: 'SPX',
    value: m.value,
  }));
const outcomeRuns = (from: number, to: number) =>
  [...tickOutcomeRecords(Array.from({ length: to - from + 1 }, (_, i) => outcomeOf(from + i)))].map((m) => ({
    key: 'SPX',
    value: m.value,
  }));

/** A run record whose event `bad` has a probability outside [0, 1]. */
function brokenRun(from: number, to: number, bad: number): { key: string; value: Buffer } {
  const wire = JSON.parse(predictionRuns(from, to)[0]!.value.toString()) as {
    events: { probability: number }[];
  };
  wire.events[bad - from]!.probability = 2;
  return { key: 'SPX', value: Buffer.from(JSON.stringify(wire)) };
}

const eventIds = (lake: InMemoryLake): string[] =>
  lake
    .rowsOf(GOLD_PREDICTIONS)
    .map((r) => r.eventId)
    .sort();

const reject = JSON.stringify({
  schemaVersion: 1,
  kind: 'reject',
  eventId: null,
  symbol: 'SPX',
  reasonCode: 'WINDOW_SHAPE',
  reason: 'window has 3 steps, the model wants 32',
  modelVersion: 'gru-1',
  producedAt: NOW.toISOString(),
});

async function writer() {
  const lake = new InMemoryLake();
  const gold = new GoldExactlyOnce(lake);
  await gold.ensureTables();
  const deadLetters = new InMemoryDeadLetter();
  const metrics = new PublisherMetrics(new PipelineMetrics('test'));
  let commits = 0;
  const service = new GoldWriterService(
    gold,
    new GoldReader('/nonexistent'),
    deadLetters,
    new FixedClock(NOW),
    metrics,
    new JsonLogger({ stage: 'test', level: 'fatal', write: () => undefined }),
    () => {
      commits += 1;
    },
  );
  return { lake, gold, deadLetters, metrics, service, commits: () => commits };
}

describe('GoldWriterService', () => {
  it('skips records at or below the stored offset, dead-letters malformed ones above it, counts model rejects', async () => {
    const { lake, gold, deadLetters, metrics, service, commits } = await writer();
    const appId = goldAppId(TOPICS.signalsPredictions, PARTITION);
    await gold.commitSide('prediction', { appId, lastPosition: 1n, rows: [] });
    const batch = fakeRecordBatch(
      TOPICS.signalsPredictions,
      ['{broken', prediction(1), prediction(2), '{"kind":"prediction"}', reject].map((value) => ({
        key: 'SPX',
        value,
      })),
      { partition: PARTITION },
    );
    await service.writePredictions(batch);
    assert.equal(lake.rowsOf(GOLD_PREDICTIONS).length, 1, 'only event 2 is above the stored offset');
    assert.equal(deadLetters.letters.length, 1, 'the malformed record at offset 3; not the one at offset 0');
    assert.equal((await metrics.modelRejects.get()).values[0]?.value, 1);
    assert.equal(await gold.positionOf('predictions', appId), 4n);
    assert.equal(commits(), 1, 'the accuracy job is told Gold changed');
  });

  it('applies each run record whole with its offset: every event of a good run, none of a malformed one', async () => {
    const { lake, gold, deadLetters, service } = await writer();
    const appId = goldAppId(TOPICS.signalsPredictions, PARTITION);
    const batch = fakeRecordBatch(
      TOPICS.signalsPredictions,
      [...predictionRuns(1, 3), brokenRun(4, 6, 5), { key: 'SPX', value: reject }, ...predictionRuns(7, 8)],
      { partition: PARTITION },
    );
    await service.writePredictions(batch);
    assert.deepEqual(eventIds(lake), [1, 2, 3, 7, 8].map(idOf));
    assert.deepEqual(
      deadLetters.letters.map((l) => [l.source.offset, l.reason.code]),
      [['1', 'BUS_DECODE_FAILED']],
    );
    assert.match(deadLetters.letters[0]!.reason.message, /events\.1\.probability/);
    assert.equal(await gold.positionOf('predictions', appId), 3n);
    // A redelivery of the batch (a crash after the commit, before the offsets moved) changes nothing.
    await service.writePredictions(batch);
    assert.deepEqual(eventIds(lake), [1, 2, 3, 7, 8].map(idOf));
    assert.equal(deadLetters.letters.length, 1);
  });

  it('skips a run record at or below the stored offset whole, and writes outcome runs above it', async () => {
    const { lake, gold, service } = await writer();
    const appId = goldAppId(TOPICS.ticksOutcomes, PARTITION);
    await gold.commitSide('outcome', { appId, lastPosition: 0n, rows: [] });
    await service.writeOutcomes(
      fakeRecordBatch(
        TOPICS.ticksOutcomes,
        [...outcomeRuns(1, 4), { key: 'SPX', value: JSON.stringify(outcomeOf(9)) }, ...outcomeRuns(5, 6)],
        { partition: PARTITION },
      ),
    );
    assert.deepEqual(eventIds(lake), [5, 6, 9].map(idOf), 'schema-1 and run records above the stored offset');
    assert.ok(
      lake.rowsOf(GOLD_PREDICTIONS).every((r) => r.outcome?.actualLabel === 1 && r.prediction === null),
    );
    assert.equal(await gold.positionOf('predictions', appId), 2n);
  });

  it('does not commit a batch the table already covers', async () => {
    const { lake, gold, service, commits } = await writer();
    const appId = goldAppId(TOPICS.ticksOutcomes, 0);
    await gold.commitSide('outcome', { appId, lastPosition: 10n, rows: [] });
    const before = await lake.latestVersion(GOLD_PREDICTIONS);
    await service.writeOutcomes(
      fakeRecordBatch(TOPICS.ticksOutcomes, [{ key: 'SPX', value: '{}' }], { firstOffset: 10 }),
    );
    assert.equal(await lake.latestVersion(GOLD_PREDICTIONS), before);
    assert.equal(commits(), 0);
  });
});
