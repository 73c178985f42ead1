import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  encodeRefinedTick,
  fakeRecordBatch,
  InMemoryDeadLetter,
  decodeSignalRecords,
  InMemoryMessageProducer,
  TOPICS,
} from '@lakehouse/bus';
import { InMemoryModelStore, createUntrainedArtifact, tfjsPredictorFactory } from '@lakehouse/model';
import { FixedClock, JsonLogger, PipelineMetrics } from '@lakehouse/platform';
import { PredictorConsumer } from './predictor.consumer';
import { PredictorService } from './predictor.service';
import { ModelHolder } from './serving/model-holder';
import { PredictorMetrics } from './serving/predictor-metrics';
import { refinedTick } from './testing/refined-ticks';

const NOW = new Date('2024-01-02T15:00:00.000Z');

describe('PredictorConsumer', () => {
  it('decodes refined ticks, dead-letters an undecodable record and answers it with a reject record, in one produce', async () => {
    const store = new InMemoryModelStore();
    await store.save(await createUntrainedArtifact({ version: 'v1' }));
    await store.promote('v1');
    const holder = new ModelHolder(
      store,
      {
        backend: 'auto',
        runtime: 'tfjs',
        onnxThreads: 1,
        pollMs: 3_600_000,
        storeDescription: 'memory',
        predictorFactory: tfjsPredictorFactory,
      },
      () => undefined,
    );
    await holder.start();
    const producer = new InMemoryMessageProducer();
    const deadLetters = new InMemoryDeadLetter();
    const service = new PredictorService(
      producer,
      new FixedClock(NOW),
      holder,
      new PredictorMetrics(new PipelineMetrics('predictor')),
      () => 0,
    );
    const consumer = new PredictorConsumer(
      service,
      deadLetters,
      new JsonLogger({ stage: 'predictor', level: 'error', write: () => undefined }),
      () => 0,
    );
    const good = refinedTick(1, { steps: 4, features: 3, featureVersion: 'untrained' });
    await consumer.handle(
      fakeRecordBatch(TOPICS.ticksRefined, [
        { key: 'SPX', value: encodeRefinedTick(good) },
        { key: 'SPX', value: '{"schemaVersion":1,"eventId":"nope"}' },
      ]),
    );
    assert.equal(producer.requests, 1);
    const records = producer.messages(TOPICS.signalsPredictions).flatMap((m) => decodeSignalRecords(m.value));
    assert.deepEqual(
      records.map((r) => [r.kind, r.eventId, r.symbol]),
      [
        ['prediction', good.eventId, 'SPX'],
        ['reject', null, 'SPX'],
      ],
    );
    assert.equal(records[1]?.kind === 'reject' ? records[1].reasonCode : '', 'UNDECODABLE_RECORD');
    assert.equal(deadLetters.letters.length, 1);
    assert.equal(deadLetters.letters[0]?.reason.code, 'BUS_DECODE_FAILED');
    await holder.stop();
  });
});
