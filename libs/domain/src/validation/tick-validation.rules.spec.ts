import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TickValidationCode, TickValidationRules, validateTick } from './tick-validation.rules';

const MIN_US = 1_000n;
const MAX_US = 2_000n;
const RULES: TickValidationRules = { minEventTimeUs: MIN_US, maxEventTimeUs: MAX_US };
const GOOD = { symbol: 'AAPL', price: 189.5, volume: 300, eventTimeUs: 1_500n };

const cases: ReadonlyArray<{ name: string; patch: Partial<typeof GOOD>; codes: TickValidationCode[] }> = [
  { name: 'a well-formed tick', patch: {}, codes: [] },
  { name: 'a share-class symbol', patch: { symbol: 'BRK.B' }, codes: [] },
  { name: 'a zero volume', patch: { volume: 0 }, codes: [] },
  { name: 'the lower event-time bound itself', patch: { eventTimeUs: MIN_US }, codes: [] },
  { name: 'a zero price', patch: { price: 0 }, codes: ['PRICE_NOT_POSITIVE'] },
  { name: 'a negative price', patch: { price: -1 }, codes: ['PRICE_NOT_POSITIVE'] },
  { name: 'a NaN price', patch: { price: Number.NaN }, codes: ['PRICE_NOT_FINITE'] },
  { name: 'an infinite price', patch: { price: Number.POSITIVE_INFINITY }, codes: ['PRICE_NOT_FINITE'] },
  { name: 'a fractional volume', patch: { volume: 0.5 }, codes: ['VOLUME_NOT_INTEGER'] },
  { name: 'a negative volume', patch: { volume: -3 }, codes: ['VOLUME_NEGATIVE'] },
  {
    name: 'a negative fractional volume',
    patch: { volume: -0.5 },
    codes: ['VOLUME_NOT_INTEGER', 'VOLUME_NEGATIVE'],
  },
  { name: 'an infinite volume', patch: { volume: Number.POSITIVE_INFINITY }, codes: ['VOLUME_NOT_FINITE'] },
  {
    name: 'an event before the lower bound',
    patch: { eventTimeUs: MIN_US - 1n },
    codes: ['EVENT_TIME_TOO_EARLY'],
  },
  { name: 'an event at the upper bound', patch: { eventTimeUs: MAX_US }, codes: ['EVENT_TIME_TOO_LATE'] },
  { name: 'a lower-case symbol', patch: { symbol: 'aapl' }, codes: ['SYMBOL_FORMAT'] },
  { name: 'an empty symbol', patch: { symbol: '' }, codes: ['SYMBOL_FORMAT'] },
  { name: 'a 17-character symbol', patch: { symbol: 'A'.repeat(17) }, codes: ['SYMBOL_FORMAT'] },
  { name: 'a symbol with a trailing newline', patch: { symbol: 'AAPL\n' }, codes: ['SYMBOL_FORMAT'] },
  {
    name: 'a tick wrong in every way',
    patch: { symbol: '1X', price: -2, volume: 1.5, eventTimeUs: MAX_US + 1n },
    codes: ['SYMBOL_FORMAT', 'PRICE_NOT_POSITIVE', 'VOLUME_NOT_INTEGER', 'EVENT_TIME_TOO_LATE'],
  },
];

describe('validateTick', () => {
  for (const { name, patch, codes } of cases) {
    it(`${codes.length === 0 ? 'accepts' : `reports ${codes.join(', ')} for`} ${name}`, () => {
      const result = validateTick({ ...GOOD, ...patch }, RULES);
      assert.deepEqual(result.ok ? [] : result.failures.map((f) => f.code), codes);
    });
  }

  it('uses a configured symbol pattern instead of the default', () => {
    const lowerCase = { ...RULES, symbolPattern: /^[a-z]+$/ };
    assert.equal(validateTick({ ...GOOD, symbol: 'aapl' }, lowerCase).ok, true);
    assert.equal(validateTick(GOOD, lowerCase).ok, false);
  });

  it('gives the same answer every time for a global pattern', () => {
    const globalPattern = { ...RULES, symbolPattern: /^[A-Z]+$/g };
    const REPEATS = 3;
    for (let i = 0; i < REPEATS; i += 1) assert.equal(validateTick(GOOD, globalPattern).ok, true);
  });
});
