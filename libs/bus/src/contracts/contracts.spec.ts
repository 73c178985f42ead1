import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BusError } from '../bus-error';
import { encodeJson } from '../codec';
import { decodeWindowValues, encodeWindowValues, toModelWindow } from './model-window.codec';
import { decodeRefinedTick, encodeRefinedTick, type RefinedTick } from './refined-tick.contract';
import { signalRecordSchema } from './prediction.contract';

const EVENT_ID = 'a'.repeat(64);

function refined(window: RefinedTick['window']): RefinedTick {
  return {
    schemaVersion: 1,
    eventId: EVENT_ID,
    symbol: 'SPX',
    eventTimeUs: 1_700_000_000_000_000n,
    price: 4500.25,
    volume: 10,
    tradeId: null,
    silverVersion: 7n,
    featureVersion: 'features-v1',
    window,
  };
}

describe('model window codec', () => {
  it('round-trips float32 values, NaN-free, row-major', () => {
    const window = toModelWindow([
      [1.5, -2, 0.1],
      [3, 4e-7, -0],
    ]);
    const back = decodeWindowValues(2, 3, encodeWindowValues(window));
    assert.deepEqual(Array.from(back.values), Array.from(window.values));
    assert.equal(back.values[2], Math.fround(0.1));
  });

  it('refuses ragged rows, a wrong byte length and non-base64 text', () => {
    assert.throws(() => toModelWindow([[1, 2], [3]]), /row 1 has 1 features, expected 2/);
    const text = encodeWindowValues(toModelWindow([[1, 2]]));
    assert.throws(
      () => decodeWindowValues(2, 2, text),
      (e: unknown) => e instanceof BusError && /not base64 of 2 × 2/.test(e.message),
    );
    assert.throws(() => decodeWindowValues(1, 2, 'not base64!'), /not base64/);
    assert.throws(() => decodeWindowValues(1, 2, `${text.slice(0, 5)}!${text.slice(6)}`), /holds 7 bytes/);
  });
});

describe('ticks.refined contract', () => {
  it('round-trips a tick with and without a window', () => {
    const withWindow = refined(
      toModelWindow([
        [0.01, 2],
        [0.02, 3],
      ]),
    );
    const back = decodeRefinedTick(encodeRefinedTick(withWindow));
    assert.equal(back.eventTimeUs, withWindow.eventTimeUs);
    assert.equal(back.silverVersion, 7n);
    assert.deepEqual(Array.from(back.window!.values), Array.from(withWindow.window!.values));
    assert.equal(decodeRefinedTick(encodeRefinedTick(refined(null))).window, null);
  });

  it('rejects a malformed record with a reason', () => {
    assert.throws(() => decodeRefinedTick(Buffer.from('{')), /not JSON/);
    assert.throws(
      () =>
        decodeRefinedTick(
          encodeJson({ ...JSON.parse(encodeRefinedTick(refined(null)).toString()), price: -1 }),
        ),
      /price/,
    );
    const wire = JSON.parse(encodeRefinedTick(refined(toModelWindow([[1, 2]]))).toString()) as {
      window: { steps: number };
    };
    wire.window.steps = 3;
    assert.throws(() => decodeRefinedTick(encodeJson(wire)), /not base64 of 3 × 2/);
  });
});

describe('signals.predictions contract', () => {
  it('tells predictions from rejects and refuses a probability outside [0, 1]', () => {
    const reject = {
      schemaVersion: 1,
      kind: 'reject',
      eventId: null,
      symbol: null,
      reasonCode: 'BAD_SHAPE',
      reason: 'x',
      modelVersion: null,
      producedAt: new Date(0).toISOString(),
    };
    assert.equal(signalRecordSchema.parse(reject).kind, 'reject');
    const prediction = {
      schemaVersion: 1,
      kind: 'prediction',
      eventId: EVENT_ID,
      symbol: 'SPX',
      eventTimeUs: '1',
      price: 1,
      probability: 1.2,
      predictedLabel: 1,
      threshold: 0.5,
      modelVersion: 'm1',
      backend: 'onnx-cpu',
      labelVersion: 'jump-abs-v1',
      silverVersion: '3',
      inferenceLatencyMs: 1,
      producedAt: new Date(0).toISOString(),
    };
    assert.equal(signalRecordSchema.safeParse(prediction).success, false);
    assert.equal(signalRecordSchema.safeParse({ ...prediction, probability: 0.9 }).success, true);
  });
});
