import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MaintainerError } from '../maintainer-error';
import { decideVacuumRetention, intervalHours } from './retention-guard';

const WEEK_HOURS = 168;
const DAY_HOURS = 24;

describe('intervalHours', () => {
  const cases: ReadonlyArray<readonly [string | undefined, number | undefined]> = [
    ['interval 7 days', WEEK_HOURS],
    ['interval 1 week', WEEK_HOURS],
    ['interval 30 minutes', 0.5],
    ['INTERVAL 2 hours', 2],
    ['interval 36 seconds', 0.01],
    ['7 days', undefined],
    [undefined, undefined],
  ];
  for (const [text, hours] of cases) {
    it(`reads ${String(text)} as ${String(hours)} h`, () => assert.equal(intervalHours(text), hours));
  }
});

describe('decideVacuumRetention', () => {
  it('uses the window when no retention is asked for', () => {
    assert.deepEqual(decideVacuumRetention({ windowHours: WEEK_HOURS, force: false }), {
      retentionHours: WEEK_HOURS,
      floorHours: WEEK_HOURS,
      forced: false,
    });
  });

  it('accepts a retention longer than the window', () => {
    const d = decideVacuumRetention({
      requestedHours: 2 * WEEK_HOURS,
      windowHours: WEEK_HOURS,
      force: false,
    });
    assert.equal(d.retentionHours, 2 * WEEK_HOURS);
    assert.equal(d.forced, false);
  });

  it('refuses a retention below the window with a stable code', () => {
    assert.throws(
      () => decideVacuumRetention({ requestedHours: DAY_HOURS, windowHours: WEEK_HOURS, force: false }),
      (e: unknown) => e instanceof MaintainerError && e.code === 'VACUUM_RETENTION_BELOW_WINDOW',
    );
  });

  it("takes the table's own retention as the floor when it is longer than the window", () => {
    assert.throws(
      () =>
        decideVacuumRetention({
          requestedHours: DAY_HOURS,
          windowHours: 1,
          tableRetentionHours: WEEK_HOURS,
          force: false,
        }),
      (e: unknown) => e instanceof MaintainerError && e.code === 'VACUUM_RETENTION_BELOW_WINDOW',
    );
  });

  it('goes below the window only when forced, and says it was forced', () => {
    const d = decideVacuumRetention({ requestedHours: 0, windowHours: WEEK_HOURS, force: true });
    assert.deepEqual(d, { retentionHours: 0, floorHours: WEEK_HOURS, forced: true });
  });

  it('refuses a negative or non-numeric retention even when forced', () => {
    for (const requestedHours of [-1, Number.NaN]) {
      assert.throws(
        () => decideVacuumRetention({ requestedHours, windowHours: WEEK_HOURS, force: true }),
        (e: unknown) => e instanceof MaintainerError && e.code === 'INVALID_RETENTION',
      );
    }
  });
});
