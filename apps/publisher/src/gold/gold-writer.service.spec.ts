import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fakeRecordBatch, InMemoryDeadLetter, TOPICS } from '@lakehouse/bus';
import { GOLD_PREDICTIONS, InMemoryLake } from '@lakehouse/lake';
import { FixedClock, JsonLogger, PipelineMetrics } from '@lakehouse/platform';
import { PublisherMetrics } from '../metrics/publisher-metrics';
import { goldAppId, GoldExactlyOnce } from './gold-exactly-once';
import { GoldReader } from './gold-reader';
import { GoldWriterService } from './gold-writer.service';

const PARTITION = 2;
const NOW = new Date('2026-01-05T14:30:00Z');
const idOf = (n: number): string => n.toString(16).padStart(64, '0');

const prediction = (n: number): string =>
  JSON.stringify({
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
