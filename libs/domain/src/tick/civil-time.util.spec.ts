import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { civilToEpochSeconds, daysInMonth, isValidCivil } from './civil-time.util';

const MILLIS_PER_SECOND = 1000;
// Date.UTC maps years 0..99 to 1900..1999, so the reference comparison starts at year 100.
const FIRST_YEAR_DATE_UTC_HANDLES = 100;

describe('civilToEpochSeconds', () => {
  it('agrees with Date.UTC on every valid date-time from year 100 to 9999', () => {
    const civil = fc
      .record({
        year: fc.integer({ min: FIRST_YEAR_DATE_UTC_HANDLES, max: 9999 }),
        month: fc.integer({ min: 1, max: 12 }),
        day: fc.integer({ min: 1, max: 31 }),
        hour: fc.integer({ min: 0, max: 23 }),
        minute: fc.integer({ min: 0, max: 59 }),
        second: fc.integer({ min: 0, max: 59 }),
      })
      .filter(isValidCivil);
    fc.assert(
      fc.property(civil, (c) => {
        const expected = Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second) / MILLIS_PER_SECOND;
        assert.equal(civilToEpochSeconds(c), expected);
      }),
    );
  });

  it('counts year 0 (1 BC) as a leap year of the proleptic Gregorian calendar', () => {
    const YEAR_0_MARCH_1 = -62_162_035_200;
    assert.equal(
      civilToEpochSeconds({ year: 0, month: 3, day: 1, hour: 0, minute: 0, second: 0 }),
      YEAR_0_MARCH_1,
    );
    assert.equal(daysInMonth(0, 2), 29);
  });

  const februaries = [
    { year: 1900, days: 28 },
    { year: 2000, days: 29 },
    { year: 2023, days: 28 },
    { year: 2024, days: 29 },
  ];
  for (const { year, days } of februaries) {
    it(`gives February ${year} ${days} days`, () => {
      assert.equal(daysInMonth(year, 2), days);
    });
  }
});
