import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BusError } from '../bus-error';
import { encodeJson } from '../codec';
import {
  decodeTickOutcomes,
  MAX_EVENTS_PER_OUTCOME_RECORD,
  type TickOutcome,
  tickOutcomeRecords,
  type TickOutcomeRunWire,
} from './tick-outcome.contract';

function outcome(symbol: string, n: number, overrides: Partial<TickOutcome> = {}): TickOutcome {
  return {
    schemaVersion: 1,
    eventId: n.toString(16).padStart(64, symbol === 'SPX' ? '0' : '1'),
    symbol,
    eventTimeUs: String(1_700_000_000_000_000n + BigInt(n)),
    horizonEventId: (n + 10).toString(16).padStart(64, symbol === 'SPX' ? '0' : '1'),
    realizedReturn: (n % 7) / 1000 - 0.003,
    threshold: 0.002,
    label: n % 7 >= 5 ? 1 : 0,
    labelVersion: 'jump-abs-v1',
    silverVersion: '12',
    ...overrides,
  };
}

function encode(outcomes: readonly TickOutcome[]): { key: string; value: Buffer }[] {
  return [...tickOutcomeRecords(outcomes)].map((m) => ({ key: m.key as string, value: m.value }));
}

function wire(n = 5): TickOutcomeRunWire {
  const [record] = encode(Array.from({ length: n }, (_, i) => outcome('SPX', i)));
  return JSON.parse(record!.value.toString()) as TickOutcomeRunWire;
}

function rejectsWith(value: unknown, message: RegExp): void {
  assert.throws(
    () => decodeTickOutcomes(encodeJson(value)),
    (e: unknown) => e instanceof BusError && e.code === 'BUS_DECODE_FAILED' && message.test(e.message),
  );
}

describe('ticks.outcomes runs', () => {
  it("round-trips outcomes as one run per symbol, each symbol's outcomes in order", () => {
    const spx = Array.from({ length: 30 }, (_, i) => outcome('SPX', i));
    const ndx = Array.from({ length: 10 }, (_, i) => outcome('NDX', i));
    const records = encode([...spx.slice(0, 15), ...ndx, ...spx.slice(15)]);
    assert.deepEqual(
      records.map((r) => r.key),
      ['SPX', 'NDX'],
    );
    assert.deepEqual(
      records.map((r) => decodeTickOutcomes(r.value)),
      [spx, ndx],
    );
    const run = JSON.parse(records[0]!.value.toString()) as TickOutcomeRunWire;
    assert.equal(run.schemaVersion, 2);
    assert.deepEqual(Object.keys(run.events[0]!).sort(), [
      'eventId',
      'eventTimeUs',
      'horizonEventId',
      'label',
      'realizedReturn',
    ]);
  });

  it('cuts a run over the record limit into several records, in order', () => {
    const spx = Array.from({ length: MAX_EVENTS_PER_OUTCOME_RECORD + 1 }, (_, i) => outcome('SPX', i));
    const records = encode(spx);
    assert.deepEqual(
      records.map((r) => decodeTickOutcomes(r.value).length),
      [MAX_EVENTS_PER_OUTCOME_RECORD, 1],
    );
    assert.deepEqual(
      records.flatMap((r) => decodeTickOutcomes(r.value)),
      spx,
    );
  });

  it('starts a new run where the label definition or the Silver version changes', () => {
    const spx = [
      outcome('SPX', 0),
      outcome('SPX', 1, { silverVersion: '13' }),
      outcome('SPX', 2, { silverVersion: '13', labelVersion: 'jump-abs-v2' }),
      outcome('SPX', 3, { silverVersion: '13', labelVersion: 'jump-abs-v2', threshold: 0.004 }),
    ];
    const records = encode(spx);
    assert.equal(records.length, 4);
    assert.deepEqual(
      records.flatMap((r) => decodeTickOutcomes(r.value)),
      spx,
    );
  });

  it('still decodes schema-1 records', () => {
    const one = outcome('SPX', 3);
    assert.deepEqual(decodeTickOutcomes(encodeJson(one)), [one]);
    rejectsWith({ ...one, label: 2 }, /label/);
  });

  it('rejects a malformed run as a whole, with a reason', () => {
    assert.throws(() => decodeTickOutcomes(Buffer.from('[')), /not JSON/);
    assert.throws(() => decodeTickOutcomes(null), BusError);
    const bad = wire();
    bad.events[2]!.horizonEventId = 'x';
    rejectsWith(bad, /events\.2\.horizonEventId/);
    const label = wire();
    (label.events[4] as { label: number }).label = 3;
    rejectsWith(label, /events\.4\.label/);
    rejectsWith({ ...wire(), silverVersion: 'v1' }, /silverVersion/);
    rejectsWith({ ...wire(), schemaVersion: 0 }, /schemaVersion: 0 is not one of 1, 2/);
    rejectsWith({ ...wire(), events: [] }, /events: .*>=1/);
    const events = wire().events;
    const tooMany = Array.from({ length: MAX_EVENTS_PER_OUTCOME_RECORD + 1 }, () => events[0]!);
    rejectsWith({ ...wire(), events: tooMany }, new RegExp(`events: .*<=${MAX_EVENTS_PER_OUTCOME_RECORD}`));
  });
});
