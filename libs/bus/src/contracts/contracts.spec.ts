import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BusError } from '../bus-error';
import { encodeJson } from '../codec';
import { decodeFloat32Le, encodeFloat32Le, toModelWindow } from './model-window.codec';
import {
  decodeRefinedTicks,
  encodeRefinedTick,
  MAX_EVENTS_PER_REFINED_RECORD,
  type RefinedTick,
  type RefinedTickDraft,
  refinedTickRecords,
} from './refined-tick.contract';
import { signalRecordSchema } from './prediction.contract';

const EVENT_ID = 'a'.repeat(64);

function refined(window: RefinedTick['window']): RefinedTick {
  return {
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

/** A symbol's stream as the refiner sees it: one new vector per applied tick, windows of the last `steps`. */
function stream(symbol: string, n: number, steps: number, features: number): RefinedTickDraft[] {
  const vectors: number[][] = [];
  return Array.from({ length: n }, (_, i) => {
    vectors.push(Array.from({ length: features }, (_, f) => Math.sin(i * 3.1 + f) * 10 ** (f % 5)));
    return {
      eventId: i.toString(16).padStart(64, symbol === 'SPX' ? '0' : '1'),
      symbol,
      eventTimeUs: 1_700_000_000_000_000n + BigInt(i),
      price: 100 + i,
      volume: i,
      tradeId: i % 2 === 0 ? null : `t${i}`,
      featureVersion: 'features-v1',
      window: vectors.length < steps ? null : vectors.slice(-steps),
    };
  });
}

function decodeAll(drafts: readonly RefinedTickDraft[]): {
  keys: string[];
  ticks: RefinedTick[];
  bytes: number;
} {
  const keys: string[] = [];
  const ticks: RefinedTick[] = [];
  let bytes = 0;
  for (const record of refinedTickRecords(drafts, 7n)) {
    keys.push(record.key);
    bytes += record.value.length;
    ticks.push(...decodeRefinedTicks(record.value));
  }
  return { keys, ticks, bytes };
}

/** What a decoded tick must hold: the draft's fields, its window rounded through toModelWindow. */
function expected(draft: RefinedTickDraft): unknown {
  const window = draft.window === null ? null : toModelWindow(draft.window.map((row) => Array.from(row)));
  return {
    ...draft,
    silverVersion: 7n,
    window: window === null ? null : { ...window, values: Array.from(window.values) },
  };
}

function comparable(tick: RefinedTick): unknown {
  return {
    ...tick,
    window: tick.window === null ? null : { ...tick.window, values: Array.from(tick.window.values) },
  };
}

describe('float32 codec', () => {
  it('round-trips float32 values, row-major, little-endian on the wire', () => {
    const window = toModelWindow([
      [1.5, -2, 0.1],
      [3, 4e-7, -0],
    ]);
    const text = encodeFloat32Le(window.values);
    assert.deepEqual(Array.from(decodeFloat32Le(text, 6, 'w')), Array.from(window.values));
    assert.equal(decodeFloat32Le(text, 6, 'w')[2], Math.fround(0.1));
    assert.deepEqual([...Buffer.from(encodeFloat32Le(new Float32Array([1])), 'base64')], [0, 0, 0x80, 0x3f]);
  });

  it('refuses ragged rows, a wrong byte length and non-base64 text', () => {
    assert.throws(() => toModelWindow([[1, 2], [3]]), /row 1 has 1 features, expected 2/);
    const text = encodeFloat32Le(new Float32Array([1, 2]));
    assert.throws(
      () => decodeFloat32Le(text, 4, 'w'),
      (e: unknown) => e instanceof BusError && /w is not base64 of 4 float32/.test(e.message),
    );
    assert.throws(() => decodeFloat32Le('not base64!', 2, 'w'), /not base64/);
    assert.throws(() => decodeFloat32Le(`${text.slice(0, 5)}!${text.slice(6)}`, 2, 'w'), /holds 7 bytes/);
  });
});

describe('ticks.refined contract', () => {
  it('round-trips one tick with and without a window', () => {
    const withWindow = refined(
      toModelWindow([
        [0.01, 2],
        [0.02, 3],
      ]),
    );
    const [back] = decodeRefinedTicks(encodeRefinedTick(withWindow));
    assert.deepEqual(comparable(back!), comparable(withWindow));
    assert.deepEqual(decodeRefinedTicks(encodeRefinedTick(refined(null))), [refined(null)]);
  });

  it("packs a stream's windows as n + L − 1 vectors and decodes every window exactly", () => {
    const drafts = stream('SPX', 200, 30, 20);
    const { keys, ticks, bytes } = decodeAll(drafts);
    assert.deepEqual(keys, ['SPX']);
    assert.deepEqual(ticks.map(comparable), drafts.map(expected));
    const wire = JSON.parse([...refinedTickRecords(drafts, 7n)][0]!.value.toString()) as {
      window: { rows: number };
    };
    // 171 windows (the first 29 ticks have none) need 171 + 29 rows, not 171 × 30.
    assert.equal(wire.window.rows, 200);
    assert.ok(bytes < 200 * 400, `${bytes} bytes for 200 events`);
  });

  it('keeps order per symbol, shares vectors across windowless (late) events and restarts a broken run', () => {
    const spx = stream('SPX', 40, 4, 3);
    const ndx = stream('NDX', 40, 4, 3);
    // A late tick between two applied ones: no window, the state (and so the sliding) is unchanged.
    const late: RefinedTickDraft = { ...spx[20]!, eventId: 'f'.repeat(64), window: null };
    // A window that does not continue the previous one (e.g. state rebuilt): packed whole.
    const jump: RefinedTickDraft = {
      ...spx[30]!,
      eventId: 'e'.repeat(64),
      window: [
        [9, 9, 9],
        [8, 8, 8],
        [7, 7, 7],
        [6, 6, 6],
      ],
    };
    const spxEvents = [...spx.slice(0, 21), late, ...spx.slice(21, 30), jump, ...spx.slice(30)];
    const interleaved = spxEvents.flatMap((d, i) => (i < ndx.length ? [d, ndx[i]!] : [d]));
    const { keys, ticks } = decodeAll(interleaved);
    assert.deepEqual(keys, ['SPX', 'NDX']);
    assert.deepEqual(ticks.filter((t) => t.symbol === 'SPX').map(comparable), spxEvents.map(expected));
    assert.deepEqual(ticks.filter((t) => t.symbol === 'NDX').map(comparable), ndx.map(expected));
  });

  it('cuts a run at the record limit and where the feature version changes', () => {
    const drafts = stream('SPX', MAX_EVENTS_PER_REFINED_RECORD + 10, 5, 2).map((d, i) =>
      i >= MAX_EVENTS_PER_REFINED_RECORD + 5 ? { ...d, featureVersion: 'features-v2' } : d,
    );
    const records = [...refinedTickRecords(drafts, 7n)].map((r) => decodeRefinedTicks(r.value));
    assert.deepEqual(
      records.map((r) => r.length),
      [MAX_EVENTS_PER_REFINED_RECORD, 5, 5],
    );
    assert.deepEqual(records.flat().map(comparable), drafts.map(expected));
  });

  it('carries the Bronze version Silver must cover before it holds the events, when the refiner names one', () => {
    const drafts = stream('SPX', 3, 3, 2);
    const named = [...refinedTickRecords(drafts, 7n, 12n)].flatMap((r) => decodeRefinedTicks(r.value));
    assert.ok(named.every((t) => t.bronzeVersion === 12n && t.silverVersion === 7n));
    const unnamed = [...refinedTickRecords(drafts, 7n)].flatMap((r) => decodeRefinedTicks(r.value));
    assert.ok(unnamed.every((t) => !('bronzeVersion' in t)));
    assert.deepEqual(decodeRefinedTicks(encodeRefinedTick(named[0]!)), [named[0]]);
  });

  it('refuses a window of another shape inside one run', () => {
    const drafts = stream('SPX', 6, 3, 2);
    const odd = {
      ...drafts[5]!,
      window: [
        [1, 2],
        [3, 4],
      ],
    };
    assert.throws(() => [...refinedTickRecords([...drafts.slice(0, 5), odd], 7n)], /not 3 × 2/);
  });

  it('rejects a malformed record with a reason', () => {
    const wire = (): {
      price?: number;
      events: { windowEnd: number | null; price: number }[];
      window: { rows: number; steps: number } | null;
    } => JSON.parse([...refinedTickRecords(stream('SPX', 5, 3, 2), 7n)][0]!.value.toString()) as never;
    assert.throws(() => decodeRefinedTicks(Buffer.from('{')), /not JSON/);
    assert.throws(() => decodeRefinedTicks(null), BusError);
    const negative = wire();
    negative.events[4]!.price = -1;
    assert.throws(() => decodeRefinedTicks(encodeJson(negative)), /price/);
    const outside = wire();
    outside.events[4]!.windowEnd = 1;
    assert.throws(() => decodeRefinedTicks(encodeJson(outside)), /windowEnd 1 is outside 2…4/);
    const past = wire();
    past.events[4]!.windowEnd = 5;
    assert.throws(() => decodeRefinedTicks(encodeJson(past)), /windowEnd 5 is outside/);
    const rows = wire();
    rows.window!.rows = 4;
    assert.throws(() => decodeRefinedTicks(encodeJson(rows)), /not base64 of 8 float32/);
    const noRows = wire();
    noRows.window = null;
    assert.throws(
      () => decodeRefinedTicks(encodeJson(noRows)),
      /windowEnd is set but the record has no window/,
    );
    const empty = wire();
    empty.events = [];
    assert.throws(() => decodeRefinedTicks(encodeJson(empty)), /events/);
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
