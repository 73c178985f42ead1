import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Prediction } from '@lakehouse/bus';
import { JsonLogger, PipelineMetrics } from '@lakehouse/platform';
import { type Namespace } from 'socket.io';
import { TokenVerifier } from '../auth/token-verifier';
import { PublisherMetrics } from '../metrics/publisher-metrics';
import { SignalHub } from './signal-hub';
import { SignalsGateway } from './signals.gateway';

const BUFFER_LIMIT = 2;
const SECRET = 'a-test-secret-that-is-long-enough-0123456789';

interface FakeSocket {
  id: string;
  rooms: Set<string>;
  conn: { writeBuffer: unknown[] };
  received: string[];
}

/**
 * Just enough of a Socket.IO namespace: sockets, the adapter's rooms, and `to(rooms).except(roomsOrIds).emit()`.
 * A per-event emit is recorded as `name#seq`, a `signals` frame as `[name#seq,…]`.
 */
function fakeNamespace(sockets: FakeSocket[]) {
  const emitTo = (rooms: string | string[], except: string[]) => ({
    emit: (name: string, payload: { seq: number } | { name: string; payload: { seq: number } }[]) => {
      const entry = Array.isArray(payload)
        ? `[${payload.map((e) => `${e.name}#${e.payload.seq}`).join(',')}]`
        : `${name}#${payload.seq}`;
      const targets = [rooms].flat();
      for (const s of sockets) {
        const excluded = except.some((r) => r === s.id || s.rooms.has(r));
        if (!excluded && targets.some((r) => s.rooms.has(r))) s.received.push(entry);
      }
      return true;
    },
  });
  return {
    sockets: new Map(sockets.map((s) => [s.id, s])),
    adapter: {
      get rooms() {
        return new Map(sockets.flatMap((s) => [...s.rooms]).map((r) => [r, new Set<string>()]));
      },
    },
    to: (rooms: string | string[]) => ({
      ...emitTo(rooms, []),
      except: (ids: string | string[]) => emitTo(rooms, [ids].flat()),
    }),
  };
}

function socketIn(id: string, rooms: string[], pending = 0): FakeSocket {
  return { id, rooms: new Set(rooms), conn: { writeBuffer: Array<number>(pending).fill(0) }, received: [] };
}

function gatewayOver(sockets: FakeSocket[]) {
  const metrics = new PublisherMetrics(new PipelineMetrics('test'));
  const hub = new SignalHub(10, 100);
  const gateway = new SignalsGateway(
    hub,
    new TokenVerifier(SECRET),
    metrics,
    new JsonLogger({ stage: 'test', level: 'fatal', write: () => undefined }),
    BUFFER_LIMIT,
  );
  (gateway as unknown as { namespace: Namespace }).namespace = fakeNamespace(sockets) as unknown as Namespace;
  return { gateway, hub, metrics };
}

function prediction(n: number, symbol = 'SPX'): Prediction {
  return {
    schemaVersion: 1,
    kind: 'prediction',
    eventId: n.toString(16).padStart(64, '0'),
    symbol,
    eventTimeUs: String(n),
    price: 1,
    probability: 0.5,
    predictedLabel: 1,
    threshold: 0.5,
    modelVersion: 'm',
    backend: 'b',
    labelVersion: 'l',
    silverVersion: '1',
    inferenceLatencyMs: 0,
    producedAt: '2026-01-05T14:30:00.000Z',
  };
}

describe('SignalsGateway.publish', () => {
  it('leaves a client whose write buffer is full out of the broadcast and counts the drops, never blocking', async () => {
    const fast = socketIn('fast', ['all']);
    const slow = socketIn('slow', ['symbol:SPX'], 3);
    const elsewhere = socketIn('elsewhere', ['symbol:DJI'], 3);
    const { gateway, hub, metrics } = gatewayOver([fast, slow, elsewhere]);

    const events = [1, 2].map((n) => ({
      event: hub.prediction(prediction(n), new Date())!,
      sourceTimeMs: 0,
    }));
    gateway.publish(events);
    assert.deepEqual(fast.received, ['prediction#1', 'prediction#2']);
    assert.deepEqual(slow.received, []);
    assert.deepEqual(elsewhere.received, []);
    const dropped = await metrics.dropped.get();
    assert.equal(
      dropped.values[0]?.value,
      2,
      'two messages dropped for the slow SPX client, none for the DJI one',
    );

    slow.conn.writeBuffer = [];
    gateway.publish([{ event: hub.prediction(prediction(3), new Date())!, sourceTimeMs: 0 }]);
    assert.deepEqual(slow.received, ['prediction#3'], 'a client that caught up receives again');
  });

  it('sends batch subscribers one signals frame per symbol (all-symbols: one per batch), each event once', async () => {
    const perEvent = socketIn('per-event', ['symbol:SPX']);
    const spx = socketIn('batch-spx', ['batch:symbol:SPX']);
    const all = socketIn('batch-all', ['batch:all']);
    const both = socketIn('batch-both', ['batch:all', 'batch:symbol:SPX']);
    const slow = socketIn('batch-slow', ['batch:symbol:DJI'], 3);
    const { gateway, hub, metrics } = gatewayOver([perEvent, spx, all, both, slow]);

    gateway.publish(
      [prediction(1), prediction(2, 'DJI'), prediction(3)].map((p) => ({
        event: hub.prediction(p, new Date())!,
        sourceTimeMs: 0,
      })),
    );
    assert.deepEqual(perEvent.received, ['prediction#1', 'prediction#2']);
    assert.deepEqual(spx.received, ['[prediction#1,prediction#2]']);
    assert.deepEqual(all.received, ['[prediction#1,prediction#1,prediction#2]'], 'SPX 1, DJI 1, SPX 2');
    assert.deepEqual(both.received, all.received, 'a socket in both rooms gets the all-symbols frame only');
    assert.deepEqual(slow.received, []);
    assert.equal((await metrics.dropped.get()).values[0]?.value, 1, 'the slow DJI client missed one event');
    const emits = (await metrics.emits.get()).values;
    assert.equal(
      emits.reduce((n, v) => n + v.value, 0),
      3,
      'emits count events, not frames',
    );
  });

  it('encodes nothing for rooms nobody is in', () => {
    const { gateway, hub } = gatewayOver([]);
    let emitted = 0;
    const namespace = (gateway as unknown as { namespace: { to: () => unknown } }).namespace;
    namespace.to = () => {
      emitted += 1;
      return { except: () => ({ emit: () => true }), emit: () => true };
    };
    gateway.publish([{ event: hub.prediction(prediction(1), new Date())!, sourceTimeMs: 0 }]);
    assert.equal(emitted, 0);
  });

  it('keeps broadcasting to the rooms of a disconnected socket whose session can be recovered', () => {
    const { gateway, hub } = gatewayOver([]);
    const targets: string[] = [];
    const namespace = (gateway as unknown as { namespace: { to: (rooms: string | string[]) => unknown } })
      .namespace;
    namespace.to = (rooms) => {
      targets.push([rooms].flat().join('+'));
      return { except: () => ({ emit: () => true }), emit: () => true };
    };
    const handlers = new Map<string, () => void>();
    const away = {
      id: 'away',
      rooms: new Set(['away', 'symbol:SPX']),
      conn: {},
      on: (name: string, handler: () => void) => handlers.set(name, handler),
    };
    gateway.handleConnection(away as unknown as Parameters<SignalsGateway['handleConnection']>[0]);
    handlers.get('disconnecting')!();
    gateway.publish(
      [prediction(1), prediction(2, 'DJI')].map((p) => ({
        event: hub.prediction(p, new Date())!,
        sourceTimeMs: 0,
      })),
    );
    assert.deepEqual(targets, ['symbol:SPX+all'], 'SPX kept for the recovery, DJI never wanted');
  });

  it('sends nothing and counts nothing for an empty batch', async () => {
    const { gateway, metrics } = gatewayOver([]);
    gateway.publish([]);
    assert.equal((await metrics.emits.get()).values.length, 0);
  });
});
