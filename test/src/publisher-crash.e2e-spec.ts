import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { Namespace, TOPICS } from '@lakehouse/bus';
import { DeltaTable, SqlSession } from '@lakehouse/delta';
import { acquireKafka, type KafkaHandle } from '@lakehouse/testing';
import { type Admin, Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import {
  outcomeMessage,
  outcomeOf,
  outcomeRunMessages,
  predictionMessage,
  predictionOf,
  predictionRunMessages,
  PUBLISHER_SECRET,
} from './publisher-fixtures';
import { createTopology, eventually, freePort, getJson, StageProcess } from './stage-process';

const EVENTS = 12_000;
const CHUNK = 1_000;
const PARTITIONS = 3;
const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOG', 'META', 'TSLA', 'JPM', 'XOM', 'KO'];
/** Chunks after which the publisher is killed with -9 and started again. */
const KILL_AFTER_CHUNKS = new Set([2, 5, 8]);
/** A replica killed with -9 holds its partitions until its session expires: the broker's minimum keeps it short. */
const SESSION_TIMEOUT_MS = 6_000;
const READY_TIMEOUT_MS = 60_000;
const CATCH_UP_TIMEOUT_MS = 300_000;
const GOLD_PATH = 'gold/predictions';

const symbolOf = (n: number): string => SYMBOLS[n % SYMBOLS.length]!;
const labelOf = (n: number): 0 | 1 => (n % 7 === 0 ? 1 : 0);

describe('Gold holds each event exactly once through kill -9 of the publisher', { timeout: 900_000 }, () => {
  let kafka: KafkaHandle;
  let admin: Admin;
  let producer: Producer;
  let lakeRoot: string;
  const running = new Set<StageProcess>();

  before(async () => {
    kafka = await acquireKafka();
    const client = new Kafka({
      clientId: 'publisher-crash-e2e',
      brokers: kafka.brokers,
      logLevel: logLevel.NOTHING,
    });
    admin = client.admin();
    await admin.connect();
    producer = client.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    lakeRoot = mkdtempSync(join(tmpdir(), 'publisher-crash-lake-'));
  });

  after(async () => {
    for (const s of running) s.signal('SIGKILL');
    await producer?.disconnect();
    await admin?.disconnect();
    await kafka?.stop();
    if (lakeRoot) rmSync(lakeRoot, { recursive: true, force: true });
  });

  /**
   * Streams EVENTS events (predictions and outcomes, half the chunks outcome-first, some predictions redelivered) into
   * `replicas` Gold writers sharing one group, kills one of them with -9 after some chunks and starts it again, then
   * checks Gold. Even chunks send their predictions as runs (schema 2, as the predictor does) and their outcomes one
   * a record (schema 1); odd chunks the other way round: a record of several events must land whole, once.
   */
  async function scenario(replicas: number, lake: string): Promise<void> {
    const namespace = new Namespace(`pubcrash-${randomUUID().slice(0, 8)}`);
    await createTopology(admin, namespace, PARTITIONS);
    const env = {
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_NAMESPACE: namespace.wire('').slice(0, -1),
      KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
      KAFKA_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS),
      LAKE_ROOT: lake,
      LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
      PUBLISHER_AUTH_SECRET: PUBLISHER_SECRET,
    };
    let logs = '';
    const start = async (): Promise<StageProcess> => {
      // Each replica's live feed is its own group; the Gold writer group is shared.
      const s = new StageProcess('publisher', await freePort(), {
        ...env,
        LIVE_GROUP_ID: `live-${randomUUID().slice(0, 8)}`,
      });
      running.add(s);
      void s.exited.then(() => {
        logs += s.logs().slice(-3000);
        running.delete(s);
      });
      await eventually(
        'publisher ready',
        async () => ((await getJson(`${s.url}/health/ready`))?.status === 200 ? true : undefined),
        READY_TIMEOUT_MS,
        () => s.logs().slice(-4000),
      );
      return s;
    };
    const publishers = await Promise.all(Array.from({ length: replicas }, () => start()));
    let kills = 0;

    for (let chunk = 0; chunk * CHUNK < EVENTS; chunk++) {
      const ns = Array.from({ length: CHUNK }, (_, i) => chunk * CHUNK + i);
      const producedAt = new Date().toISOString();
      const predictionsOf = (of: readonly number[]) =>
        chunk % 2 === 0
          ? predictionRunMessages(
              of.map((n) => predictionOf(n, symbolOf(n), n % 3 === 0 ? 1 : 0, producedAt)),
            )
          : of.map((n) => predictionMessage(n, symbolOf(n), n % 3 === 0 ? 1 : 0));
      const predictions = predictionsOf(ns);
      const outcomes =
        chunk % 2 === 1
          ? outcomeRunMessages(ns.map((n) => outcomeOf(n, symbolOf(n), labelOf(n), String(chunk))))
          : ns.map((n) => outcomeMessage(n, symbolOf(n), labelOf(n)));
      // Odd chunks resolve before they are predicted; every third chunk is redelivered in part.
      const order = chunk % 2 === 1 ? [outcomes, predictions] : [predictions, outcomes];
      await producer.send({
        topic: namespace.wire(order[0] === outcomes ? TOPICS.ticksOutcomes : TOPICS.signalsPredictions),
        messages: order[0]!.map((m) => ({ ...m })),
      });
      await producer.send({
        topic: namespace.wire(order[1] === outcomes ? TOPICS.ticksOutcomes : TOPICS.signalsPredictions),
        messages: order[1]!.map((m) => ({ ...m })),
      });
      if (chunk % 3 === 0) {
        await producer.send({
          topic: namespace.wire(TOPICS.signalsPredictions),
          messages: predictionsOf(ns.slice(0, CHUNK / 4)).map((m) => ({ ...m })),
        });
      }
      if (KILL_AFTER_CHUNKS.has(chunk)) {
        // Give it time to be mid-commit, then kill without warning.
        await sleep(300 + chunk * 40);
        const victim = kills % replicas;
        publishers[victim]!.signal('SIGKILL');
        await publishers[victim]!.exited;
        kills += 1;
        publishers[victim] = await start();
      }
    }
    assert.equal(kills, KILL_AFTER_CHUNKS.size);

    const uri = join(lake, GOLD_PATH);
    for (const topic of [TOPICS.signalsPredictions, TOPICS.ticksOutcomes]) {
      const ends = await admin.fetchTopicOffsets(namespace.wire(topic));
      await eventually(
        `Gold's stored offsets of ${topic} to reach the topic's end`,
        async () => {
          const table = await DeltaTable.open(uri).catch(() => undefined);
          if (!table) return undefined;
          for (const end of ends) {
            if (Number(end.high) === 0) continue;
            const stored = await table.txnVersion(`publisher:${topic}:${end.partition}`);
            if (stored === undefined || stored < Number(end.high) - 1) return undefined;
          }
          return true;
        },
        CATCH_UP_TIMEOUT_MS,
        () => logs + publishers.map((p) => p.logs().slice(-3000)).join('\n'),
      );
    }

    const session = SqlSession.create();
    await session.register('g', await DeltaTable.open(uri));
    const counts = (
      await session.sql(
        'SELECT count(*) AS n, count(DISTINCT event_id) AS ids, ' +
          'sum(CASE WHEN model_version IS NULL THEN 1 ELSE 0 END) AS unpredicted, ' +
          'sum(CASE WHEN actual_label IS NULL THEN 1 ELSE 0 END) AS unresolved, ' +
          'sum(actual_label) AS positives FROM g',
      )
    ).toArray()[0] as { toJSON(): Record<string, unknown> };
    const c = counts.toJSON();
    assert.equal(Number(c.n), EVENTS, 'one row per event, no duplicate');
    assert.equal(Number(c.ids), EVENTS, 'every event id present');
    assert.equal(Number(c.unpredicted), 0, 'every prediction landed');
    assert.equal(Number(c.unresolved), 0, 'every outcome landed');
    const expectedPositives = Array.from({ length: EVENTS }, (_, n) => labelOf(n)).reduce<number>(
      (a, b) => a + b,
      0,
    );
    assert.equal(Number(c.positives), expectedPositives, 'each outcome applied to its own event');
  }

  it('with one replica killed -9 three times mid-stream', async () => {
    await scenario(1, join(lakeRoot, 'single'));
  });

  it('with two replicas in the Gold writer group, one of them killed -9 three times (rebalances mid-commit)', async () => {
    await scenario(2, join(lakeRoot, 'pair'));
  });
});
