import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEAD_LETTER_HEADERS, Namespace, TOPICS } from '@lakehouse/bus';
import { DeltaTable } from '@lakehouse/delta';
import { acquireKafka, type KafkaHandle } from '@lakehouse/testing';
import { type Admin, Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { createTopology, eventually, freePort, getJson, StageProcess } from './stage-process';

const PARTITIONS = 3;
const TEN_MB = 10 * 1024 * 1024;
const TIMEOUT_MS = 60_000;
const GOOD_TICKS = 20;
const FIRST_TICK_MS = Date.UTC(2026, 0, 5, 14, 30);

const good = (n: number): string =>
  JSON.stringify({ symbol: 'AAPL', price: 190 + n, volume: 100 + n, timestamp: FIRST_TICK_MS + n });

/** Each hostile payload and the reason code Bronze must give it. */
const HOSTILE: readonly { name: string; value: Buffer | null; code: string }[] = [
  { name: 'invalid JSON', value: Buffer.from('{"symbol":"AAPL","price":'), code: 'INVALID_JSON' },
  {
    name: 'a missing field',
    value: Buffer.from('{"symbol":"AAPL","price":1,"timestamp":1}'),
    code: 'MISSING_FIELD',
  },
  {
    name: 'a wrong type',
    value: Buffer.from('{"symbol":"AAPL","price":"190.5","volume":1,"timestamp":1}'),
    code: 'WRONG_TYPE',
  },
  { name: 'a 10 MB message', value: Buffer.alloc(TEN_MB, 0x20), code: 'PAYLOAD_TOO_LARGE' },
  { name: 'invalid UTF-8', value: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), code: 'INVALID_UTF8' },
  {
    name: 'NaN',
    value: Buffer.from('{"symbol":"AAPL","price":NaN,"volume":1,"timestamp":1}'),
    code: 'INVALID_JSON',
  },
  {
    name: 'Infinity',
    value: Buffer.from('{"symbol":"AAPL","price":Infinity,"volume":1,"timestamp":1}'),
    code: 'INVALID_JSON',
  },
  {
    name: 'an exponent overflow',
    value: Buffer.from('{"symbol":"AAPL","price":1e999,"volume":1,"timestamp":1}'),
    code: 'NON_FINITE_NUMBER',
  },
  {
    name: 'a timestamp in the year 0',
    value: Buffer.from('{"symbol":"AAPL","price":1,"volume":1,"timestamp":"0000-01-01T00:00:00Z"}'),
    code: 'TIMESTAMP_OUT_OF_RANGE',
  },
  {
    name: 'a timestamp in the year 9999',
    value: Buffer.from('{"symbol":"AAPL","price":1,"volume":1,"timestamp":"9999-12-31T23:59:59Z"}'),
    code: 'TIMESTAMP_OUT_OF_RANGE',
  },
  { name: 'an empty message', value: Buffer.alloc(0), code: 'PAYLOAD_EMPTY' },
  { name: 'a null message', value: null, code: 'PAYLOAD_EMPTY' },
];

describe('Bronze under hostile input', { timeout: 300_000 }, () => {
  let kafka: KafkaHandle;
  let admin: Admin;
  let producer: Producer;
  let lakeRoot: string;
  let ingestor: StageProcess;
  let env: NodeJS.ProcessEnv;
  const namespace = new Namespace(`hostile-${randomUUID().slice(0, 8)}`);
  const groupId = namespace.wire('ingestor');

  before(async () => {
    kafka = await acquireKafka();
    const client = new Kafka({ clientId: 'hostile-e2e', brokers: kafka.brokers, logLevel: logLevel.NOTHING });
    admin = client.admin();
    await admin.connect();
    await createTopology(admin, namespace, PARTITIONS);
    producer = client.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    lakeRoot = mkdtempSync(join(tmpdir(), 'hostile-lake-'));
    env = {
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_NAMESPACE: namespace.wire('').slice(0, -1),
      KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
      LAKE_ROOT: lakeRoot,
      LOG_LEVEL: 'warn',
    };
    ingestor = new StageProcess('ingestor', await freePort(), env);
    await ready(ingestor);
  });

  after(async () => {
    ingestor?.signal('SIGKILL');
    await producer?.disconnect();
    await admin?.disconnect();
    await kafka?.stop();
    if (lakeRoot) rmSync(lakeRoot, { recursive: true, force: true });
  });

  async function ready(s: StageProcess): Promise<void> {
    await eventually(
      'ingestor ready',
      async () => ((await getJson(`${s.url}/health/ready`))?.status === 200 ? true : undefined),
      TIMEOUT_MS,
      () => s.logs().slice(-4000),
    );
  }

  async function rows(table: string): Promise<number> {
    const t = await DeltaTable.open(join(lakeRoot, table)).catch(() => undefined);
    return t ? (await t.toArrow()).numRows : 0;
  }

  async function deadLetters(): Promise<Map<number, string>> {
    const ends = await admin.fetchTopicOffsets(namespace.wire(TOPICS.ticksDlq));
    const total = ends.reduce((sum, p) => sum + Number(p.high), 0);
    const reasons = new Map<number, string>();
    if (total < HOSTILE.length) return reasons;
    const consumer = new Kafka({
      clientId: 'dlq-reader',
      brokers: kafka.brokers,
      logLevel: logLevel.NOTHING,
    }).consumer({
      groupId: `dlq-reader-${randomUUID()}`,
    });
    await consumer.connect();
    await consumer.subscribe({ topic: namespace.wire(TOPICS.ticksDlq), fromBeginning: true });
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          const offset = Number(message.headers?.[DEAD_LETTER_HEADERS.sourceOffset]?.toString());
          const partition = Number(message.headers?.[DEAD_LETTER_HEADERS.sourcePartition]?.toString());
          reasons.set(
            partition * 1_000_000 + offset,
            message.headers?.[DEAD_LETTER_HEADERS.reasonCode]?.toString() ?? '',
          );
          if (reasons.size >= total) resolve();
          return Promise.resolve();
        },
      });
    });
    await consumer.disconnect();
    return reasons;
  }

  it('dead-letters every hostile record with its reason while every good record lands in Bronze', async () => {
    const topic = namespace.wire(TOPICS.ticksRaw);
    // All on one key, so good and hostile records interleave in one partition in this order.
    const sent: { code: string | null }[] = [];
    for (let i = 0; i < GOOD_TICKS; i++) {
      await producer.send({ topic, messages: [{ key: 'AAPL', value: good(i) }] });
      sent.push({ code: null });
      const hostile = HOSTILE[i];
      if (hostile) {
        await producer.send({ topic, messages: [{ key: 'AAPL', value: hostile.value }] });
        sent.push({ code: hostile.code });
      }
    }
    await eventually(
      'every good tick in bronze.ticks',
      async () => ((await rows('bronze/ticks')) === GOOD_TICKS ? true : undefined),
      TIMEOUT_MS,
      () => ingestor.logs().slice(-4000),
    );
    assert.equal(await rows('bronze/quarantine'), HOSTILE.length);
    const reasons = await eventually(
      'every dead letter',
      async () => {
        const r = await deadLetters();
        return r.size === HOSTILE.length ? r : undefined;
      },
      TIMEOUT_MS,
    );
    assert.deepEqual(
      [...reasons.values()].sort(),
      HOSTILE.map((h) => h.code).sort(),
      'one dead letter per hostile record, with the expected reason code',
    );
  });

  it('keeps a payload produced twice twice (Bronze keeps what arrived; Silver dedupes by event id)', async () => {
    const before = await rows('bronze/ticks');
    const twice = good(GOOD_TICKS + 1);
    await producer.send({
      topic: namespace.wire(TOPICS.ticksRaw),
      messages: [
        { key: 'AAPL', value: twice },
        { key: 'AAPL', value: twice },
      ],
    });
    await eventually(
      'both copies',
      async () => ((await rows('bronze/ticks')) === before + 2 ? true : undefined),
      TIMEOUT_MS,
    );
  });

  it('adds nothing when the group’s offsets are rewound and every record is delivered again', async () => {
    const before = await rows('bronze/ticks');
    ingestor.signal('SIGTERM');
    await ingestor.exited;
    await admin.resetOffsets({ groupId, topic: namespace.wire(TOPICS.ticksRaw), earliest: true });
    ingestor = new StageProcess('ingestor', await freePort(), env);
    await ready(ingestor);
    // Give the restarted ingestor time to fetch: it must seek past what Bronze holds, not re-append it.
    await producer.send({
      topic: namespace.wire(TOPICS.ticksRaw),
      messages: [{ key: 'AAPL', value: good(GOOD_TICKS + 2) }],
    });
    await eventually(
      'the one new tick',
      async () => ((await rows('bronze/ticks')) === before + 1 ? true : undefined),
      TIMEOUT_MS,
    );
    assert.equal(await rows('bronze/ticks'), before + 1);
  });
});
