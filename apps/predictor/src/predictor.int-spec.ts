import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEAD_LETTER_HEADERS, type Prediction, type RefinedTick, type SignalRecord } from '@lakehouse/bus';
import { FilesystemModelStore, createUntrainedArtifact } from '@lakehouse/model';
import { acquireKafka, type KafkaHandle } from '@lakehouse/testing';
import type { INestApplication } from '@nestjs/common';
import type { Kafka, Producer } from 'kafkajs';
import { ModelHolder } from './serving/model-holder';
import {
  collect,
  consumedBy,
  eventually,
  isReady,
  kafkaClient,
  parseSignal,
  sendRefined,
  startReplica,
} from './testing/predictor-harness';
import { refinedTick } from './testing/refined-ticks';

const PARTITIONS = 6;
const STEPS = 30;
const FEATURES = 20;
const UNITS = 16;
const FEATURE_VERSION = 'untrained';
const SYMBOLS = ['SPX', 'IXIC', 'DJI', 'RUT', 'VIX', 'NDX'];
const PER_SYMBOL = 40;
/** Replicas score with the same weights on the same runtime: equal up to float rounding of batch composition. */
const PROBABILITY_TOLERANCE = 1e-6;
const SUITE_TIMEOUT_MS = 10 * 60_000;

function inputTicks(perSymbol: number, offset = 0): RefinedTick[] {
  return Array.from({ length: perSymbol }, (_, i) =>
    SYMBOLS.map((symbol, s) =>
      refinedTick(offset + i * SYMBOLS.length + s, {
        symbol,
        steps: STEPS,
        features: FEATURES,
        featureVersion: FEATURE_VERSION,
      }),
    ),
  ).flat();
}

/** A record's identity: its event id, or for a reject its reason code (the reject records here have one each). */
function identity(r: SignalRecord): string {
  return r.kind === 'reject' ? r.reasonCode : r.eventId;
}

function predictionsById(records: readonly SignalRecord[]): Map<string, Prediction[]> {
  const out = new Map<string, Prediction[]>();
  for (const r of records)
    if (r.kind === 'prediction') out.set(r.eventId, [...(out.get(r.eventId) ?? []), r]);
  return out;
}

describe('predictor replicas on a real broker', { timeout: SUITE_TIMEOUT_MS }, () => {
  let broker: KafkaHandle;
  let kafka: Kafka;
  let producer: Producer;
  let dir: string;
  const apps: INestApplication[] = [];

  async function store(name: string, promoted: string | null, ...versions: string[]): Promise<string> {
    const root = join(dir, name);
    const s = new FilesystemModelStore(root);
    for (const [i, version] of versions.entries()) {
      await s.save(
        await createUntrainedArtifact({
          version,
          timesteps: STEPS,
          features: FEATURES,
          units: UNITS,
          seed: 11 + i,
        }),
      );
    }
    if (promoted !== null) await s.promote(promoted);
    return root;
  }

  async function replicas(n: number, namespace: string, modelStoreDir: string): Promise<INestApplication[]> {
    const started = await Promise.all(
      Array.from({ length: n }, () =>
        startReplica({
          brokers: broker.brokers,
          namespace,
          groupId: 'predictor',
          modelStoreDir,
          partitions: PARTITIONS,
        }),
      ),
    );
    apps.push(...started);
    return started;
  }

  before(async () => {
    broker = await acquireKafka();
    kafka = kafkaClient(broker.brokers);
    producer = kafka.producer();
    await producer.connect();
    dir = await mkdtemp(join(tmpdir(), 'predictor-int-'));
  });

  after(async () => {
    for (const app of apps.splice(0)) await app.close();
    await producer.disconnect();
    await broker.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('gives the same predictions with 1 replica and with 3 replicas splitting the partitions of one group', async () => {
    const modelStoreDir = await store('replicas', 'v1', 'v1');
    const input = inputTicks(PER_SYMBOL);
    const run = async (n: number): Promise<{ byId: Map<string, Prediction[]>; consumed: number[] }> => {
      const namespace = `pred-${n}r-${randomUUID().slice(0, 8)}`;
      const started = await replicas(n, namespace, modelStoreDir);
      await eventually(`${n} replicas ready`, async () =>
        (await Promise.all(started.map(isReady))).every(Boolean) ? true : undefined,
      );
      await sendRefined(producer, namespace, input);
      const records = await collect(kafka, namespace, 'signals.predictions', parseSignal, (seen) =>
        predictionsById(seen).size >= input.length ? true : false,
      );
      const consumed = await Promise.all(started.map(consumedBy));
      for (const app of started) await app.close();
      apps.splice(0);
      return { byId: predictionsById(records), consumed };
    };
    const one = await run(1);
    const three = await run(3);

    assert.deepEqual([...three.byId.keys()].sort(), [...one.byId.keys()].sort(), 'the same event ids');
    assert.deepEqual([...one.byId.keys()].sort(), input.map((t) => t.eventId).sort());
    for (const [eventId, predictions] of one.byId) {
      const reference = predictions[0]!.probability;
      // Redelivery after a rebalance may repeat an event: every copy must carry the same score.
      for (const p of [...predictions, ...three.byId.get(eventId)!]) {
        assert.ok(
          Math.abs(p.probability - reference) <= PROBABILITY_TOLERANCE,
          `${eventId}: ${p.probability} vs ${reference}`,
        );
        assert.equal(p.modelVersion, 'v1');
      }
    }
    assert.ok(
      three.consumed.every((c) => c > 0),
      `every one of the 3 replicas consumed a share: ${three.consumed.join(', ')}`,
    );
  });

  it('swaps to a promoted version between batches: no event lost or predicted twice, versions never go back', async () => {
    const modelStoreDir = await store('swap', 'v1', 'v1', 'v2');
    const namespace = `pred-swap-${randomUUID().slice(0, 8)}`;
    const [app] = await replicas(1, namespace, modelStoreDir);
    await eventually('replica ready', async () => ((await isReady(app!)) ? true : undefined));
    const holder = app!.get(ModelHolder);
    // A fresh topic's first produce can meet a partition whose leader is not known yet; kafkajs then retries the
    // whole request, which may repeat records (at-least-once). Warm the producer up; the claim is about swapping.
    const warmUp = inputTicks(1, 10_000);
    await sendRefined(producer, namespace, warmUp);
    await collect(
      kafka,
      namespace,
      'signals.predictions',
      parseSignal,
      (seen) => predictionsById(seen).size >= warmUp.length,
    );
    const warmIds = new Set(warmUp.map((t) => t.eventId));
    const sent: RefinedTick[] = [];
    let chunk = 0;
    const CHUNK_PER_SYMBOL = 5;
    const sendChunk = async (): Promise<void> => {
      const ticks = inputTicks(CHUNK_PER_SYMBOL, chunk * CHUNK_PER_SYMBOL * SYMBOLS.length);
      chunk += 1;
      sent.push(...ticks);
      await sendRefined(producer, namespace, ticks);
    };
    for (let i = 0; i < 4; i += 1) await sendChunk();
    await new FilesystemModelStore(modelStoreDir).promote('v2');
    // Keep the stream flowing while the replica notices the promotion, then a little longer.
    while (holder.version !== 'v2') await sendChunk();
    for (let i = 0; i < 4; i += 1) await sendChunk();

    const all = await collect(
      kafka,
      namespace,
      'signals.predictions',
      parseSignal,
      (seen) => seen.filter((r) => !warmIds.has(identity(r))).length >= sent.length,
    );
    const records = all.filter((r) => !warmIds.has(identity(r)));
    const byId = predictionsById(records);
    assert.equal(records.length, sent.length, 'one prediction per event');
    assert.deepEqual([...byId.keys()].sort(), sent.map((t) => t.eventId).sort(), 'no event lost');
    assert.ok(
      [...byId.values()].every((p) => p.length === 1),
      'no event predicted twice',
    );
    const order = new Map(sent.map((t, i) => [t.eventId, i]));
    for (const symbol of SYMBOLS) {
      const versions = records
        .filter((r): r is Prediction => r.kind === 'prediction' && r.symbol === symbol)
        .sort((a, b) => order.get(a.eventId)! - order.get(b.eventId)!)
        .map((r) => r.modelVersion);
      const firstV2 = versions.indexOf('v2');
      assert.ok(firstV2 >= 0, `${symbol} reached v2`);
      assert.ok(
        versions.slice(firstV2).every((v) => v === 'v2'),
        `${symbol} never goes back to v1: ${versions.join(',')}`,
      );
    }
    assert.ok(
      records.some((r) => r.modelVersion === 'v1'),
      'events before the promotion were scored by v1',
    );
  });

  it('waits unready without a model, loses nothing, and answers bad input with reject records once a model is promoted', async () => {
    const modelStoreDir = await store('late-model', null, 'v1');
    const namespace = `pred-bad-${randomUUID().slice(0, 8)}`;
    const [app] = await replicas(1, namespace, modelStoreDir);
    const nan = refinedTick(2, { steps: STEPS, features: FEATURES, featureVersion: FEATURE_VERSION });
    nan.window!.values[7] = Number.NaN;
    const good = inputTicks(3, 100);
    await sendRefined(producer, namespace, [
      { key: 'SPX', value: Buffer.from('{"not":"a refined tick"}') },
      refinedTick(1, { steps: STEPS - 1, features: FEATURES, featureVersion: FEATURE_VERSION }),
      nan,
      refinedTick(3, { steps: null, features: FEATURES, featureVersion: FEATURE_VERSION }),
      ...good,
    ]);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.equal(await isReady(app!), false, 'not ready without a promoted model');

    await new FilesystemModelStore(modelStoreDir).promote('v1');
    await eventually('ready after promotion', async () => ((await isReady(app!)) ? true : undefined));
    const expected = 3 + good.length; // the null-window tick is skipped, not an error
    // Batches refused while no model was loaded were retried from their first offset: at-least-once, so a record
    // may come twice (consumers upsert by event id); none may be missing.
    const records = await collect(
      kafka,
      namespace,
      'signals.predictions',
      parseSignal,
      (seen) => new Set(seen.map(identity)).size >= expected,
    );
    const rejects = new Set(records.filter((r) => r.kind === 'reject').map(identity));
    assert.deepEqual([...rejects].sort(), ['NON_FINITE_FEATURE', 'SHAPE_MISMATCH', 'UNDECODABLE_RECORD']);
    const predicted = new Set(records.filter((r) => r.kind === 'prediction').map(identity));
    assert.deepEqual([...predicted].sort(), good.map((t) => t.eventId).sort());
    const letters = await collect(
      kafka,
      namespace,
      'ticks.dlq',
      (_value, headers) => [String(headers[DEAD_LETTER_HEADERS.reasonCode])],
      (seen) => seen.length >= 1,
    );
    assert.deepEqual([...new Set(letters)], ['BUS_DECODE_FAILED']);
  });
});
