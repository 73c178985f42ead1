import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Namespace, TOPICS } from '@lakehouse/bus';
import {
  computeEventId,
  createMulberry32,
  DEFAULT_FEATURE_CONFIG,
  modelSequence,
  stepFeaturesBySymbol,
  type FeatureState,
  type SilverTick,
} from '@lakehouse/domain';
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

// Ticks → ticks.raw → ingestor (Bronze) → refiner (Silver, features) → predictor (GRU) → publisher (Gold, Socket.IO)
// → a socket.io-client in its own process. The model is an untrained GRU of the serving shape: this suite checks the
// plumbing (every prediction once, in order, the same in Gold as on the socket), not the model's quality.
const STAGES: readonly StageName[] = ['ingestor', 'refiner', 'predictor', 'publisher', 'maintainer'];
const SYMBOLS = ['SPX', 'IXIC', 'DJI', 'RUT'];
const TICKS_PER_SYMBOL = 120;
/** Every DUPLICATE_EVERY-th tick is delivered twice, as a producer retry would. */
const DUPLICATE_EVERY = 20;
const PARTITIONS = 3;
const READY_TIMEOUT_MS = 60_000;
const DELIVERY_TIMEOUT_MS = 90_000;
const EXIT_TIMEOUT_MS = 15_000;
const FIRST_TICK_MS = Date.UTC(2024, 0, 2, 14, 30);
const AUTH_SECRET = 'e2e-pipeline-secret-0123456789abcdef';
/** What bench/publisher/make-model.mjs promotes: an untrained GRU of the default feature config's shape. */
const MODEL_VERSION = 'bench-untrained';
const PAGE_LIMIT = 1000;
const MALFORMED_TICK = Buffer.from('{"symbol":"SPX","price":"not a number"}');
const PROBABILITY_TOLERANCE = 1e-12;

interface RawTick {
  symbol: string;
  price: number;
  volume: number;
  timestamp: number;
  trade_id: string;
}

interface SocketPrediction {
  seq: number;
  symbol: string;
  eventId: string;
  eventTimeUs: string;
  probability: number;
  modelVersion: string;
}

interface GoldRow {
  eventId: string;
  symbol: string;
  probability: number | null;
  modelVersion: string | null;
}

/** A seeded random walk per symbol, interleaved across symbols as a feed sends them. */
function makeTicks(): RawTick[] {
  const random = createMulberry32(11);
  const prices = new Map(SYMBOLS.map((s) => [s, 100]));
  const ticks: RawTick[] = [];
  for (let seq = 0; seq < TICKS_PER_SYMBOL; seq++) {
    SYMBOLS.forEach((symbol, i) => {
      const price = Math.round(prices.get(symbol)! * Math.exp((random() - 0.5) * 0.01) * 100) / 100;
      prices.set(symbol, price);
      ticks.push({
        symbol,
        price,
        volume: 1 + Math.floor(random() * 500),
        timestamp: FIRST_TICK_MS + seq * 1_000 + i,
        trade_id: `${symbol}-${seq}`,
      });
    });
  }
  return ticks;
}

/** The events that get a model window, by the domain's own feature step: the ones the predictor must score. */
function eventsWithWindows(ticks: readonly RawTick[]): Set<string> {
  const silver: SilverTick[] = ticks.map((t) => {
    const eventTimeUs = BigInt(t.timestamp) * 1000n;
    const id = { symbol: t.symbol, eventTimeUs, price: t.price, volume: t.volume, tradeId: t.trade_id };
    return { eventId: computeEventId(id), symbol: t.symbol, eventTimeUs, price: t.price, volume: t.volume };
  });
  let states: Map<string, FeatureState> = new Map();
  const expected = new Set<string>();
  for (const tick of silver) {
    const step = stepFeaturesBySymbol(states, [tick], DEFAULT_FEATURE_CONFIG);
    states = step.states;
    if (modelSequence(states.get(tick.symbol)!, DEFAULT_FEATURE_CONFIG) !== null) expected.add(tick.eventId);
  }
  return expected;
}

describe('the pipeline: ticks to a socket client through all five apps', { timeout: 300_000 }, () => {
  let kafka: KafkaHandle;
  let admin: Admin;
  let producer: Producer;
  let lakeRoot: string;
  let modelDir: string;
  let token: string;
  let recorder: ChildProcess | undefined;
  let recorded = '';
  const namespace = new Namespace(`e2e-${randomUUID().slice(0, 8)}`);
  const stages = new Map<StageName, StageProcess>();
  const allLogs = () =>
    [...stages.values()].map((s) => `--- ${s.stage}\n${s.logs().slice(-3_000)}`).join('\n');

  function stage(name: StageName): StageProcess {
    const s = stages.get(name);
    assert.ok(s, `${name} was started`);
    return s;
  }

  async function api<T>(path: string): Promise<{ status: number; body: T }> {
    const response = await fetch(`${stage('publisher').url}${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  function socketPredictions(): SocketPrediction[] {
    return recorded
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { type: string; event: SocketPrediction })
      .filter((m) => m.type === 'prediction')
      .map((m) => m.event);
  }

  before(async () => {
    kafka = await acquireKafka();
    const client = new Kafka({ clientId: 'e2e', brokers: kafka.brokers, logLevel: logLevel.NOTHING });
    admin = client.admin();
    await admin.connect();
    await createTopology(admin, namespace, PARTITIONS);
    producer = client.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    lakeRoot = mkdtempSync(join(tmpdir(), 'e2e-lake-'));
    modelDir = mkdtempSync(join(tmpdir(), 'e2e-models-'));
    execFileSync(process.execPath, [join(REPO_ROOT, 'bench', 'publisher', 'make-model.mjs'), modelDir], {
      stdio: 'ignore',
    });
    const env = {
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_NAMESPACE: namespace.wire('').slice(0, -1),
      KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
      LAKE_ROOT: lakeRoot,
      MODEL_STORE_DIR: modelDir,
      PUBLISHER_AUTH_SECRET: AUTH_SECRET,
      ACCURACY_INTERVAL_MS: '1000',
      LOG_LEVEL: 'log',
      SHUTDOWN_TIMEOUT_MS: String(EXIT_TIMEOUT_MS),
    };
    for (const name of STAGES) stages.set(name, new StageProcess(name, await freePort(), env));
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
    token = execFileSync(
      process.execPath,
      [join(REPO_ROOT, 'apps', 'publisher', 'dist', 'cli.js'), 'token'],
      {
        env: { ...process.env, PUBLISHER_AUTH_SECRET: AUTH_SECRET },
      },
    )
      .toString()
      .trim();
    recorder = spawn(
      process.execPath,
      [join(__dirname, 'pipeline', 'socket-recorder.js'), stage('publisher').url, token],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    recorder.stdout?.on('data', (chunk: Buffer) => (recorded += chunk.toString()));
    await eventually(
      'the socket client subscribed',
      () => Promise.resolve(recorded.includes('"subscribed"') ? true : undefined),
      READY_TIMEOUT_MS,
      () => recorded,
    );
  });

  after(async () => {
    recorder?.kill('SIGKILL');
    for (const s of stages.values()) s.signal('SIGKILL');
    await producer?.disconnect();
    await admin?.disconnect();
    await kafka?.stop();
    for (const dir of [lakeRoot, modelDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const ticks = makeTicks();
  const expected = eventsWithWindows(ticks);

  it('delivers every scorable event to the socket client once, in per-symbol order, and Gold holds the same', async () => {
    assert.ok(expected.size > 0, 'the stream is long enough for model windows');
    const messages = ticks.flatMap((t, i) => {
      const message = { key: t.symbol, value: JSON.stringify(t) };
      return i % DUPLICATE_EVERY === 0 ? [message, message] : [message];
    });
    for (let i = 0; i < messages.length; i += 50) {
      await producer.send({ topic: namespace.wire(TOPICS.ticksRaw), messages: messages.slice(i, i + 50) });
    }
    await producer.send({
      topic: namespace.wire(TOPICS.ticksRaw),
      messages: [{ key: 'SPX', value: MALFORMED_TICK }],
    });

    const seen = await eventually(
      `${expected.size} predictions on the socket`,
      () => {
        const predictions = socketPredictions();
        return Promise.resolve(predictions.length >= expected.size ? predictions : undefined);
      },
      DELIVERY_TIMEOUT_MS,
      () => `${socketPredictions().length} so far\n${allLogs()}`,
    );
    // A moment for anything extra (a duplicate would arrive right behind).
    await new Promise((r) => setTimeout(r, 2_000));
    const final = socketPredictions();
    assert.equal(final.length, seen.length, 'no prediction arrives twice');
    assert.deepEqual(new Set(final.map((p) => p.eventId)), expected);
    for (const symbol of SYMBOLS) {
      const mine = final.filter((p) => p.symbol === symbol);
      for (let i = 1; i < mine.length; i++) {
        assert.ok(mine[i]!.seq > mine[i - 1]!.seq, `${symbol}: seq increases`);
        assert.ok(
          BigInt(mine[i]!.eventTimeUs) > BigInt(mine[i - 1]!.eventTimeUs),
          `${symbol}: event-time order`,
        );
      }
    }
    for (const p of final) assert.equal(p.modelVersion, MODEL_VERSION);

    const gold = await eventually(
      'Gold holding every prediction',
      async () => {
        const rows: GoldRow[] = [];
        let cursor: string | null = null;
        do {
          const query: string = `/api/gold/predictions?limit=${PAGE_LIMIT}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
          const page = await api<{ rows: GoldRow[]; nextCursor: string | null }>(query);
          if (page.status !== 200) return undefined;
          rows.push(...page.body.rows);
          cursor = page.body.nextCursor;
        } while (cursor !== null);
        const predicted = rows.filter((r) => r.probability !== null);
        return predicted.length >= expected.size ? predicted : undefined;
      },
      DELIVERY_TIMEOUT_MS,
      allLogs,
    );
    assert.equal(gold.length, expected.size, 'one Gold row per event');
    const onSocket = new Map(final.map((p) => [p.eventId, p]));
    for (const row of gold) {
      const socket = onSocket.get(row.eventId);
      assert.ok(socket, `Gold row ${row.eventId} was seen on the socket`);
      assert.ok(Math.abs(socket.probability - row.probability!) <= PROBABILITY_TOLERANCE);
      assert.equal(row.modelVersion, MODEL_VERSION);
    }
  });

  it('sends the malformed tick to the dead-letter topic instead of passing it on', async () => {
    await eventually(
      'one dead letter',
      async () => {
        // A retriable broker error (e.g. a leader moving) is one more poll, not a failure.
        const offsets = await admin.fetchTopicOffsets(namespace.wire(TOPICS.ticksDlq)).catch(() => undefined);
        if (offsets === undefined) return undefined;
        const total = offsets.reduce((sum, p) => sum + Number(p.high), 0);
        return total === 1 ? true : undefined;
      },
      DELIVERY_TIMEOUT_MS,
    );
  });

  it('refuses the API without a token', async () => {
    const response = await fetch(`${stage('publisher').url}/api/gold/predictions`);
    assert.equal(response.status, 401);
  });

  it('shows the records each stage consumed on /metrics', async () => {
    const consumed: [StageName, string][] = [
      ['ingestor', TOPICS.ticksRaw],
      ['refiner', TOPICS.lakeCommits],
      ['predictor', TOPICS.ticksRefined],
      ['publisher', TOPICS.signalsPredictions],
    ];
    for (const [name, topic] of consumed) {
      const text = String((await getJson(`${stage(name).url}/metrics`))?.body);
      const match = new RegExp(
        `lakehouse_records_consumed_total\\{topic="${topic.replace('.', '\\.')}"[^}]*\\} (\\d+)`,
      ).exec(text);
      assert.ok(match && Number(match[1]) > 0, `${name} reports records consumed from ${topic}`);
    }
  });

  it('stops every app cleanly on SIGTERM', async () => {
    for (const s of stages.values()) s.signal('SIGTERM');
    for (const s of stages.values()) {
      const exit = await Promise.race([
        s.exited,
        new Promise<undefined>((r) => setTimeout(() => r(undefined), EXIT_TIMEOUT_MS)),
      ]);
      assert.deepEqual(exit, { code: 0, signal: null }, `${s.stage} exits 0\n${s.logs().slice(-2_000)}`);
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
