import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dueTasks, nextRuns, type UpkeepIntervals, type UpkeepOperation } from './upkeep-schedule';

const MINUTE = 60_000;
const NOW = 1_000 * MINUTE;
const INTERVALS: UpkeepIntervals = {
  optimize: 15 * MINUTE,
  optimize_open: 0,
  zorder: 0,
  vacuum: 60 * MINUTE,
  vacuum_full: 0,
  checkpoint: 10 * MINUTE,
  log_cleanup: 0,
};
const TABLES = [{ name: 'bronze.ticks' }, { name: 'silver.ticks', zorderBy: ['symbol'] }];

function lastRuns(entries: Record<string, number>) {
  return (table: string, operation: UpkeepOperation): number | undefined => entries[`${table}/${operation}`];
}

describe('dueTasks', () => {
  it('makes every enabled operation due at once when nothing has run, in table then operation order', () => {
    const due = dueTasks(TABLES, INTERVALS, lastRuns({}), NOW);
    assert.deepEqual(
      due.map((t) => `${t.table}/${t.operation}`),
      [
        'bronze.ticks/optimize',
        'bronze.ticks/vacuum',
        'bronze.ticks/checkpoint',
        'silver.ticks/optimize',
        'silver.ticks/vacuum',
        'silver.ticks/checkpoint',
      ],
    );
  });

  it('waits a full interval after the last run', () => {
    const recent = {
      'bronze.ticks/optimize': NOW - 14 * MINUTE,
      'bronze.ticks/vacuum': NOW - 60 * MINUTE,
      'bronze.ticks/checkpoint': NOW - 1 * MINUTE,
    };
    const due = dueTasks([TABLES[0]!], INTERVALS, lastRuns(recent), NOW);
    assert.deepEqual(
      due.map((t) => t.operation),
      ['vacuum'],
    );
  });

  it('runs the oldest backlog first', () => {
    const due = dueTasks(
      TABLES,
      { ...INTERVALS, vacuum: 0, checkpoint: 0 },
      lastRuns({ 'bronze.ticks/optimize': NOW - 20 * MINUTE, 'silver.ticks/optimize': NOW - 90 * MINUTE }),
      NOW,
    );
    assert.deepEqual(
      due.map((t) => t.table),
      ['silver.ticks', 'bronze.ticks'],
    );
  });

  it('z-orders only tables with z-order columns, and never a switched-off operation', () => {
    const due = dueTasks(TABLES, { ...INTERVALS, zorder: MINUTE }, lastRuns({}), NOW);
    assert.deepEqual(
      due.filter((t) => t.operation === 'zorder').map((t) => t.table),
      ['silver.ticks'],
    );
    assert.equal(
      due.some((t) => t.operation === 'log_cleanup' || t.operation === 'vacuum_full'),
      false,
    );
  });

  it('compacts the open partition often only on append-only tables with a date partition', () => {
    const tables = [
      { name: 'bronze.ticks', appendOnly: true, datePartition: 'event_date' },
      { name: 'ops.maintenance_runs', appendOnly: true },
      { name: 'silver.ticks', datePartition: 'event_date' },
    ];
    const recent = { 'bronze.ticks/optimize_open': NOW - 20_000 };
    const intervals = { ...INTERVALS, optimize_open: 30_000 };
    const due = (at: number) =>
      dueTasks(tables, intervals, lastRuns(recent), at)
        .filter((t) => t.operation === 'optimize_open')
        .map((t) => t.table);
    assert.deepEqual(due(NOW), [], 'not yet: 20 s of 30');
    assert.deepEqual(due(NOW + 10_000), ['bronze.ticks']);
  });
});

describe('nextRuns', () => {
  it('lists work not yet due with the time it becomes due', () => {
    const next = nextRuns(
      [TABLES[0]!],
      INTERVALS,
      lastRuns({ 'bronze.ticks/checkpoint': NOW - MINUTE }),
      NOW,
    );
    const checkpoint = next.find((t) => t.operation === 'checkpoint');
    assert.equal(checkpoint?.dueAtMs, NOW + 9 * MINUTE);
    assert.equal(next.at(-1)?.operation, 'checkpoint');
  });
});
