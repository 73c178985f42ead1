import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { PipelineMetrics } from '@lakehouse/platform';
import { INestApplication } from '@nestjs/common';
import { Admin, Kafka, logLevel } from 'kafkajs';
import { InMemoryPartitionPositions } from '../fakes/in-memory-bus';
import { MessageProducer } from '../ports/message-producer.port';
import { OutboundMessage, RecordBatch } from '../records';
import { Probe, PROBE_TOPIC, startProbeApp } from './probe-app';
import { acquireTestKafka, eventually, TestKafka } from './test-kafka';

const PARTITIONS = 3;
const SYMBOLS = ['SPX', 'IXIC', 'DJI', 'RUT', 'VIX'];
const PER_SYMBOL = 20;
const TEST_TIMEOUT_MS = 60_000;

/** `SYMBOL:seq` values, keyed by symbol. */
function ticks(symbols: readonly string[], perSymbol: number): OutboundMessage[] {
  return symbols.flatMap((symbol) =>
    Array.from({ length: perSymbol }, (_, seq) => ({ key: symbol, value: Buffer.from(`${symbol}:${seq}`) })),
  );
}

function bySymbol(values: readonly string[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const v of values) {
    const [symbol, seq] = v.split(':');
    out.set(symbol ?? '', [...(out.get(symbol ?? '') ?? []), Number(seq)]);
  }
  return out;
}

describe('the Kafka bus against a real broker', { timeout: 5 * TEST_TIMEOUT_MS }, () => {
  let kafka: TestKafka;
  let admin: Admin;
  const apps: INestApplication[] = [];

  before(async () => {
    kafka = await acquireTestKafka();
    admin = new Kafka({
      clientId: 'bus-int-admin',
      brokers: kafka.brokers,
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
  });

  after(async () => {
    for (const app of apps.splice(0)) await app.close();
    await admin.disconnect();
    await kafka.stop();
  });

  function fresh() {
    const namespace = `bus-int-${randomUUID().slice(0, 8)}`;
    return { namespace, topic: `${namespace}.${PROBE_TOPIC}`, groupId: 'probe' };
  }

  async function start(options: Parameters<typeof startProbeApp>[0]): Promise<INestApplication> {
    const app = await startProbeApp(options);
    apps.push(app);
    return app;
  }

  async function committed(namespace: string, topic: string, groupId: string): Promise<Map<number, string>> {
    const [offsets] = await admin.fetchOffsets({ groupId: `${namespace}.${groupId}`, topics: [topic] });
    return new Map((offsets?.partitions ?? []).map((p) => [p.partition, p.offset]));
  }

  async function highWatermarks(topic: string): Promise<Map<number, string>> {
    return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high]));
  }

  it(
    'delivers produced records complete and in order per key, then commits up to the high watermark',
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      const { namespace, topic, groupId } = fresh();
      const probe = new Probe();
      const app = await start({ brokers: kafka.brokers, namespace, groupId, partitions: PARTITIONS, probe });
      const messages = ticks(SYMBOLS, PER_SYMBOL);
      const producer = app.get(MessageProducer);
      // Several sends, as a stage's successive batches would make them.
      for (let i = 0; i < messages.length; i += 7) await producer.send(PROBE_TOPIC, messages.slice(i, i + 7));

      await eventually('every record consumed', () => probe.values().length >= messages.length);
      assert.equal(probe.values().length, messages.length);
      const expectedSeqs = Array.from({ length: PER_SYMBOL }, (_, i) => i);
      for (const symbol of SYMBOLS)
        assert.deepEqual(bySymbol(probe.values()).get(symbol), expectedSeqs, symbol);
      for (const batch of probe.batches) assert.equal(batch.topic, PROBE_TOPIC);

      const high = await highWatermarks(topic);
      await eventually('offsets committed to the high watermark', async () => {
        const offsets = await committed(namespace, topic, groupId);
        // A partition no key hashed to has nothing to commit.
        return [...high].every(([partition, h]) => h === '0' || offsets.get(partition) === h);
      });
    },
  );

  it(
    'does not advance a partition whose handler throws, and redelivers the same records until it succeeds',
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      const { namespace, topic, groupId } = fresh();
      const failuresBeforeSuccess = 2;
      const attempts: RecordBatch[] = [];
      const probe = new Probe();
      let committedWhileFailing: Map<number, string> | undefined;
      probe.handle = async (batch) => {
        attempts.push(batch);
        if (attempts.length <= failuresBeforeSuccess) {
          committedWhileFailing = await committed(namespace, topic, groupId);
          throw new Error('simulated Delta commit failure');
        }
      };
      const app = await start({ brokers: kafka.brokers, namespace, groupId, partitions: 1, probe });
      const messages = ticks(['SPX'], 10);
      await app.get(MessageProducer).send(PROBE_TOPIC, messages);

      await eventually(
        'the records handled after the failures',
        () => probe.values().length >= messages.length,
      );
      assert.ok(attempts.length > failuresBeforeSuccess);
      for (const attempt of attempts.slice(0, failuresBeforeSuccess + 1))
        assert.equal(attempt.firstOffset, '0');
      assert.deepEqual(
        probe.values(),
        messages.map((m) => m.value.toString()),
      );
      assert.equal(committedWhileFailing?.get(0), '-1', 'nothing committed while the handler failed');
      await eventually(
        'offset committed after success',
        async () => (await committed(namespace, topic, groupId)).get(0) === '10',
      );
    },
  );

  it(
    'reports the growing lag of a partition whose handler keeps failing',
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      const { namespace } = fresh();
      const records = 5;
      const probe = new Probe();
      probe.handle = () => Promise.reject(new Error('stuck'));
      const app = await start({ brokers: kafka.brokers, namespace, groupId: 'probe', partitions: 1, probe });
      await app.get(MessageProducer).send(PROBE_TOPIC, ticks(['SPX'], records));
      const metrics = app.get(PipelineMetrics);
      await eventually('the lag gauge shows every unhandled record', async () => {
        const { values } = await metrics.consumerLag.get();
        return values.some((v) => v.labels.topic === PROBE_TOPIC && v.value === records);
      });
    },
  );

  it(
    'seeks each assigned partition to the position the stage holds durably',
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      const { namespace } = fresh();
      const durableNext = 6;
      const total = 10;
      const producerApp = await start({
        brokers: kafka.brokers,
        namespace,
        groupId: 'unused',
        partitions: 1,
        probe: new Probe(),
        consume: false,
      });
      await producerApp.get(MessageProducer).send(PROBE_TOPIC, ticks(['SPX'], total));

      const positions = new InMemoryPartitionPositions();
      positions.set(PROBE_TOPIC, 0, String(durableNext));
      const probe = new Probe();
      await start({ brokers: kafka.brokers, namespace, groupId: 'probe', partitions: 1, probe, positions });

      await eventually(
        'the records after the durable position',
        () => probe.values().length >= total - durableNext,
      );
      assert.deepEqual(
        probe.values(),
        Array.from({ length: total - durableNext }, (_, i) => `SPX:${durableNext + i}`),
      );
      assert.equal(probe.batches[0]?.firstOffset, String(durableNext));
    },
  );

  it(
    'splits partitions between two members of a group and re-seeks on the rebalance',
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      const { namespace, groupId } = fresh();
      const positionsA = new CountingPositions();
      const positionsB = new CountingPositions();
      const probeA = new Probe();
      const probeB = new Probe();
      const appA = await start({
        brokers: kafka.brokers,
        namespace,
        groupId,
        partitions: PARTITIONS,
        probe: probeA,
        positions: positionsA,
      });
      await eventually('A positioned for all partitions', () => positionsA.lastAsked().length === PARTITIONS);
      await start({
        brokers: kafka.brokers,
        namespace,
        groupId,
        partitions: PARTITIONS,
        probe: probeB,
        positions: positionsB,
      });
      await eventually(
        'A re-positioned after the rebalance with a share of the partitions',
        () =>
          positionsA.calls >= 2 &&
          positionsA.lastAsked().length < PARTITIONS &&
          positionsB.lastAsked().length > 0,
      );
      const assignedA = positionsA.lastAsked();
      const assignedB = positionsB.lastAsked();
      assert.deepEqual(
        [...assignedA, ...assignedB].sort(),
        Array.from({ length: PARTITIONS }, (_, i) => i),
      );
      assert.ok(positionsA.revoked.length > 0, 'A was told which partitions it lost');

      const messages = ticks(SYMBOLS, 4);
      await appA.get(MessageProducer).send(PROBE_TOPIC, messages);
      await eventually(
        'all records consumed across the group',
        () => probeA.values().length + probeB.values().length >= messages.length,
      );
      const partitionsSeenA = new Set(probeA.batches.map((b) => b.partition));
      const partitionsSeenB = new Set(probeB.batches.map((b) => b.partition));
      for (const p of partitionsSeenA)
        assert.ok(assignedA.includes(p), `A consumed partition ${p} it does not own`);
      for (const p of partitionsSeenB)
        assert.ok(assignedB.includes(p), `B consumed partition ${p} it does not own`);
      assert.equal(probeA.values().length + probeB.values().length, messages.length);
    },
  );

  it(
    'finishes and commits the in-flight batch when the app shuts down',
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      const { namespace, topic, groupId } = fresh();
      const handlerMs = 1_000;
      const records = 10;
      const probe = new Probe();
      let handlerStarted!: () => void;
      const started = new Promise<void>((resolve) => (handlerStarted = resolve));
      probe.handle = async () => {
        handlerStarted();
        await new Promise((resolve) => setTimeout(resolve, handlerMs));
      };
      const app = await startProbeApp({ brokers: kafka.brokers, namespace, groupId, partitions: 1, probe });
      await app.get(MessageProducer).send(PROBE_TOPIC, ticks(['SPX'], records));
      await started;
      await app.close(); // SIGTERM's path: stop fetching, finish the batch, commit, leave, disconnect
      assert.equal(probe.values().length, records, 'the in-flight batch ran to completion');
      assert.equal((await committed(namespace, topic, groupId)).get(0), String(records));
    },
  );

  it(
    'drains pending sends before the producer disconnects on shutdown',
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      const { namespace, topic } = fresh();
      const app = await startProbeApp({
        brokers: kafka.brokers,
        namespace,
        groupId: 'unused',
        partitions: PARTITIONS,
        probe: new Probe(),
        consume: false,
      });
      const producer = app.get(MessageProducer);
      const sendCount = 20;
      const perSend = 25;
      const sends = Array.from({ length: sendCount }, (_, i) =>
        producer.send(PROBE_TOPIC, ticks([`S${i}`], perSend)),
      );
      await app.close(); // shutdown starts while the sends are in flight
      const outcomes = await Promise.allSettled(sends);
      assert.deepEqual(
        outcomes.filter((o) => o.status === 'rejected'),
        [],
      );
      const total = [...(await highWatermarks(topic)).values()].reduce((sum, h) => sum + Number(h), 0);
      assert.equal(total, sendCount * perSend);
    },
  );
});

/** Durable positions that remember which partitions they were asked about (the current assignment). */
class CountingPositions extends InMemoryPartitionPositions {
  calls = 0;
  private asked: number[] = [];

  override positionsFor(partitions: Parameters<InMemoryPartitionPositions['positionsFor']>[0]) {
    this.calls += 1;
    this.asked = partitions.map((p) => p.partition).sort();
    return super.positionsFor(partitions);
  }

  lastAsked(): number[] {
    return this.asked;
  }
}
