import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_PARTITION_LITERALS, mergePredicate } from './delta-lake.adapter';

const SPEC = {
  keys: ['event_id'],
  partitionColumn: 'event_date',
  whenMatched: 'ignore',
  whenNotMatched: 'insert',
} as const;

function dates(count: number): string[] {
  const first = Date.UTC(1999, 0, 4);
  return Array.from({ length: count }, (_, i) => new Date(first + i * 86_400_000).toISOString().slice(0, 10));
}

describe('mergePredicate', () => {
  it('names each touched partition, quoting the values', () => {
    assert.equal(
      mergePredicate(SPEC, ['2024-01-02', "it's"]),
      'target."event_id" = source."event_id" AND target."event_date" = source."event_date" AND ' +
        `target."event_date" IN ('2024-01-02', 'it''s')`,
    );
  });

  it('names the range of the partitions instead, without the partition equality, when there are too many', () => {
    const many = dates(MAX_PARTITION_LITERALS + 1).reverse();
    const predicate = mergePredicate(SPEC, many);
    assert.equal(
      predicate,
      `target."event_id" = source."event_id" AND target."event_date" BETWEEN '1999-01-04' AND '${many[0]}'`,
    );
  });

  it('keeps the list at exactly the limit', () => {
    assert.ok(mergePredicate(SPEC, dates(MAX_PARTITION_LITERALS)).includes(' IN ('));
  });
});
