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

/** Just enough of a Socket.IO namespace: sockets, and `to(rooms).except(ids).emit()`. */
function fakeNamespace(sockets: FakeSocket[]) {
  const emitTo = (rooms: string[], except: Set<string>) => ({
    emit: (name: string, payload: { seq: number }) => {
      for (const s of sockets) {
        if (!except.has(s.id) && rooms.some((r) => s.rooms.has(r))) s.received.push(`${name}#${payload.seq}`);
      }
      return true;
    },
  });
  return {
    sockets: new Map(sockets.map((s) => [s.id, s])),
    to: (rooms: string[]) => ({
      ...emitTo(rooms, new Set()),
      except: (ids: string[]) => emitTo(rooms, new Set(ids)),
    }),
  };
}

function prediction(n: number): Prediction {
  return {
    schemaVersion: 1,
    kind: 'prediction',
    eventId: n.toString(16).padStart(64, '0'),
    symbol: 'SPX',
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
    const pipeline = new PipelineMetrics('test');
    const metrics = new PublisherMetrics(pipeline);
    const hub = new SignalHub(10, 100);
    const gateway = new SignalsGateway(
      hub,
      new TokenVerifier(SECRET),
      metrics,
      new JsonLogger({ stage: 'test', level: 'fatal', write: () => undefined }),
      BUFFER_LIMIT,
    );
    const fast: FakeSocket = { id: 'fast', rooms: new Set(['all']), conn: { writeBuffer: [] }, received: [] };
    const slow: FakeSocket = {
      id: 'slow',
      rooms: new Set(['symbol:SPX']),
      conn: { writeBuffer: [1, 2, 3] },
      received: [],
    };
    const elsewhere: FakeSocket = {
      id: 'elsewhere',
      rooms: new Set(['symbol:DJI']),
      conn: { writeBuffer: [1, 2, 3] },
      received: [],
    };
    (gateway as unknown as { namespace: Namespace }).namespace = fakeNamespace([
      fast,
      slow,
      elsewhere,
    ]) as unknown as Namespace;

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

  it('sends nothing and counts nothing for an empty batch', async () => {
    const metrics = new PublisherMetrics(new PipelineMetrics('test'));
    const gateway = new SignalsGateway(
      new SignalHub(1, 1),
      new TokenVerifier(SECRET),
      metrics,
      new JsonLogger({ stage: 'test', level: 'fatal', write: () => undefined }),
      BUFFER_LIMIT,
    );
    gateway.publish([]);
    assert.equal((await metrics.emits.get()).values.length, 0);
  });
});
