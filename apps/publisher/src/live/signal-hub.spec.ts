import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Prediction, type TickOutcome } from '@lakehouse/bus';
import { SignalHub } from './signal-hub';

const HISTORY = 3;
const REMEMBERED = 100;
const PUBLISHED_AT = new Date('2026-01-05T14:30:00Z');
const idOf = (n: number): string => n.toString(16).padStart(64, '0');

function prediction(n: number, symbol = 'SPX'): Prediction {
  return {
    schemaVersion: 1,
    kind: 'prediction',
    eventId: idOf(n),
    symbol,
    eventTimeUs: String(n),
    price: 100,
    probability: 0.7,
    predictedLabel: 1,
    threshold: 0.5,
    modelVersion: 'gru-1',
    backend: 'onnx-cpu',
    labelVersion: 'jump-v1',
    silverVersion: '3',
    inferenceLatencyMs: 1,
    producedAt: PUBLISHED_AT.toISOString(),
  };
}

function outcome(n: number, symbol = 'SPX'): TickOutcome {
  return {
    schemaVersion: 1,
    eventId: idOf(n),
    symbol,
    eventTimeUs: String(n),
    horizonEventId: idOf(n + 1000),
    realizedReturn: 0.01,
    threshold: 0.002,
    label: 1,
    labelVersion: 'jump-v1',
    silverVersion: '4',
  };
}

describe('SignalHub', () => {
  it('numbers predictions and outcomes of a symbol together, each symbol on its own', () => {
    const hub = new SignalHub(HISTORY, REMEMBERED);
    const seqs = [
      hub.prediction(prediction(1), PUBLISHED_AT),
      hub.prediction(prediction(2, 'DJI'), PUBLISHED_AT),
      hub.outcome(outcome(1)),
    ].map((e) => [e?.payload.symbol, e?.payload.seq]);
    assert.deepEqual(seqs, [
      ['SPX', 1],
      ['DJI', 1],
      ['SPX', 2],
    ]);
  });

  it('drops a redelivered prediction or outcome, and joins an outcome with the prediction it saw', () => {
    const hub = new SignalHub(HISTORY, REMEMBERED);
    hub.prediction(prediction(1), PUBLISHED_AT);
    assert.equal(hub.prediction(prediction(1), PUBLISHED_AT), undefined);
    const joined = hub.outcome(outcome(1));
    assert.equal(hub.outcome(outcome(1)), undefined);
    assert.equal(joined?.name, 'outcome');
    assert.deepEqual(
      joined?.name === 'outcome' && [joined.payload.predictedLabel, joined.payload.modelVersion],
      [1, 'gru-1'],
    );
    const unseen = hub.outcome(outcome(9));
    assert.equal(unseen?.name === 'outcome' && unseen.payload.predictedLabel, null);
  });

  it('replays what came after a seq, and reports a gap older than the history holds', () => {
    const hub = new SignalHub(HISTORY, REMEMBERED);
    for (let n = 1; n <= 5; n++) hub.prediction(prediction(n), PUBLISHED_AT);
    const recent = hub.replay('SPX', 3);
    assert.deepEqual(
      recent.events.map((e) => e.payload.seq),
      [4, 5],
    );
    assert.equal(recent.gap, null);
    const old = hub.replay('SPX', 0);
    assert.deepEqual(
      old.events.map((e) => e.payload.seq),
      [3, 4, 5],
    );
    assert.deepEqual(old.gap, { symbol: 'SPX', fromSeq: 1, toSeq: 2 });
  });

  it('treats a seq from beyond this run (an earlier process) as nothing seen', () => {
    const hub = new SignalHub(HISTORY, REMEMBERED);
    hub.prediction(prediction(1), PUBLISHED_AT);
    assert.deepEqual(
      hub.replay('SPX', 500).events.map((e) => e.payload.seq),
      [1],
    );
  });

  it('forgets the oldest event ids past its bound', () => {
    const hub = new SignalHub(HISTORY, 2);
    for (let n = 1; n <= 3; n++) hub.prediction(prediction(n), PUBLISHED_AT);
    assert.notEqual(hub.prediction(prediction(1), PUBLISHED_AT), undefined, 'event 1 was forgotten');
    assert.equal(hub.prediction(prediction(3), PUBLISHED_AT), undefined);
  });
});
