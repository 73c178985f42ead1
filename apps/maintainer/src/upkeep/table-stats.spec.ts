import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planCompaction, tableStatsOf } from './table-stats';

const SMALL = 10;
const BIG = 100;
const TODAY = '2026-01-03';
const POLICY = { openPartition: TODAY, minSmallFiles: 3, openPartitionSmallFiles: 5 };

function files(partition: string, sizes: readonly number[]) {
  return sizes.map((sizeBytes) => ({ sizeBytes, partition }));
}

describe('tableStatsOf', () => {
  it('counts files, bytes and small files overall and per partition, oldest partition first', () => {
    const stats = tableStatsOf([...files(TODAY, [1, 2]), ...files('2026-01-02', [BIG, 3])], SMALL);
    assert.equal(stats.files, 4);
    assert.equal(stats.bytes, 1 + 2 + BIG + 3);
    assert.equal(stats.smallFiles, 3);
    assert.equal(stats.smallFileRatio, 0.75);
    assert.deepEqual(
      stats.partitions.map((p) => [p.partition, p.files, p.smallFiles]),
      [
        ['2026-01-02', 2, 1],
        [TODAY, 2, 2],
      ],
    );
  });

  it('gives an empty table a ratio of 0', () => {
    assert.equal(tableStatsOf([], SMALL).smallFileRatio, 0);
  });
});

describe('planCompaction', () => {
  it('runs for small files in closed partitions, listing those before the open one', () => {
    const stats = tableStatsOf([...files(TODAY, [1, 1]), ...files('2026-01-01', [1, 1, 1])], SMALL);
    const plan = planCompaction(stats, POLICY);
    assert.equal(plan.run, true);
    assert.deepEqual(plan.partitions, ['2026-01-01', TODAY]);
    assert.equal(plan.excludePartition, TODAY, "the OPTIMIZE is filtered away from today's partition");
  });

  it("leaves today's partition to its writers until it has many small files", () => {
    const few = planCompaction(tableStatsOf(files(TODAY, [1, 1, 1, 1]), SMALL), POLICY);
    assert.equal(few.run, false);
    const many = planCompaction(tableStatsOf(files(TODAY, [1, 1, 1, 1, 1]), SMALL), POLICY);
    assert.equal(many.run, true);
    assert.equal(many.excludePartition, undefined);
  });

  it('does nothing for a partition with a single small file: there is nothing to merge it with', () => {
    const stats = tableStatsOf(
      ['2025-12-30', '2025-12-31', '2026-01-01'].flatMap((d) => files(d, [1, BIG])),
      SMALL,
    );
    assert.equal(planCompaction(stats, POLICY).run, false);
  });
});
