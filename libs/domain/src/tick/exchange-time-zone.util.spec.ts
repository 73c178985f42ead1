import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { civilToEpochSeconds } from './civil-time.util';
import { utcOffsetSeconds, zonedCivilToEpochSeconds } from './exchange-time-zone.util';

const ZONES = [
  'America/New_York',
  'Europe/London',
  'America/Sao_Paulo',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
];
const SECONDS_1900 = -2_208_988_800;
const SECONDS_2200 = 7_258_118_400;
const MILLIS_PER_SECOND = 1000;

/** The offset straight from Intl, with no cache: what the cached lookup must always agree with. */
function referenceOffset(timeZone: string, epochSeconds: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(epochSeconds * MILLIS_PER_SECOND);
  const n = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  const local = civilToEpochSeconds({
    year: n('year'),
    month: n('month'),
    day: n('day'),
    hour: n('hour'),
    minute: n('minute'),
    second: n('second'),
  });
  return local - epochSeconds;
}

describe('utcOffsetSeconds', () => {
  it('agrees with Intl at any instant between 1900 and 2200, transitions included', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: SECONDS_1900, max: SECONDS_2200 }),
        (zone, t) => {
          assert.equal(utcOffsetSeconds(zone, t), referenceOffset(zone, t));
        },
      ),
    );
  });

  it('agrees with Intl on every second around a New York transition', () => {
    const SPRING_FORWARD_2024 = 1_710_054_000; // 2024-03-10T07:00:00Z
    for (let t = SPRING_FORWARD_2024 - 3600; t < SPRING_FORWARD_2024 + 3600; t += 1) {
      assert.equal(utcOffsetSeconds('America/New_York', t), referenceOffset('America/New_York', t));
    }
  });
});

describe('zonedCivilToEpochSeconds', () => {
  const cases = [
    {
      zone: 'America/Sao_Paulo',
      wall: '2018-11-04T00:30:00',
      utc: '2018-11-04T03:30:00Z',
      why: 'a gap at midnight',
    },
    {
      zone: 'Europe/London',
      wall: '2024-10-27T01:30:00',
      utc: '2024-10-27T00:30:00Z',
      why: 'the first of two 01:30s',
    },
    {
      zone: 'Australia/Lord_Howe',
      wall: '2024-10-06T02:15:00',
      utc: '2024-10-05T15:45:00Z',
      why: 'a half-hour gap, 02:15 moved to 02:45',
    },
    {
      zone: 'Asia/Kolkata',
      wall: '2024-01-02T09:15:00',
      utc: '2024-01-02T03:45:00Z',
      why: 'a half-hour offset',
    },
  ];
  for (const { zone, wall, utc, why } of cases) {
    it(`resolves ${why} in ${zone}`, () => {
      const [date = '', time = ''] = wall.split('T');
      const [year, month, day] = date.split('-').map(Number);
      const [hour, minute, second] = time.split(':').map(Number);
      const civil = { year, month, day, hour, minute, second } as Parameters<typeof civilToEpochSeconds>[0];
      assert.equal(zonedCivilToEpochSeconds(civil, zone), Date.parse(utc) / MILLIS_PER_SECOND);
    });
  }
});
