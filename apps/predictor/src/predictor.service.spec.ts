import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeSignalRecords,
  InMemoryMessageProducer,
  type RefinedTick,
  type SignalRecord,
  TOPICS,
} from '@lakehouse/bus';
import {
  InMemoryModelStore,
  type ModelArtifact,
  type PredictorFactory,
  createUntrainedArtifact,
  tfjsPredictorFactory,
} from '@lakehouse/model';
import { FixedClock, PipelineMetrics } from '@lakehouse/platform';
import { MAX_WINDOWS_PER_PASS, PredictorService } from './predictor.service';
import { ModelHolder } from './serving/model-holder';
import { PredictorMetrics } from './serving/predictor-metrics';
import { refinedTick } from './testing/refined-ticks';

const NOW = new Date('2024-01-02T15:00:00.000Z');
const STEPS = 4;
const FEATURES = 3;
const FEATURE_VERSION = 'untrained';
const RECEIVED_AT_MS = 1_000;
const SCORED_AT_MS = 1_012.5;
const TOLERANCE = 1e-6;

const tick = (n: number, overrides: Partial<Parameters<typeof refinedTick>[1]> = {}): RefinedTick =>
  refinedTick(n, { steps: STEPS, features: FEATURES, featureVersion: FEATURE_VERSION, ...overrides });

interface Harness {
  readonly service: PredictorService;
  readonly producer: InMemoryMessageProducer;
  readonly store: InMemoryModelStore;
  readonly holder: ModelHolder;
  readonly forwardPasses: number[];
  readonly artifact: ModelArtifact;
}

async function harness(): Promise<Harness> {
  const store = new InMemoryModelStore();
  const artifact = await createUntrainedArtifact({ version: 'v1', timesteps: STEPS, features: FEATURES });
  await store.save(artifact);
  await store.promote('v1');
  const forwardPasses: number[] = [];
  const counting: PredictorFactory = async (a) => {
    const inner = await tfjsPredictorFactory(a);
    return {
      runtime: inner.runtime,
      predict: (windows, n) => {
        forwardPasses.push(n);
        return inner.predict(windows, n);
      },
      dispose: () => inner.dispose(),
    };
  };
  const holder = new ModelHolder(
    store,
    {
      backend: 'auto',
      runtime: 'tfjs',
      onnxThreads: 1,
      pollMs: 3_600_000,
      storeDescription: 'memory',
      predictorFactory: counting,
    },
    () => undefined,
  );
  await holder.start();
  const producer = new InMemoryMessageProducer();
  const metrics = new PredictorMetrics(new PipelineMetrics('predictor'));
  const service = new PredictorService(producer, new FixedClock(NOW), holder, metrics, () => SCORED_AT_MS);
  return { service, producer, store, holder, forwardPasses, artifact };
}

/** Every produced event, record by record, each record's events in order. */
function produced(producer: InMemoryMessageProducer): SignalRecord[] {
  return producer.messages(TOPICS.signalsPredictions).flatMap((m) => decodeSignalRecords(m.value));
}

/** Each produced record as `key: schemaVersion × events`. */
function shapes(producer: InMemoryMessageProducer): string[] {
  return producer.messages(TOPICS.signalsPredictions).map((m) => {
    const wire = JSON.parse(m.value.toString()) as { schemaVersion: number; events?: unknown[] };
    return `${String(m.key)}: ${wire.schemaVersion} × ${wire.events?.length ?? 1}`;
  });
}

/** The same window scored alone, as the reference for a batched score. */
async function scoredAlone(artifact: ModelArtifact, t: RefinedTick): Promise<number> {
  const predictor = await tfjsPredictorFactory(artifact);
  const [p] = await predictor.predict(t.window!.values, 1);
  predictor.dispose();
  return p!;
}

describe('PredictorService', () => {
  it('scores a batch in one forward pass and one produce of a run per symbol, each prediction naming its model version and backend', async () => {
    const h = await harness();
    const ticks = [tick(1), tick(2, { symbol: 'IXIC' }), tick(3)];
    // Runs group a symbol's events, in input order.
    const bySymbol = [ticks[0]!, ticks[2]!, ticks[1]!];
    const summary = await h.service.predict(
      ticks.map((t) => ({ kind: 'tick', tick: t })),
      RECEIVED_AT_MS,
    );
    assert.deepEqual(h.forwardPasses, [3]);
    assert.equal(h.producer.requests, 1);
    assert.deepEqual(summary, { predictions: 3, rejects: 0, skipped: 0, modelVersion: 'v1' });
    const records = produced(h.producer);
    assert.deepEqual(shapes(h.producer), ['SPX: 2 × 2', 'IXIC: 2 × 1']);
    assert.equal(records.length, bySymbol.length);
    for (const [i, record] of records.entries()) {
      assert.equal(record.kind, 'prediction');
      if (record.kind !== 'prediction') continue;
      const t = bySymbol[i]!;
      assert.equal(record.eventId, t.eventId);
      assert.equal(record.eventTimeUs, t.eventTimeUs.toString());
      assert.equal(record.silverVersion, '7');
      assert.equal(record.modelVersion, 'v1');
      assert.equal(record.backend, h.holder.probe().details?.['backend']);
      assert.equal(record.labelVersion, h.artifact.manifest.label.version);
      assert.equal(record.threshold, h.artifact.manifest.threshold);
      assert.equal(record.predictedLabel, record.probability >= record.threshold ? 1 : 0);
      assert.equal(record.inferenceLatencyMs, SCORED_AT_MS - RECEIVED_AT_MS);
      assert.equal(record.producedAt, NOW.toISOString());
      // Batching must not mix rows: each probability is the one the window gets alone.
      assert.ok(Math.abs(record.probability - (await scoredAlone(h.artifact, t))) < TOLERANCE);
    }
    await h.holder.stop();
  });

  it('scores a batch larger than one pass in passes of at most MAX_WINDOWS_PER_PASS, in input order, one version', async () => {
    const h = await harness();
    const n = 2 * MAX_WINDOWS_PER_PASS + 76;
    const ticks = Array.from({ length: n }, (_, i) => tick(i, { symbol: i % 2 === 0 ? 'SPX' : 'IXIC' }));
    const inputs = [
      { kind: 'undecodable' as const, symbol: 'SPX', reason: 'not JSON' },
      ...ticks.map((t) => ({ kind: 'tick' as const, tick: t })),
    ];
    const summary = await h.service.predict(inputs, RECEIVED_AT_MS);
    assert.deepEqual(h.forwardPasses, [MAX_WINDOWS_PER_PASS, MAX_WINDOWS_PER_PASS, 76]);
    assert.equal(h.producer.requests, 3);
    assert.deepEqual(summary, { predictions: n, rejects: 1, skipped: 0, modelVersion: 'v1' });
    // Per pass, one run per symbol (the undecodable record's reject before SPX's first run).
    const half = MAX_WINDOWS_PER_PASS / 2;
    assert.deepEqual(shapes(h.producer), [
      'SPX: 1 × 1',
      `SPX: 2 × ${half}`,
      `IXIC: 2 × ${half}`,
      `SPX: 2 × ${half}`,
      `IXIC: 2 × ${half}`,
      'SPX: 2 × 38',
      'IXIC: 2 × 38',
    ]);
    const records = produced(h.producer);
    assert.equal(records[0]!.kind, 'reject');
    for (const symbol of ['SPX', 'IXIC']) {
      assert.deepEqual(
        records
          .slice(1)
          .filter((r) => r.symbol === symbol)
          .map((r) => (r.kind === 'prediction' ? `${r.eventId} ${r.modelVersion}` : 'reject')),
        ticks.filter((t) => t.symbol === symbol).map((t) => `${t.eventId} v1`),
        `${symbol} in input order`,
      );
    }
    await h.holder.stop();
  });

  it('skips ticks without a window (counted, no record) and rejects bad windows with reason codes, scoring the rest', async () => {
    const h = await harness();
    const nan = tick(4);
    nan.window!.values[5] = Number.NaN;
    const inputs = [
      { kind: 'tick', tick: tick(1, { steps: null }) },
      { kind: 'tick', tick: tick(2, { steps: STEPS + 1 }) },
      { kind: 'tick', tick: tick(3, { featureVersion: 'features-v0' }) },
      { kind: 'tick', tick: nan },
      { kind: 'undecodable', symbol: 'DJI', reason: 'not JSON' },
      { kind: 'tick', tick: tick(5) },
    ] as const;
    const summary = await h.service.predict(inputs, RECEIVED_AT_MS);
    assert.deepEqual(summary, { predictions: 1, rejects: 4, skipped: 1, modelVersion: 'v1' });
    assert.deepEqual(h.forwardPasses, [1], 'one pass, without the NaN window');
    const records = produced(h.producer);
    // SPX's events in input order (each reject a record of its own, the prediction a run), then DJI's.
    assert.deepEqual(shapes(h.producer), [
      'SPX: 1 × 1',
      'SPX: 1 × 1',
      'SPX: 1 × 1',
      'SPX: 2 × 1',
      'DJI: 1 × 1',
    ]);
    assert.deepEqual(
      records.map((r) => (r.kind === 'reject' ? r.reasonCode : r.kind)),
      [
        'SHAPE_MISMATCH',
        'FEATURE_VERSION_MISMATCH',
        'NON_FINITE_FEATURE',
        'prediction',
        'UNDECODABLE_RECORD',
      ],
    );
    const [shape, , nanReject, , undecodable] = records;
    assert.equal(shape?.eventId, tick(2).eventId);
    assert.equal(nanReject?.eventId, nan.eventId);
    assert.deepEqual(
      undecodable?.kind === 'reject' ? [undecodable.eventId, undecodable.symbol, undecodable.reason] : [],
      [null, 'DJI', 'not JSON'],
    );
    await h.holder.stop();
  });

  it('produces nothing for a batch of ticks that have no window yet', async () => {
    const h = await harness();
    const summary = await h.service.predict(
      [{ kind: 'tick', tick: tick(1, { steps: null }) }],
      RECEIVED_AT_MS,
    );
    assert.equal(summary.skipped, 1);
    assert.equal(h.producer.requests, 0);
    assert.deepEqual(h.forwardPasses, []);
    await h.holder.stop();
  });

  it('scores the next batch with a newly promoted version once the holder has seen it', async () => {
    const h = await harness();
    await h.store.save(
      await createUntrainedArtifact({ version: 'v2', timesteps: STEPS, features: FEATURES, seed: 3 }),
    );
    await h.service.predict([{ kind: 'tick', tick: tick(1) }], RECEIVED_AT_MS);
    await h.store.promote('v2');
    await h.holder.refresh();
    await h.service.predict([{ kind: 'tick', tick: tick(2) }], RECEIVED_AT_MS);
    assert.deepEqual(
      produced(h.producer).map((r) => r.modelVersion),
      ['v1', 'v2'],
    );
    await h.holder.stop();
  });

  it('fails the batch with MODEL_NOT_READY, producing nothing, while no model is loaded', async () => {
    const store = new InMemoryModelStore();
    const holder = new ModelHolder(
      store,
      { backend: 'auto', runtime: 'tfjs', onnxThreads: 1, pollMs: 3_600_000, storeDescription: 'memory' },
      () => undefined,
    );
    await holder.start();
    const producer = new InMemoryMessageProducer();
    const service = new PredictorService(
      producer,
      new FixedClock(NOW),
      holder,
      new PredictorMetrics(new PipelineMetrics('predictor')),
      () => SCORED_AT_MS,
    );
    await assert.rejects(service.predict([{ kind: 'tick', tick: tick(1) }], RECEIVED_AT_MS), {
      code: 'MODEL_NOT_READY',
    });
    assert.equal(producer.requests, 0);
    await holder.stop();
  });
});
