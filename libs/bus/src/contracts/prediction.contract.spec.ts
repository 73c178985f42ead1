import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BusError } from '../bus-error';
import { encodeJson } from '../codec';
import {
  decodeSignalRecords,
  MAX_EVENTS_PER_PREDICTION_RECORD,
  type Prediction,
  type PredictionReject,
  type PredictionRunWire,
  type SignalRecord,
  signalRecords,
} from './prediction.contract';

const PRODUCED_AT = '2024-01-02T03:04:05.678Z';
const LATER = '2024-01-02T03:04:06.000Z';

function prediction(symbol: string, n: number, overrides: Partial<Prediction> = {}): Prediction {
  return {
    schemaVersion: 1,
    kind: 'prediction',
    eventId: n.toString(16).padStart(64, symbol === 'SPX' ? '0' : '1'),
    symbol,
    eventTimeUs: String(1_700_000_000_000_000n + BigInt(n)),
    price: 4500 + n / 4,
    probability: (n % 100) / 100,
    predictedLabel: n % 100 >= 50 ? 1 : 0,
    threshold: 0.5,
    modelVersion: 'm1',
    backend: 'onnx-cpu',
    labelVersion: 'jump-abs-v1',
    silverVersion: String(7 + (n >> 3)),
    inferenceLatencyMs: 3.25,
    producedAt: PRODUCED_AT,
    ...overrides,
  };
}

function reject(symbol: string | null, n: number): PredictionReject {
  return {
    schemaVersion: 1,
    kind: 'reject',
    eventId: n.toString(16).padStart(64, 'f'),
    symbol,
    reasonCode: 'SHAPE_MISMATCH',
    reason: 'window is 2×2, model m1 expects 30×20',
    modelVersion: 'm1',
    producedAt: PRODUCED_AT,
  };
}

function encode(records: readonly SignalRecord[]): { key: string | null; value: Buffer }[] {
  return [...signalRecords(records)].map((m) => ({ key: m.key as string | null, value: m.value }));
}

/** The wire object of a run of `n` SPX predictions, to break. */
function wire(n = 5): PredictionRunWire {
  const [record] = encode(Array.from({ length: n }, (_, i) => prediction('SPX', i)));
  return JSON.parse(record!.value.toString()) as PredictionRunWire;
}

function rejectsWith(value: unknown, message: RegExp): void {
  assert.throws(
    () => decodeSignalRecords(encodeJson(value)),
    (e: unknown) => e instanceof BusError && e.code === 'BUS_DECODE_FAILED' && message.test(e.message),
  );
}

describe('signals.predictions runs', () => {
  it("round-trips a batch as one run per symbol, each symbol's predictions in order", () => {
    const spx = Array.from({ length: 20 }, (_, i) => prediction('SPX', i));
    const ndx = Array.from({ length: 20 }, (_, i) => prediction('NDX', i));
    const interleaved = spx.flatMap((p, i) => [p, ndx[i]!]);
    const records = encode(interleaved);
    assert.deepEqual(
      records.map((r) => r.key),
      ['SPX', 'NDX'],
    );
    const decoded = records.map((r) => decodeSignalRecords(r.value));
    assert.deepEqual(decoded, [spx, ndx]);
    const run = JSON.parse(records[0]!.value.toString()) as PredictionRunWire;
    assert.equal(run.schemaVersion, 2);
    assert.equal(run.events.length, 20);
    // The fields a run states once are not repeated per event.
    assert.deepEqual(Object.keys(run.events[0]!).sort(), [
      'eventId',
      'eventTimeUs',
      'predictedLabel',
      'price',
      'probability',
      'silverVersion',
    ]);
  });

  it('cuts a run over the record limit into several records, in order', () => {
    const spx = Array.from({ length: MAX_EVENTS_PER_PREDICTION_RECORD * 2 + 3 }, (_, i) =>
      prediction('SPX', i),
    );
    const records = encode(spx);
    assert.deepEqual(
      records.map((r) => [r.key, decodeSignalRecords(r.value).length]),
      [
        ['SPX', MAX_EVENTS_PER_PREDICTION_RECORD],
        ['SPX', MAX_EVENTS_PER_PREDICTION_RECORD],
        ['SPX', 3],
      ],
    );
    assert.deepEqual(
      records.flatMap((r) => decodeSignalRecords(r.value)),
      spx,
    );
    assert.ok(records.every((r) => r.value.length < 200 * MAX_EVENTS_PER_PREDICTION_RECORD));
  });

  it('starts a new run where a field the run states once changes', () => {
    const spx = [
      prediction('SPX', 0),
      prediction('SPX', 1),
      prediction('SPX', 2, { modelVersion: 'm2' }),
      prediction('SPX', 3, { modelVersion: 'm2', producedAt: LATER, inferenceLatencyMs: 9 }),
    ];
    const records = encode(spx);
    assert.deepEqual(
      records.map((r) => decodeSignalRecords(r.value).length),
      [2, 1, 1],
    );
    assert.deepEqual(
      records.flatMap((r) => decodeSignalRecords(r.value)),
      spx,
    );
  });

  it('sends each reject as a schema-1 record in its place between its symbol’s runs', () => {
    const input: SignalRecord[] = [
      prediction('SPX', 0),
      prediction('SPX', 1),
      reject('SPX', 2),
      prediction('NDX', 0),
      prediction('SPX', 3),
      reject(null, 4),
    ];
    const records = encode(input);
    assert.deepEqual(
      records.map((r) => [
        r.key,
        (JSON.parse(r.value.toString()) as { schemaVersion: number }).schemaVersion,
      ]),
      [
        ['SPX', 2],
        ['SPX', 1],
        ['SPX', 2],
        ['NDX', 2],
        [null, 1],
      ],
    );
    const decoded = records.flatMap((r) => decodeSignalRecords(r.value));
    assert.deepEqual(
      decoded.filter((r) => r.symbol === 'SPX'),
      input.filter((r) => r.symbol === 'SPX'),
    );
    assert.deepEqual(decoded.length, input.length);
  });

  it('still decodes schema-1 records, predictions and rejects', () => {
    const one = prediction('SPX', 42);
    assert.deepEqual(decodeSignalRecords(encodeJson(one)), [one]);
    assert.deepEqual(decodeSignalRecords(encodeJson(reject('SPX', 1))), [reject('SPX', 1)]);
    rejectsWith({ ...one, probability: 1.2 }, /probability/);
  });

  it('rejects a malformed run as a whole, with a reason', () => {
    assert.throws(() => decodeSignalRecords(Buffer.from('{')), /not JSON/);
    assert.throws(() => decodeSignalRecords(null), BusError);
    const bad = wire();
    bad.events[3]!.probability = 1.5;
    rejectsWith(bad, /events\.3\.probability/);
    const label = wire();
    (label.events[4] as { predictedLabel: number }).predictedLabel = 2;
    rejectsWith(label, /events\.4\.predictedLabel/);
    const id = wire();
    id.events[0]!.eventId = 'not-hex';
    rejectsWith(id, /events\.0\.eventId/);
    rejectsWith({ ...wire(), schemaVersion: 3 }, /schemaVersion: 3 is not one of 1, 2/);
    rejectsWith({ ...wire(), schemaVersion: undefined }, /schemaVersion: absent is not one of 1, 2/);
    rejectsWith({ ...wire(), events: [] }, /events: .*>=1/);
    rejectsWith({ ...wire(), symbol: '' }, /symbol/);
    const events = wire().events;
    const tooMany = Array.from({ length: MAX_EVENTS_PER_PREDICTION_RECORD + 1 }, () => events[0]!);
    rejectsWith(
      { ...wire(), events: tooMany },
      new RegExp(`events: .*<=${MAX_EVENTS_PER_PREDICTION_RECORD}`),
    );
    rejectsWith([wire()], /schemaVersion/);
  });
});
