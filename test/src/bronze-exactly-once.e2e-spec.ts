import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { Namespace, TOPICS } from '@lakehouse/bus';
import { DeltaTable } from '@lakehouse/delta';
import { createMulberry32 } from '@lakehouse/domain';
import { acquireKafka, type KafkaHandle } from '@lakehouse/testing';
import { type Admin, Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { createTopology, eventually, freePort, getJson, StageProcess } from './stage-process';

const TICKS = 200_000;
const PARTITIONS = 6;
const KILLS = 5;
const SEND_BATCH = 2_000;
const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOG', 'META', 'TSLA', 'JPM', 'XOM', 'KO'];
const SEED = 20261125;
const READY_TIMEOUT_MS = 60_000;
const CATCH_UP_TIMEOUT_MS = 300_000;
/** A replica killed with -9 holds its partitions until its session expires: the broker's minimum keeps that short. */
const SESSION_TIMEOUT_MS = 6_000;
const FIRST_TICK_MS = Date.UTC(2026, 0, 5, 14, 30);
const BRONZE_PATH = 'bronze/ticks';

/** A tick payload; `n` makes every payload distinct, so a doubled row is visible by payload too. */
const tick = (n: number): { key: string; value: string } => {
  const symbol = SYMBOLS[n % SYMBOLS.length]!;
  return {
    key: symbol,
    value: JSON.stringify({ symbol, price: 100 + (n % 97), volume: n, timestamp: FIRST_TICK_MS + n }),
  };
};

describe('Bronze keeps every Kafka record exactly once through kill -9', { timeout: 900_000 }, () => {
  let kafka: KafkaHandle;
  let admin: Admin;
  let producer: Producer;
  const roots: string[] = [];
  const running = new Set<StageProcess>();

  before(async () => {
    kafka = await acquireKafka();
    const client = new Kafka({ clientId: 'bronze-e2e', brokers: kafka.brokers, logLevel: logLevel.NOTHING });
    admin = client.admin();
    await admin.connect();
    producer = client.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  });

  after(async () => {
    for (const s of running) s.signal('SIGKILL');
    await producer?.disconnect();
    await admin?.disconnect();
    await kafka?.stop();
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });

  /** A fresh namespace (topics + group) and lake for one scenario. */
  async function scenario(): Promise<{ namespace: Namespace; env: NodeJS.ProcessEnv; lakeRoot: string }> {
    const namespace = new Namespace(`bronze-${randomUUID().slice(0, 8)}`);
    await createTopology(admin, namespace, PARTITIONS);
    const lakeRoot = mkdtempSync(join(tmpdir(), 'bronze-e2e-lake-'));
    roots.push(lakeRoot);
    const env = {
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_NAMESPACE: namespace.wire('').slice(0, -1),
      KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
      LAKE_ROOT: lakeRoot,
      LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
      KAFKA_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS),
    };
    return { namespace, env, lakeRoot };
  }

  async function startIngestor(env: NodeJS.ProcessEnv): Promise<StageProcess> {
    const s = new StageProcess('ingestor', await freePort(), env);
    running.add(s);
    void s.exited.then(() => running.delete(s));
    return s;
  }

  async function ready(s: StageProcess): Promise<void> {
    await eventually(
      'ingestor ready',
      async () => ((await getJson(`${s.url}/health/ready`))?.status === 200 ? true : undefined),
      READY_TIMEOUT_MS,
      () => s.logs().slice(-4000),
    );
  }

  async function produceAll(namespace: Namespace): Promise<void> {
    for (let start = 0; start < TICKS; start += SEND_BATCH) {
      const messages = Array.from({ length: Math.min(SEND_BATCH, TICKS - start) }, (_, i) => tick(start + i));
      await producer.send({ topic: namespace.wire(TOPICS.ticksRaw), messages });
    }
  }

  /** Waits until Bronze's stored offset of every partition reaches the topic's end, then returns the rows' positions. */
  async function bronzePositionsWhenCaughtUp(namespace: Namespace, lakeRoot: string, logs: () => string) {
    const ends = await admin.fetchTopicOffsets(namespace.wire(TOPICS.ticksRaw));
    const uri = join(lakeRoot, BRONZE_PATH);
    await eventually(
      'Bronze to hold every partition up to its end',
      async () => {
        const table = await DeltaTable.open(uri).catch(() => undefined);
        if (!table) return undefined;
        for (const end of ends) {
          // A partition no key hashed to has nothing to commit, so it never gets a position.
          if (Number(end.high) === 0) continue;
          const stored = await table.txnVersion(`ingestor:${TOPICS.ticksRaw}:${end.partition}`);
          if (stored === undefined || stored < Number(end.high) - 1) return undefined;
        }
        return true;
      },
      CATCH_UP_TIMEOUT_MS,
      logs,
    );
    const rows = await (await DeltaTable.open(uri)).toArrow({ columns: ['kafka_partition', 'kafka_offset'] });
    const partitions = rows.getChild('kafka_partition')!.toArray() as Int32Array;
    const offsets = rows.getChild('kafka_offset')!.toArray() as BigInt64Array;
    return { partitions, offsets, ends };
  }

  function assertExactlyOnce(result: Awaited<ReturnType<typeof bronzePositionsWhenCaughtUp>>): void {
    const { partitions, offsets, ends } = result;
    assert.equal(partitions.length, TICKS, 'Bronze holds as many rows as were produced');
    const seen = new Set<string>();
    for (let i = 0; i < partitions.length; i++) seen.add(`${partitions[i]}/${offsets[i]}`);
    assert.equal(seen.size, TICKS, 'no (partition, offset) is doubled');
    for (const end of ends) {
      for (let offset = 0; offset < Number(end.high); offset++) {
        if (!seen.has(`${end.partition}/${offset}`)) assert.fail(`missing ${end.partition}/${offset}`);
      }
    }
  }

  it('after 5 kill -9 and restarts of a single ingestor during a 200k-tick stream', async () => {
    const { namespace, env, lakeRoot } = await scenario();
    let ingestor = await startIngestor(env);
    await ready(ingestor);
    const random = createMulberry32(SEED);
    const producing = produceAll(namespace);
    for (let kill = 0; kill < KILLS; kill++) {
      await sleep(500 + Math.floor(random() * 2500));
      ingestor.signal('SIGKILL');
      await ingestor.exited;
      ingestor = await startIngestor(env);
    }
    await producing;
    assertExactlyOnce(
      await bronzePositionsWhenCaughtUp(namespace, lakeRoot, () => ingestor.logs().slice(-4000)),
    );
  });

  it('with two replicas, a forced rebalance and kill -9 of either during the stream', async () => {
    const { namespace, env, lakeRoot } = await scenario();
    const replicas = [await startIngestor(env), await startIngestor(env)];
    await Promise.all(replicas.map(ready));
    const random = createMulberry32(SEED + 1);
    const producing = produceAll(namespace);
    for (let kill = 0; kill < KILLS; kill++) {
      await sleep(500 + Math.floor(random() * 2500));
      const victim = Math.floor(random() * replicas.length);
      // Every kill and restart changes the group's membership: the survivor takes all partitions, then gives
      // half back when the new replica joins.
      replicas[victim]!.signal('SIGKILL');
      await replicas[victim]!.exited;
      replicas[victim] = await startIngestor(env);
    }
    await producing;
    assertExactlyOnce(
      await bronzePositionsWhenCaughtUp(namespace, lakeRoot, () =>
        replicas.map((r) => r.logs().slice(-3000)).join('\n'),
      ),
    );
  });
});
