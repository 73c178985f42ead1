import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveTickParserOptions } from './tick-parser.options';
import { parseTickTimestamp } from './tick-timestamp.parser';

const NEW_YORK = 'America/New_York';
const OPTIONS = resolveTickParserOptions({ exchangeTimeZone: NEW_YORK });
const usOf = (iso: string): bigint => BigInt(Date.parse(iso)) * 1000n;

const cases: ReadonlyArray<{ name: string; input: string | number; expectedUs: bigint }> = [
  { name: 'ISO with Z', input: '2024-01-02T14:30:00Z', expectedUs: usOf('2024-01-02T14:30:00Z') },
  {
    name: 'ISO with a negative offset',
    input: '2024-01-02T09:30:00-05:00',
    expectedUs: usOf('2024-01-02T14:30:00Z'),
  },
  {
    name: 'ISO with a compact positive offset',
    input: '2024-01-02T19:00:00+0430',
    expectedUs: usOf('2024-01-02T14:30:00Z'),
  },
  { name: 'RFC 3339 with a space', input: '2024-01-02 14:30:00Z', expectedUs: usOf('2024-01-02T14:30:00Z') },
  {
    name: 'microsecond fractions',
    input: '2024-01-02T14:30:00.123456Z',
    expectedUs: usOf('2024-01-02T14:30:00Z') + 123_456n,
  },
  {
    name: 'nanosecond fractions, truncated',
    input: '2024-01-02T14:30:00.123456789Z',
    expectedUs: usOf('2024-01-02T14:30:00Z') + 123_456n,
  },
  { name: 'a pre-1970 instant', input: '1969-12-31T23:59:59.5Z', expectedUs: -500_000n },
  { name: 'epoch milliseconds', input: 1_704_205_800_000, expectedUs: usOf('2024-01-02T14:30:00Z') },
  { name: 'fractional epoch milliseconds', input: 1.5, expectedUs: 1_500n },
  { name: 'negative epoch milliseconds', input: -1, expectedUs: -1_000n },
  {
    name: 'New York winter time (EST, UTC−5)',
    input: '2024-01-02 09:30:00',
    expectedUs: usOf('2024-01-02T14:30:00Z'),
  },
  {
    name: 'New York summer time (EDT, UTC−4)',
    input: '2024-07-01 09:30:00',
    expectedUs: usOf('2024-07-01T13:30:00Z'),
  },
  {
    name: 'the last EST second before spring-forward',
    input: '2024-03-10 01:59:59',
    expectedUs: usOf('2024-03-10T06:59:59Z'),
  },
  {
    name: 'a skipped spring-forward time, moved forward by the gap',
    input: '2024-03-10 02:30:00',
    expectedUs: usOf('2024-03-10T07:30:00Z'),
  },
  {
    name: 'the first EDT second after spring-forward',
    input: '2024-03-10 03:00:00',
    expectedUs: usOf('2024-03-10T07:00:00Z'),
  },
  {
    name: 'a repeated fall-back time, first occurrence (EDT)',
    input: '2024-11-03 01:30:00',
    expectedUs: usOf('2024-11-03T05:30:00Z'),
  },
  {
    name: 'the first time after fall-back (EST)',
    input: '2024-11-03 02:00:00',
    expectedUs: usOf('2024-11-03T07:00:00Z'),
  },
  {
    name: 'the 1999 rules (first Sunday of April)',
    input: '1999-04-04 09:30:00',
    expectedUs: usOf('1999-04-04T13:30:00Z'),
  },
  {
    name: 'a local time with fractions',
    input: '2024-01-02 09:30:00.25',
    expectedUs: usOf('2024-01-02T14:30:00.250Z'),
  },
  {
    name: 'the earliest default bound in UTC',
    input: '1900-01-01T00:00:00Z',
    expectedUs: -2_208_988_800_000_000n,
  },
];

describe('parseTickTimestamp', () => {
  for (const { name, input, expectedUs } of cases) {
    it(`reads ${name}`, () => {
      assert.deepEqual(parseTickTimestamp(input, OPTIONS), { ok: true, eventTimeUs: expectedUs });
    });
  }

  it('reads exchange-local times in the configured zone, not a fixed one', () => {
    const tokyo = resolveTickParserOptions({ exchangeTimeZone: 'Asia/Tokyo' });
    assert.deepEqual(parseTickTimestamp('2024-07-01 09:00:00', tokyo), {
      ok: true,
      eventTimeUs: usOf('2024-07-01T00:00:00Z'),
    });
  });
});
