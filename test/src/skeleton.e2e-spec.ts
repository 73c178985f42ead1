import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Namespace, TOPICS } from '@lakehouse/bus';
import { acquireKafka, type KafkaHandle } from '@lakehouse/testing';
import { Admin, Kafka, logLevel, Partitioners, Producer } from 'kafkajs';
import {
  createTopology,
  eventually,
  freePort,
  getJson,
  REPO_ROOT,
  StageName,
  StageProcess,
} from './stage-process';

const STAGES: readonly StageName[] = ['ingestor', 'refiner', 'predictor', 'publisher', 'maintainer'];
const SYMBOLS = ['SPX', 'IXIC', 'DJI', 'RUT'];
const TICKS_PER_SYMBOL = 25;
const PARTITIONS = 3;
const READY_TIMEOUT_MS = 30_000;
const DELIVERY_TIMEOUT_MS = 20_000;
const EXIT_TIMEOUT_MS = 15_000;
const FIRST_TICK_MS = Date.UTC(2024, 0, 2, 14, 30);
const MALFORMED_TICK = Buffer.from('{"symbol":"SPX","price":"not a number"}');

interface SignalView {
  symbol: string;
  tradeId?: string;
  modelVersion: string;
}

describe('the walking skeleton: five apps as processes on a real broker', { timeout: 120_000 }, () => {
  let kafka: KafkaHandle;
  let admin: Admin;
  let producer: Producer;
  let lakeRoot: string;
  const namespace = new Namespace(`e2e-${randomUUID().slice(0, 8)}`);
  const stages = new Map<StageName, StageProcess>();
  const allLogs = () =>
    [...stages.values()].map((s) => `--- ${s.stage}\n${s.logs().slice(-4_000)}`).join('\n');

  before(async () => {
    kafka = await acquireKafka();
    const client = new Kafka({ clientId: 'e2e', brokers: kafka.brokers, logLevel: logLevel.NOTHING });
    admin = client.admin();
    await admin.connect();
    await createTopology(admin, namespace, PARTITIONS);
    producer = client.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    lakeRoot = mkdtempSync(join(tmpdir(), 'e2e-lake-'));
    const env = {
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_NAMESPACE: namespace.wire('').slice(0, -1),
      KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
      LAKE_ROOT: lakeRoot,
      LOG_LEVEL: 'log',
      SHUTDOWN_TIMEOUT_MS: String(EXIT_TIMEOUT_MS),
    };
    for (const stage of STAGES) stages.set(stage, new StageProcess(stage, await freePort(), env));
    await Promise.all(
      [...stages.values()].map((s) =>
        eventually(
          `${s.stage} ready`,
          async () => ((await getJson(`${s.url}/health/ready`))?.status === 200 ? true : undefined),
          READY_TIMEOUT_MS,
          allLogs,
        ),
      ),
    );
  });

  after(async () => {
    for (const s of stages.values()) s.signal('SIGKILL');
    await producer?.disconnect();
    await admin?.disconnect();
    await kafka?.stop();
    if (lakeRoot) rmSync(lakeRoot, { recursive: true, force: true });
  });

  function stage(name: StageName): StageProcess {
    const s = stages.get(name);
    assert.ok(s, `${name} was started`);
    return s;
  }

  it('delivers every tick to the publisher as a signal, complete and in order per symbol', async () => {
    // Interleaved across symbols, as a feed would send them; each symbol's ticks in sequence.
    const messages = Array.from({ length: TICKS_PER_SYMBOL }, (_, seq) =>
      SYMBOLS.map((symbol, i) => ({
        key: symbol,
        value: JSON.stringify({
          symbol,
          price: 100 + seq,
          volume: 10,
          timestamp: FIRST_TICK_MS + seq * 1_000 + i,
          trade_id: `${symbol}-${seq}`,
        }),
      })),
    ).flat();
    // Several sends, so the stages see several batches.
    for (let i = 0; i < messages.length; i += 10) {
      await producer.send({ topic: namespace.wire(TOPICS.ticksRaw), messages: messages.slice(i, i + 10) });
    }
    await producer.send({
      topic: namespace.wire(TOPICS.ticksRaw),
      messages: [{ key: 'SPX', value: MALFORMED_TICK }],
    });

    const publisher = stage('publisher');
    for (const symbol of SYMBOLS) {
      const signals = await eventually(
        `${TICKS_PER_SYMBOL} signals for ${symbol}`,
        async () => {
          const response = await getJson(`${publisher.url}/api/signals?symbol=${symbol}`);
          const list = (response?.body as { signals?: SignalView[] } | undefined)?.signals ?? [];
          return list.length >= TICKS_PER_SYMBOL ? list : undefined;
        },
        DELIVERY_TIMEOUT_MS,
        allLogs,
      );
      assert.deepEqual(
        signals.map((s) => s.tradeId),
        Array.from({ length: TICKS_PER_SYMBOL }, (_, seq) => `${symbol}-${seq}`),
      );
      for (const s of signals) assert.equal(s.modelVersion, 'none');
    }
  });

  it('sends the malformed tick to the dead-letter topic instead of passing it on', async () => {
    await eventually(
      'one dead letter',
      async () => {
        const offsets = await admin.fetchTopicOffsets(namespace.wire(TOPICS.ticksDlq));
        const total = offsets.reduce((sum, p) => sum + Number(p.high), 0);
        return total === 1 ? true : undefined;
      },
      DELIVERY_TIMEOUT_MS,
    );
  });

  it('rejects a signals query without a valid symbol with 400 and an error code', async () => {
    const response = await getJson(`${stage('publisher').url}/api/signals?symbol=`);
    assert.equal(response?.status, 400);
    assert.equal((response?.body as { code?: string }).code, 'PUBLISHER_BAD_QUERY');
  });

  it('reports the idle maintainer healthy and ready', async () => {
    const maintainer = stage('maintainer');
    assert.equal((await getJson(`${maintainer.url}/health`))?.status, 200);
    assert.equal((await getJson(`${maintainer.url}/health/ready`))?.status, 200);
  });

  it('shows the records each stage consumed on /metrics', async () => {
    const expected: [StageName, string][] = [
      ['ingestor', TOPICS.ticksRaw],
      ['refiner', TOPICS.lakeCommits],
      ['predictor', TOPICS.ticksRefined],
      ['publisher', TOPICS.signalsPredictions],
    ];
    for (const [name, topic] of expected) {
      const text = String((await getJson(`${stage(name).url}/metrics`))?.body);
      const match = new RegExp(
        `lakehouse_records_consumed_total\\{topic="${topic.replace('.', '\\.')}"[^}]*\\} (\\d+)`,
      ).exec(text);
      assert.ok(match && Number(match[1]) > 0, `${name} reports records consumed from ${topic}`);
    }
  });

  it('drains and exits with code 0 on SIGTERM, every app', async () => {
    for (const s of stages.values()) s.signal('SIGTERM');
    const exits = await Promise.all(
      [...stages.values()].map(async (s) => {
        const timeout = new Promise<'timeout'>((r) =>
          setTimeout(() => r('timeout'), EXIT_TIMEOUT_MS).unref(),
        );
        return [s.stage, await Promise.race([s.exited, timeout])] as const;
      }),
    );
    for (const [name, exit] of exits) {
      assert.deepEqual(exit, { code: 0, signal: null }, `${name} exit\n${stage(name).logs().slice(-3_000)}`);
    }
  });

  it('wrote only structured JSON log lines, each with time, level and stage', () => {
    for (const s of stages.values()) {
      const lines = s
        .stdout()
        .split('\n')
        .filter((l) => l.length > 0);
      assert.ok(lines.length > 0, `${s.stage} logged something`);
      for (const line of lines) {
        const entry = JSON.parse(line) as { time?: string; level?: string; stage?: string };
        assert.ok(entry.time && entry.level && entry.stage === s.stage, `${s.stage}: ${line}`);
      }
    }
  });
});

describe('an app given a bad configuration', () => {
  it('refuses to start, exits non-zero and lists every bad key on stderr', () => {
    const result = spawnSync(process.execPath, [join(REPO_ROOT, 'apps', 'refiner', 'dist', 'main.js')], {
      env: { PATH: process.env.PATH, HTTP_PORT: 'eighty', KAFKA_TOPIC_PARTITIONS: '0' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.notEqual(result.status, 0);
    for (const key of ['KAFKA_BROKERS', 'HTTP_PORT', 'KAFKA_TOPIC_PARTITIONS'])
      assert.match(result.stderr, new RegExp(key));
  });
});
