import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Prediction,
  type PredictionReject,
  type SignalRecord,
  signalRecords,
  type TickOutcome,
  tickOutcomeRecords,
} from '@lakehouse/bus';
import { PUBLISHER_TOPICS } from '../config/publisher.config';
import { liveEventsOf } from './live-feed.consumer';
import { SignalHub } from './signal-hub';

const HISTORY = 100;
const REMEMBERED = 1_000;
const PUBLISHED_AT = new Date('2026-01-05T14:30:00Z');
const RECORD_TIME_MS = 1_767_623_400_000;
const idOf = (n: number): string => n.toString(16).padStart(64, '0');

function prediction(n: number, symbol = 'SPX'): Prediction {
  return {
    schemaVersion: 1,
    kind: 'prediction',
    eventId: idOf(n),
    symbol,
    eventTimeUs: String(n),
    price: 100 + n,
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

const reject: PredictionReject = {
  schemaVersion: 1,
  kind: 'reject',
  eventId: idOf(99),
  symbol: 'SPX',
  reasonCode: 'SHAPE_MISMATCH',
  reason: 'window is 2×2',
  modelVersion: 'gru-1',
  producedAt: PUBLISHED_AT.toISOString(),
};

function outcome(n: number): TickOutcome {
  return {
    schemaVersion: 1,
    eventId: idOf(n),
    symbol: 'SPX',
    eventTimeUs: String(n),
    horizonEventId: idOf(n + 1000),
    realizedReturn: 0.01,
    threshold: 0.002,
    label: 1,
    labelVersion: 'jump-v1',
    silverVersion: '3',
  };
}

/** Kafka messages of the records the producers send for `events`, each stamped `RECORD_TIME_MS + i`. */
function messages(values: readonly Buffer[]): { value: Buffer; timestamp: string }[] {
  return values.map((value, i) => ({ value, timestamp: String(RECORD_TIME_MS + i) }));
}
const predictionRecords = (events: readonly SignalRecord[]) => [...signalRecords(events)].map((m) => m.value);
const outcomeRecords = (events: readonly TickOutcome[]) =>
  [...tickOutcomeRecords(events)].map((m) => m.value);

describe('the live feed (liveEventsOf)', () => {
  it('emits every prediction of a run in order, numbered per symbol, with its record’s timestamp; not rejects', () => {
    const hub = new SignalHub(HISTORY, REMEMBERED);
    const values = predictionRecords([
      prediction(1),
      prediction(2),
      prediction(11, 'NDX'),
      reject,
      prediction(3),
    ]);
    const out = liveEventsOf(hub, PUBLISHER_TOPICS.predictions, messages(values), PUBLISHED_AT);
    assert.deepEqual(
      out.map(({ event, sourceTimeMs }) => [
        event.payload.symbol,
        event.payload.seq,
        event.payload.eventId,
        sourceTimeMs - RECORD_TIME_MS,
      ]),
      [
        ['SPX', 1, idOf(1), 0],
        ['SPX', 2, idOf(2), 0],
        ['SPX', 3, idOf(3), 2],
        ['NDX', 1, idOf(11), 3],
      ],
    );
  });

  it('drops events already sent, one by one, inside a redelivered or overlapping run', () => {
    const hub = new SignalHub(HISTORY, REMEMBERED);
    liveEventsOf(
      hub,
      PUBLISHER_TOPICS.predictions,
      messages(predictionRecords([prediction(1), prediction(2)])),
      PUBLISHED_AT,
    );
    const again = liveEventsOf(
      hub,
      PUBLISHER_TOPICS.predictions,
      messages(predictionRecords([prediction(2), prediction(3)])),
      PUBLISHED_AT,
    );
    assert.deepEqual(
      again.map(({ event }) => [event.payload.eventId, event.payload.seq]),
      [[idOf(3), 3]],
    );
  });

  it('skips a malformed record whole and goes on with the next one', () => {
    const hub = new SignalHub(HISTORY, REMEMBERED);
    const [run] = predictionRecords([prediction(1), prediction(2)]);
    const broken = JSON.parse(run!.toString()) as { events: { probability: number }[] };
    broken.events[1]!.probability = -1;
    const out = liveEventsOf(
      hub,
      PUBLISHER_TOPICS.predictions,
      messages([
        Buffer.from(JSON.stringify(broken)),
        Buffer.from('{'),
        ...predictionRecords([prediction(3)]),
      ]),
      PUBLISHED_AT,
    );
    assert.deepEqual(
      out.map(({ event }) => [event.payload.eventId, event.payload.seq]),
      [[idOf(3), 1]],
    );
  });

  it('emits outcome runs and schema-1 outcomes, joined with the predictions this process saw', () => {
    const hub = new SignalHub(HISTORY, REMEMBERED);
    liveEventsOf(
      hub,
      PUBLISHER_TOPICS.predictions,
      messages(predictionRecords([prediction(1)])),
      PUBLISHED_AT,
    );
    const out = liveEventsOf(
      hub,
      PUBLISHER_TOPICS.outcomes,
      messages([...outcomeRecords([outcome(1), outcome(2)]), Buffer.from(JSON.stringify(outcome(3)))]),
      PUBLISHED_AT,
    );
    assert.deepEqual(
      out.map(({ event }) =>
        event.name === 'outcome'
          ? [event.payload.eventId, event.payload.seq, event.payload.modelVersion]
          : [],
      ),
      [
        [idOf(1), 2, 'gru-1'],
        [idOf(2), 3, null],
        [idOf(3), 4, null],
      ],
    );
  });
});
