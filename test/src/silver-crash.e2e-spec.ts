import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { decodeRefinedTicks, Namespace, TOPICS } from '@lakehouse/bus';
import { DeltaTable, SqlSession } from '@lakehouse/delta';
import { computeEventId, createMulberry32, parseRawTick } from '@lakehouse/domain';
import { acquireKafka, type KafkaHandle } from '@lakehouse/testing';
import { type Admin, type Consumer, Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { createTopology, eventually, freePort, getJson, REPO_ROOT, StageProcess } from './stage-process';

const TICKS = 200_000;
const DUPLICATE_SHARE = 0.05;
const INVALID_SHARE = 0.01;
const PARTITIONS = 3;
const KILLS = 6;
/** 2 000 ticks every 300 ms: a stream of about 30 s, so the kills land during it. */
const SEND_BATCH = 2_000;
const SEND_EVERY_MS = 300;
/** After a restarted refiner first commits, it is killed within this long: mid-pass, not during start-up. */
const KILL_WITHIN_MS = 5_000;
const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOG', 'META', 'TSLA', 'JPM', 'XOM', 'KO'];
const SEED = 20261126;
const READY_TIMEOUT_MS = 90_000;
const CATCH_UP_TIMEOUT_MS = 400_000;
const SESSION_TIMEOUT_MS = 6_000;
const FIRST_TICK_MS = Date.UTC(2026, 0, 5, 14, 30);
const SILVER_PATH = 'silver/ticks';
const QUARANTINE_PATH = 'silver/quarantine';

interface Stream {
  readonly messages: { key: string; value: string }[];
  /** Event ids of the distinct valid ticks: exactly what Silver must hold. */
  readonly validIds: Set<string>;
  /** Bronze rows whose tick Silver must reject (a replayed invalid tick is another Bronze row). */
  readonly invalidRows: number;
}

/** 200k ticks: 5 % exact replays of an earlier tick, 1 % invalid (price ≤ 0), the rest distinct valid events. */
function stream(): Stream {
  const random = createMulberry32(SEED);
  const messages: { key: string; value: string; valid: boolean }[] = [];
  const validIds = new Set<string>();
  let invalidRows = 0;
  for (let n = 0; n < TICKS; n++) {
    const roll = random();
    if (roll < DUPLICATE_SHARE && messages.length > 0) {
      const earlier = messages[Math.floor(random() * messages.length)]!;
      messages.push(earlier);
      if (!earlier.valid) invalidRows += 1;
      continue;
    }
    const symbol = SYMBOLS[n % SYMBOLS.length]!;
    const valid = roll >= DUPLICATE_SHARE + INVALID_SHARE;
    const price = valid ? 100 + (n % 97) + (n % 7) / 8 : -(n % 5);
    const value = JSON.stringify({ symbol, price, volume: n, timestamp: FIRST_TICK_MS + n });
    messages.push({ key: symbol, value, valid });
    if (valid) {
      const parsed = parseRawTick(Buffer.from(value));
      assert.ok(parsed.ok);
      validIds.add(computeEventId(parsed.tick));
    } else {
      invalidRows += 1;
    }
  }
  return { messages: messages.map(({ key, value }) => ({ key, value })), validIds, invalidRows };
}

async function countOf(lakeRoot: string, path: string, query: string): Promise<number | undefined> {
  const table = await DeltaTable.open(join(lakeRoot, path)).catch(() => undefined);
  if (!table) return undefined;
  const session = SqlSession.create();
  await session.register('t', table);
  return Number((await session.sql(query)).getChild('n')?.get(0));
}

describe(
  'Silver holds exactly the unique valid events through kill -9 of the refiner',
  { timeout: 900_000 },
  () => {
    let kafka: KafkaHandle;
    let admin: Admin;
    let producer: Producer;
    let consumer: Consumer | undefined;
    let lakeRoot: string;
    const running = new Set<StageProcess>();

    before(async () => {
      kafka = await acquireKafka();
      const client = new Kafka({
        clientId: 'silver-e2e',
        brokers: kafka.brokers,
        logLevel: logLevel.NOTHING,
      });
      admin = client.admin();
      await admin.connect();
      producer = client.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      lakeRoot = mkdtempSync(join(tmpdir(), 'silver-e2e-lake-'));
    });

    after(async () => {
      for (const s of running) s.signal('SIGKILL');
      await consumer?.disconnect();
      await producer?.disconnect();
      await admin?.disconnect();
      await kafka?.stop();
      rmSync(lakeRoot, { recursive: true, force: true });
    });

    async function start(stage: 'ingestor' | 'refiner', env: NodeJS.ProcessEnv): Promise<StageProcess> {
      const s = new StageProcess(stage, await freePort(), env);
      running.add(s);
      void s.exited.then(() => running.delete(s));
      return s;
    }

    async function ready(s: StageProcess): Promise<void> {
      await eventually(
        `${s.stage} ready`,
        async () => ((await getJson(`${s.url}/health/ready`))?.status === 200 ? true : undefined),
        READY_TIMEOUT_MS,
        () => s.logs().slice(-4000),
      );
    }

    it('with 5 % duplicates and 1 % invalid ticks in a 200k-tick stream, and 6 kill -9 of the refiner', async (t) => {
      const namespace = new Namespace(`silver-${randomUUID().slice(0, 8)}`);
      await createTopology(admin, namespace, PARTITIONS);
      const env = {
        KAFKA_BROKERS: kafka.brokers.join(','),
        KAFKA_NAMESPACE: namespace.wire('').slice(0, -1),
        KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
        LAKE_ROOT: lakeRoot,
        LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
        KAFKA_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS),
        REFINER_POLL_INTERVAL_MS: '250',
      };
      const { messages, validIds, invalidRows } = stream();

      // Every ticks.refined record, from the first: each Silver event must reach it at least once.
      const published = new Map<string, number>();
      consumer = new Kafka({
        clientId: 'silver-e2e-tail',
        brokers: kafka.brokers,
        logLevel: logLevel.NOTHING,
      }).consumer({
        groupId: namespace.wire('silver-e2e-tail'),
      });
      await consumer.connect();
      await consumer.subscribe({ topic: namespace.wire(TOPICS.ticksRefined), fromBeginning: true });
      await consumer.run({
        eachBatch: async ({ batch }) => {
          // A record is a run of one symbol's events (schema 2): count each event.
          for (const m of batch.messages) {
            for (const { eventId } of decodeRefinedTicks(m.value)) {
              published.set(eventId, (published.get(eventId) ?? 0) + 1);
            }
          }
          await Promise.resolve();
        },
      });

      const ingestor = await start('ingestor', env);
      let refiner = await start('refiner', env);
      await Promise.all([ready(ingestor), ready(refiner)]);

      const producing = (async () => {
        for (let at = 0; at < messages.length; at += SEND_BATCH) {
          await producer.send({
            topic: namespace.wire(TOPICS.ticksRaw),
            messages: messages.slice(at, at + SEND_BATCH),
          });
          await sleep(SEND_EVERY_MS);
        }
      })();
      const random = createMulberry32(SEED + 1);
      /** Silver's row count at each kill: a kill is only worth something while the refiner is mid-stream. */
      const killedAt: number[] = [];
      for (let kill = 0; kill < KILLS; kill++) {
        const before = killedAt[killedAt.length - 1] ?? 0;
        await eventually(
          'the restarted refiner to commit to Silver',
          async () =>
            ((await countOf(lakeRoot, SILVER_PATH, 'SELECT COUNT(*) AS n FROM t')) ?? 0) > before ||
            undefined,
          READY_TIMEOUT_MS,
          () => refiner.logs().slice(-4000),
        );
        await sleep(Math.floor(random() * KILL_WITHIN_MS));
        killedAt.push((await countOf(lakeRoot, SILVER_PATH, 'SELECT COUNT(*) AS n FROM t')) ?? 0);
        refiner.signal('SIGKILL');
        await refiner.exited;
        refiner = await start('refiner', env);
      }
      await producing;

      const logs = () => refiner.logs().slice(-4000);
      await eventually(
        'Silver to hold every valid event and the quarantine every invalid Bronze row',
        async () => {
          const silver = await countOf(lakeRoot, SILVER_PATH, 'SELECT COUNT(*) AS n FROM t');
          const rejected = await countOf(lakeRoot, QUARANTINE_PATH, 'SELECT COUNT(*) AS n FROM t');
          return silver !== undefined &&
            silver >= validIds.size &&
            rejected !== undefined &&
            rejected >= invalidRows
            ? true
            : undefined;
        },
        CATCH_UP_TIMEOUT_MS,
        logs,
      );
      await eventually(
        'every Silver event to reach ticks.refined',
        () => Promise.resolve(published.size >= validIds.size ? true : undefined),
        CATCH_UP_TIMEOUT_MS,
        logs,
      );

      const table = await DeltaTable.open(join(lakeRoot, SILVER_PATH));
      const ids = (await table.toArrow({ columns: ['event_id'] }))
        .getChild('event_id')!
        .toArray() as string[];
      assert.equal(ids.length, validIds.size, 'Silver holds one row per unique valid event');
      assert.equal(new Set(ids).size, ids.length, 'no event id is doubled');
      for (const id of ids) if (!validIds.has(id)) assert.fail(`Silver holds ${id}, which is no valid tick`);
      assert.equal(
        await countOf(lakeRoot, QUARANTINE_PATH, 'SELECT COUNT(*) AS n FROM t'),
        invalidRows,
        'each invalid Bronze row is quarantined once',
      );
      for (const id of validIds) if (!published.has(id)) assert.fail(`${id} never reached ticks.refined`);
      assert.equal(published.size, validIds.size, 'ticks.refined carries no event Silver does not hold');

      const replayed = [...published.values()].filter((n) => n > 1).length;
      t.diagnostic(
        `Silver rows at each kill: ${killedAt.join(', ')}; events published more than once: ${replayed}`,
      );
      assert.ok(
        killedAt.every((n, i) => n > (killedAt[i - 1] ?? 0) && n < validIds.size),
        `every kill must land after the refiner made progress and before it finished (${killedAt.join(', ')})`,
      );

      const verify = spawnSync(
        process.execPath,
        [join(REPO_ROOT, 'apps', 'refiner', 'dist', 'cli.js'), 'verify'],
        {
          env: { PATH: process.env.PATH, TZ: 'UTC', LAKE_ROOT: lakeRoot },
          encoding: 'utf8',
        },
      );
      assert.equal(verify.status, 0, `refiner verify failed:\n${verify.stdout}\n${verify.stderr}`);
      assert.match(verify.stdout, /PASS bronze_silver_accounting/);
    });
  },
);
