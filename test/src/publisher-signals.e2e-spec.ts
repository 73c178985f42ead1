import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Namespace, TOPICS } from '@lakehouse/bus';
import { acquireKafka, type KafkaHandle } from '@lakehouse/testing';
import { type Admin, Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { io, type Socket } from 'socket.io-client';
import {
  MODEL_VERSION,
  outcomeMessage,
  predictionMessage,
  PUBLISHER_SECRET,
  tokenFor,
} from './publisher-fixtures';
import { createTopology, eventually, freePort, getJson, StageProcess } from './stage-process';

const PARTITIONS = 3;
const READY_TIMEOUT_MS = 60_000;
const ARRIVAL_TIMEOUT_MS = 30_000;
const HOUR = 3600;
const SYMBOL = 'SPX';

interface Refusal {
  message: string;
  data?: { code?: string; reason?: string };
}

/** Connects to `/signals`; resolves with the socket once connected, or with the refusal. */
function connect(url: string, token: string | undefined): Promise<{ socket?: Socket; refusal?: Refusal }> {
  const socket = io(`${url}/signals`, {
    path: '/socket.io',
    transports: ['websocket'],
    reconnection: false,
    ...(token === undefined ? {} : { auth: { token } }),
  });
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket }));
    socket.once('connect_error', (error: Error & { data?: Refusal['data'] }) => {
      socket.close();
      resolve({ refusal: { message: error.message, ...(error.data ? { data: error.data } : {}) } });
    });
  });
}

interface SeqEvent {
  seq: number;
  symbol: string;
  eventId: string;
}

function collect(socket: Socket, name: string, into: SeqEvent[] = []): SeqEvent[] {
  socket.on(name, (e: SeqEvent) => into.push(e));
  return into;
}

describe('publisher: tokens, subscriptions, replays, Gold over HTTP', { timeout: 300_000 }, () => {
  let kafka: KafkaHandle;
  let admin: Admin;
  let producer: Producer;
  let namespace: Namespace;
  let lakeRoot: string;
  let publisher: StageProcess;
  const sockets: Socket[] = [];
  const token = tokenFor('e2e', HOUR);

  const api = async (path: string, bearer: string | null = token) => {
    const response = await fetch(`${publisher.url}${path}`, {
      headers: bearer === null ? {} : { authorization: `Bearer ${bearer}` },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const send = (topic: string, messages: ReturnType<typeof predictionMessage>[]) =>
    producer.send({ topic: namespace.wire(topic), messages: messages.map((m) => ({ ...m })) });

  before(async () => {
    kafka = await acquireKafka();
    const client = new Kafka({
      clientId: 'publisher-e2e',
      brokers: kafka.brokers,
      logLevel: logLevel.NOTHING,
    });
    admin = client.admin();
    await admin.connect();
    producer = client.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    namespace = new Namespace(`pub-${randomUUID().slice(0, 8)}`);
    await createTopology(admin, namespace, PARTITIONS);
    lakeRoot = mkdtempSync(join(tmpdir(), 'publisher-e2e-lake-'));
    publisher = new StageProcess('publisher', await freePort(), {
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_NAMESPACE: namespace.wire('').slice(0, -1),
      KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
      LAKE_ROOT: lakeRoot,
      LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
      PUBLISHER_AUTH_SECRET: PUBLISHER_SECRET,
      ACCURACY_INTERVAL_MS: '300',
      DRIFT_MIN_WINDOW: '4',
      DRIFT_CONSECUTIVE: '1',
    });
    await eventually(
      'publisher ready (Gold writer and live feed joined)',
      async () => ((await getJson(`${publisher.url}/health/ready`))?.status === 200 ? true : undefined),
      READY_TIMEOUT_MS,
      () => publisher.logs().slice(-4000),
    );
  });

  after(async () => {
    for (const s of sockets) s.close();
    publisher?.signal('SIGKILL');
    await producer?.disconnect();
    await admin?.disconnect();
    await kafka?.stop();
    if (lakeRoot) rmSync(lakeRoot, { recursive: true, force: true });
  });

  it('refuses a socket with no token, a forged one or an expired one, with the code in the error frame', async () => {
    const cases = [
      { token: undefined, code: 'AUTH_MISSING' },
      {
        token: tokenFor('mallory', HOUR, 'a-different-secret-of-enough-length-000000'),
        code: 'AUTH_INVALID',
      },
      { token: 'garbage', code: 'AUTH_INVALID' },
      { token: tokenFor('late', -60), code: 'AUTH_EXPIRED' },
    ];
    for (const c of cases) {
      const { socket, refusal } = await connect(publisher.url, c.token);
      socket?.close();
      assert.ok(refusal, `${c.code}: the connection must be refused`);
      assert.equal(refusal.message, 'unauthorized');
      assert.equal(refusal.data?.code, c.code);
      assert.ok(refusal.data?.reason);
    }
  });

  it('answers /api without a valid token with 401 and its code; the page, health and metrics need none', async () => {
    assert.equal((await api('/api/gold/predictions', null)).body.code, 'AUTH_MISSING');
    const expired = await api('/api/gold/predictions', tokenFor('late', -60));
    assert.deepEqual([expired.status, expired.body.code], [401, 'AUTH_EXPIRED']);
    assert.equal((await api('/api/tables', 'forged.token.value')).status, 401);
    for (const open of ['/', '/vendor/lightweight-charts.js', '/health', '/metrics', '/api/openapi.json']) {
      assert.equal((await fetch(`${publisher.url}${open}`)).status, 200, open);
    }
  });

  it('answers bad parameters with 400 and the reason, and a 10k-row page with LIMIT_TOO_LARGE', async () => {
    const bad: readonly [string, string][] = [
      ['/api/gold/predictions?limit=10000', 'LIMIT_TOO_LARGE'],
      ['/api/gold/predictions?limit=0', 'BAD_QUERY'],
      ['/api/gold/predictions?limit=ten', 'BAD_QUERY'],
      ['/api/gold/predictions?version=1&asOf=2026-01-05T00:00:00Z', 'BAD_QUERY'],
      ['/api/gold/predictions?version=-1', 'BAD_QUERY'],
      ['/api/gold/predictions?asOf=yesterday', 'BAD_QUERY'],
      ['/api/gold/predictions?symbol=SPX%27%20OR%20%271%27=%271', 'BAD_QUERY'],
      ['/api/gold/predictions?symbol=A&symbol=B', 'BAD_QUERY'],
      ['/api/gold/predictions?cursor=bm90LWEtY3Vyc29y', 'BAD_QUERY'],
      ['/api/gold/predictions?from=2026-13-01', 'BAD_QUERY'],
      ['/api/gold/predictions?sort=price', 'BAD_QUERY'],
      ['/api/gold/bars', 'BAD_QUERY'],
      ['/api/tables/silver.secrets/history', 'BAD_QUERY'],
    ];
    for (const [path, code] of bad) {
      const { status, body } = await api(path);
      assert.equal(status, 400, path);
      assert.equal(body.code, code, path);
      assert.equal(typeof body.reason, 'string', path);
    }
    for (const path of [
      '/api/gold/predictions?version=9999',
      '/api/gold/accuracy?asOf=2000-01-01T00:00:00Z',
    ]) {
      const missing = await api(path);
      assert.deepEqual([missing.status, missing.body.code], [404, 'VERSION_NOT_FOUND'], path);
    }
  });

  it('sends predictions and outcomes once each, in per-symbol seq order, and replays from a seq', async () => {
    const { socket: live } = await connect(publisher.url, token);
    assert.ok(live);
    sockets.push(live);
    const bad = (await live.emitWithAck('subscribe', { symbols: 'SPX' })) as { ok: boolean; code?: string };
    assert.deepEqual([bad.ok, bad.code], [false, 'BAD_SUBSCRIBE']);
    const ack = (await live.emitWithAck('subscribe', { symbols: [SYMBOL] })) as {
      ok: boolean;
      rooms: string[];
    };
    assert.deepEqual(ack, { ok: true, rooms: [`symbol:${SYMBOL}`] });
    const predictions = collect(live, 'prediction');
    const outcomes = collect(live, 'outcome');
    const other = collect(live, 'prediction');

    // Events 1–4: prediction then outcome; event 5: outcome first; event 2's prediction is redelivered.
    await send(
      TOPICS.signalsPredictions,
      [1, 2, 3, 4].map((n) => predictionMessage(n, SYMBOL, n % 2 === 0 ? 1 : 0)),
    );
    await send(TOPICS.signalsPredictions, [predictionMessage(100, 'DJI', 1)]);
    await send(
      TOPICS.ticksOutcomes,
      [1, 2, 3, 4, 5].map((n) => outcomeMessage(n, SYMBOL, n % 2 === 0 ? 0 : 1)),
    );
    await send(TOPICS.signalsPredictions, [predictionMessage(5, SYMBOL, 0), predictionMessage(2, SYMBOL, 1)]);

    await eventually(
      'five predictions and five outcomes on the socket',
      () => Promise.resolve(predictions.length >= 5 && outcomes.length >= 5 ? true : undefined),
      ARRIVAL_TIMEOUT_MS,
      () => publisher.logs().slice(-3000),
    );
    assert.equal(predictions.length, 5, 'the redelivered prediction is not sent twice');
    assert.ok(
      other.every((e) => e.symbol === SYMBOL),
      'nothing of another symbol reaches this room',
    );
    const seqs = [...predictions, ...outcomes].map((e) => e.seq).sort((a, b) => a - b);
    assert.deepEqual(seqs, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'one seq per event of the symbol, no hole');

    const { socket: late } = await connect(publisher.url, token);
    assert.ok(late);
    sockets.push(late);
    const replayed = collect(late, 'outcome', collect(late, 'prediction'));
    const lateAck = (await late.emitWithAck('subscribe', { symbols: [SYMBOL], since: { [SYMBOL]: 7 } })) as {
      ok: boolean;
    };
    assert.equal(lateAck.ok, true);
    assert.deepEqual(
      replayed.map((e) => e.seq),
      [8, 9, 10],
      'exactly what came after seq 7, in order',
    );
  });

  it('sends batch subscribers signals frames holding each event once, in seq order, and replays as a frame', async () => {
    const symbol = 'NDX';
    const { socket: live } = await connect(publisher.url, token);
    assert.ok(live);
    sockets.push(live);
    const badMode = (await live.emitWithAck('subscribe', { symbols: [symbol], batch: 'yes' })) as {
      ok: boolean;
      code?: string;
      reason?: string;
    };
    assert.deepEqual([badMode.ok, badMode.code], [false, 'BAD_SUBSCRIBE'], badMode.reason);
    const ack = (await live.emitWithAck('subscribe', { symbols: [symbol], batch: true })) as {
      ok: boolean;
      rooms: string[];
    };
    assert.deepEqual(ack, { ok: true, rooms: [`batch:symbol:${symbol}`] });
    const frames: { name: string; payload: SeqEvent }[][] = [];
    live.on('signals', (frame: { name: string; payload: SeqEvent }[]) => frames.push(frame));
    const single = collect(live, 'outcome', collect(live, 'prediction'));

    await send(
      TOPICS.signalsPredictions,
      [1, 2, 3].map((n) => predictionMessage(300 + n, symbol, 1)),
    );
    await send(TOPICS.ticksOutcomes, [outcomeMessage(301, symbol, 0)]);
    await send(TOPICS.signalsPredictions, [predictionMessage(302, symbol, 1)]);
    const events = () => frames.flat();
    await eventually(
      'three predictions and an outcome in signals frames',
      () => Promise.resolve(events().length >= 4 ? true : undefined),
      ARRIVAL_TIMEOUT_MS,
      () => publisher.logs().slice(-3000),
    );
    await new Promise((resolve) => setTimeout(resolve, 500)); // a redelivery would arrive in this time
    assert.deepEqual(
      events().map((e) => `${e.name}#${e.payload.seq}`),
      ['prediction#1', 'prediction#2', 'prediction#3', 'outcome#4'],
      'each event once, in seq order; the redelivered prediction is not sent again',
    );
    assert.ok(frames.length <= 4 && events().every((e) => e.payload.symbol === symbol));
    assert.deepEqual(single, [], 'a batch subscriber gets no per-event events');

    const { socket: late } = await connect(publisher.url, token);
    assert.ok(late);
    sockets.push(late);
    const replayed: { name: string; payload: SeqEvent }[][] = [];
    late.on('signals', (frame: { name: string; payload: SeqEvent }[]) => replayed.push(frame));
    await late.emitWithAck('subscribe', { symbols: [symbol], since: { [symbol]: 2 }, batch: true });
    assert.deepEqual(
      replayed.map((frame) => frame.map((e) => e.payload.seq)),
      [[3, 4]],
      'what came after seq 2, as one frame, before the ack',
    );
  });

  it('recovers a short disconnect through connection-state recovery, missed events included', async () => {
    const socket = io(`${publisher.url}/signals`, {
      path: '/socket.io',
      transports: ['websocket'],
      auth: { token },
      reconnectionDelay: 100,
    });
    sockets.push(socket);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    await socket.emitWithAck('subscribe', { symbols: ['IXIC'] });
    const seen = collect(socket, 'prediction');
    await send(TOPICS.signalsPredictions, [predictionMessage(200, 'IXIC', 1)]);
    await eventually(
      'the first IXIC prediction',
      () => Promise.resolve(seen.length === 1 || undefined),
      ARRIVAL_TIMEOUT_MS,
    );
    const reconnected = new Promise<void>((resolve) => socket.io.once('reconnect', () => resolve()));
    socket.io.engine.close();
    await send(TOPICS.signalsPredictions, [
      predictionMessage(201, 'IXIC', 1),
      predictionMessage(202, 'IXIC', 0),
    ]);
    await reconnected;
    await eventually(
      'the predictions sent while disconnected',
      () => Promise.resolve(seen.length === 3 || undefined),
      ARRIVAL_TIMEOUT_MS,
    );
    assert.equal(socket.recovered, true, 'the session (rooms, missed packets) was recovered');
    assert.deepEqual(
      seen.map((e) => e.seq),
      [1, 2, 3],
    );
  });

  it('holds each event once in Gold with both sides, whatever the arrival order, and time-travels', async () => {
    const page = await eventually(
      'Gold to hold events 1–5 resolved',
      async () => {
        const { status, body } = await api(`/api/gold/predictions?symbol=${SYMBOL}&limit=100`);
        const rows = body.rows as { modelVersion: string | null; actualLabel: number | null }[] | undefined;
        if (status !== 200 || !rows || rows.length < 5) return undefined;
        return rows.every((r) => r.modelVersion !== null && r.actualLabel !== null) ? body : undefined;
      },
      ARRIVAL_TIMEOUT_MS,
      () => publisher.logs().slice(-3000),
    );
    const rows = page.rows as { eventId: string; modelVersion: string }[];
    assert.equal(rows.length, 5);
    assert.equal(new Set(rows.map((r) => r.eventId)).size, 5);
    assert.ok(rows.every((r) => r.modelVersion === MODEL_VERSION));

    const twoPages = await api(`/api/gold/predictions?symbol=${SYMBOL}&limit=3`);
    assert.equal((twoPages.body.rows as unknown[]).length, 3);
    const next = await api(
      `/api/gold/predictions?symbol=${SYMBOL}&limit=3&cursor=${String(twoPages.body.nextCursor)}`,
    );
    assert.equal((next.body.rows as unknown[]).length, 2);
    assert.equal(next.body.nextCursor, null);

    const first = await api(`/api/gold/predictions?symbol=${SYMBOL}&version=1`);
    assert.equal(first.body.tableVersion, 1);
    assert.ok((first.body.rows as unknown[]).length < 5, 'an early version holds fewer events');
  });

  it('publishes rolling accuracy and raises drift when the model does worse than the baseline', async () => {
    const { socket } = await connect(publisher.url, token);
    assert.ok(socket);
    sockets.push(socket);
    const drift: { modelVersion: string; mcc: number; baselineMcc: number }[] = [];
    socket.on('drift', (d: (typeof drift)[number]) => drift.push(d));
    // Events 1–5 were predicted exactly wrong: MCC −1 against the baseline's 0.
    const accuracy = await eventually(
      'gold.accuracy overall row',
      async () => {
        const { body } = await api(`/api/gold/accuracy?modelVersion=${MODEL_VERSION}`);
        const rows = body.rows as { symbol: string | null; n: number; mcc: number }[] | undefined;
        return rows?.find((r) => r.symbol === null && r.n >= 5);
      },
      ARRIVAL_TIMEOUT_MS,
    );
    assert.equal(accuracy.mcc, -1);
    await send(TOPICS.ticksOutcomes, [outcomeMessage(100, 'DJI', 0)]);
    await eventually(
      'a drift event',
      () => Promise.resolve(drift.length > 0 ? true : undefined),
      ARRIVAL_TIMEOUT_MS,
    );
    assert.equal(drift[0]!.modelVersion, MODEL_VERSION);
    assert.ok(drift[0]!.mcc < drift[0]!.baselineMcc);
    const metrics = await (await fetch(`${publisher.url}/metrics`)).text();
    assert.match(
      metrics,
      new RegExp(`publisher_drift_alert\\{[^}]*model_version="${MODEL_VERSION}"[^}]*\\} 1`),
    );
  });
});
