import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import {
  DEAD_LETTER_HEADERS,
  decodeSignalRecords,
  Namespace,
  type RefinedTick,
  type SignalRecord,
  TOPICS,
  encodeRefinedTick,
  toModelWindow,
} from '@lakehouse/bus';
import { DEFAULT_FEATURE_CONFIG, featureNames } from '@lakehouse/domain';
import { acquireKafka, type KafkaHandle } from '@lakehouse/testing';
import { type Admin, type Consumer, Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { REPO_ROOT, StageProcess, createTopology, eventually, freePort, getJson } from './stage-process';

const run = promisify(execFile);
const PARTITIONS = 3;
const TIMEOUT_MS = 120_000;
const SYMBOLS = ['SPX', 'IXIC', 'DJI'];
const PER_SYMBOL = 10;
const STEPS = DEFAULT_FEATURE_CONFIG.sequenceLength;
const FEATURES = featureNames(DEFAULT_FEATURE_CONFIG).length;
const CLI = join(REPO_ROOT, 'apps', 'predictor', 'dist', 'cli.js');
const SAMPLE = join(REPO_ROOT, 'data', 'sample', 'ticks.ndjson');
/** A small, quick model: three years of the sample, a 4-unit GRU, one epoch, few bootstrap resamples. */
const TINY_TRAINING = [
  '--ndjson',
  SAMPLE,
  '--time-zone',
  'America/New_York',
  '--symbols',
  'SPX,IXIC',
  '--from',
  '2016-01-01T00:00:00Z',
  '--to',
  '2019-01-01T00:00:00Z',
  '--units',
  '4',
  '--epochs',
  '1',
  '--bootstrap',
  '20',
];

/** Refined ticks as the refiner ships them: a features-v1 window of 30 × 20 raw feature values. */
function ticks(batch: number): RefinedTick[] {
  return SYMBOLS.flatMap((symbol) =>
    Array.from({ length: PER_SYMBOL }, (_, i) => {
      const n = batch * 1_000 + i;
      const sequence = Array.from({ length: STEPS }, (_, t) =>
        Array.from({ length: FEATURES }, (_, f) => Math.sin(n + t * 0.3 + f) * 0.01),
      );
      return {
        eventId: createHash('sha256').update(`${symbol}-${n}`).digest('hex'),
        symbol,
        eventTimeUs: 1_704_207_600_000_000n + BigInt(n) * 1_000_000n,
        price: 100 + i,
        volume: 10,
        tradeId: null,
        silverVersion: 3n,
        featureVersion: DEFAULT_FEATURE_CONFIG.version,
        window: toModelWindow(sequence),
      };
    }),
  );
}

describe(
  'predictor as a process: model lifecycle from no model to a promoted swap',
  { timeout: 6 * TIMEOUT_MS },
  () => {
    let broker: KafkaHandle;
    let admin: Admin;
    let producer: Producer;
    let kafka: Kafka;
    let predictor: StageProcess;
    let reader: Consumer;
    const namespace = new Namespace(`e2e-pred-${randomUUID().slice(0, 8)}`);
    const dir = mkdtempSync(join(tmpdir(), 'predictor-e2e-'));
    const store = join(dir, 'models');
    const seen: SignalRecord[] = [];
    const dlqCodes: string[] = [];
    let received = 0;

    const cli = async (...args: string[]) =>
      run(process.execPath, [CLI, ...args], {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH, TZ: 'UTC', MODEL_STORE_DIR: store },
      });

    before(async () => {
      broker = await acquireKafka();
      kafka = new Kafka({ clientId: 'predictor-e2e', brokers: broker.brokers, logLevel: logLevel.NOTHING });
      admin = kafka.admin();
      await admin.connect();
      await createTopology(admin, namespace, PARTITIONS);
      producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      reader = kafka.consumer({ groupId: namespace.wire('e2e-reader') });
      await reader.connect();
      await reader.subscribe({
        topics: [namespace.wire(TOPICS.signalsPredictions), namespace.wire(TOPICS.ticksDlq)],
        fromBeginning: true,
      });
      await reader.run({
        eachMessage: ({ topic, message }) => {
          received += 1;
          if (topic === namespace.wire(TOPICS.ticksDlq)) {
            dlqCodes.push(String(message.headers?.[DEAD_LETTER_HEADERS.reasonCode] ?? ''));
          } else if (message.value) {
            seen.push(...decodeSignalRecords(message.value));
          }
          return Promise.resolve();
        },
      });
      predictor = new StageProcess('predictor', await freePort(), {
        KAFKA_BROKERS: broker.brokers.join(','),
        KAFKA_NAMESPACE: namespace.wire('').replace(/\.$/, ''),
        KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
        MODEL_STORE_DIR: store,
        MODEL_POLL_MS: '300',
      });
    });

    after(async () => {
      predictor?.signal('SIGKILL');
      await reader?.disconnect();
      await producer?.disconnect();
      await admin?.disconnect();
      await broker?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    const send = (records: ReadonlyArray<{ key: string; value: Buffer }>) =>
      producer.send({ topic: namespace.wire(TOPICS.ticksRefined), messages: [...records] });
    const predictionsOf = (version: string) =>
      new Set(
        seen.filter((r) => r.kind === 'prediction' && r.modelVersion === version).map((r) => r.eventId),
      );

    it('starts without a model: alive, not ready with the reason, its backend logged', async () => {
      await eventually(
        '/health answers',
        async () => ((await getJson(`${predictor.url}/health`))?.status === 200 ? true : undefined),
        TIMEOUT_MS,
        () => predictor.logs(),
      );
      const ready = await getJson(`${predictor.url}/health/ready`);
      assert.equal(ready?.status, 503);
      assert.match(JSON.stringify(ready?.body), /NO_PROMOTED_MODEL/);
      assert.match(predictor.stdout(), /"message":"tfjs backend selected"/, 'the backend is logged at start');
      await send([
        ...ticks(1).map((t) => ({ key: t.symbol, value: encodeRefinedTick(t) })),
        { key: 'SPX', value: Buffer.from('garbage') },
      ]);
    });

    it('scores everything sent before, once `predictor train --promote` registered a model, naming version and backend', async () => {
      const trained = await cli('train', ...TINY_TRAINING, '--version', 'e2e-v1', '--promote');
      assert.match(trained.stdout, /"msg":"trained","version":"e2e-v1","promoted":true/);
      assert.ok(existsSync(join(store, 'versions', 'e2e-v1', 'evaluation.md')));
      const expected = new Set(ticks(1).map((t) => t.eventId));
      await eventually(
        'predictions of the first batch',
        () => Promise.resolve(predictionsOf('e2e-v1').size >= expected.size ? true : undefined),
        TIMEOUT_MS,
        () => `${received} received, ${seen.length} events seen\n${predictor.logs().slice(-3_000)}`,
      );
      assert.deepEqual([...predictionsOf('e2e-v1')].sort(), [...expected].sort());
      const backends = new Set(
        seen.filter((r) => r.kind === 'prediction').map((r) => (r.kind === 'prediction' ? r.backend : '')),
      );
      assert.equal(backends.size, 1);
      assert.ok(seen.some((r) => r.kind === 'reject' && r.reasonCode === 'UNDECODABLE_RECORD'));
      await eventually(
        'a dead letter',
        () => Promise.resolve(dlqCodes.length > 0 ? true : undefined),
        TIMEOUT_MS,
      );
      assert.deepEqual([...new Set(dlqCodes)], ['BUS_DECODE_FAILED']);
      assert.equal((await getJson(`${predictor.url}/health/ready`))?.status, 200);
      const metrics = String((await getJson(`${predictor.url}/metrics`))?.body);
      assert.match(
        metrics,
        new RegExp(
          `lakehouse_predictor_model_info\\{[^}]*backend="${[...backends][0]!.replace(/[+]/g, '\\+')}"[^}]*\\} 1`,
        ),
      );
    });

    it('swaps to a version promoted with `predictor promote` while running, and scores new events with it', async () => {
      await cli('train', ...TINY_TRAINING, '--version', 'e2e-v2', '--seed', '7');
      const listed = await cli('models', 'list');
      assert.match(listed.stdout, /e2e-v1\t.*\t\*/);
      await cli('promote', 'e2e-v2');
      await eventually(
        'ready on e2e-v2',
        async () =>
          JSON.stringify((await getJson(`${predictor.url}/health/ready`))?.body).includes('e2e-v2')
            ? true
            : undefined,
        TIMEOUT_MS,
      );
      const second = ticks(2);
      await send(second.map((t) => ({ key: t.symbol, value: encodeRefinedTick(t) })));
      await eventually(
        'predictions by e2e-v2',
        () => Promise.resolve(second.every((t) => predictionsOf('e2e-v2').has(t.eventId)) ? true : undefined),
        TIMEOUT_MS,
        () => predictor.logs().slice(-3_000),
      );
    });

    it('shuts down cleanly on SIGTERM', async () => {
      predictor.signal('SIGTERM');
      assert.deepEqual(await predictor.exited, { code: 0, signal: null }, predictor.logs().slice(-3_000));
    });
  },
);
