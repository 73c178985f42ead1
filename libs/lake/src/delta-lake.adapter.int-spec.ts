import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DeltaLake } from './delta-lake.adapter';
import { InMemoryLake } from './in-memory-lake';
import { type Lake, type MergeSpec } from './lake.port';
import { type TableDefinition } from './table-definition';

interface Row {
  id: string;
  day: string;
  price: number;
}

const TABLE: TableDefinition<Row> = {
  name: 'test.prices',
  path: 'test/prices',
  columns: [
    { name: 'id', kind: 'utf8', nullable: false },
    { name: 'day', kind: 'utf8', nullable: false },
    { name: 'price', kind: 'f64', nullable: false },
  ],
  partitionColumns: ['day'],
  properties: { 'delta.enableChangeDataFeed': 'true' },
  toColumns: (r) => [r.id, r.day, r.price],
};
const DEDUP: MergeSpec = {
  keys: ['id'],
  partitionColumn: 'day',
  whenMatched: 'ignore',
  whenNotMatched: 'insert',
};
const UPSERT: MergeSpec = { ...DEDUP, whenMatched: { update: ['price'] } };
const ROWS: Row[] = [
  { id: 'a', day: '2024-01-02', price: 1 },
  { id: 'b', day: '2024-01-03', price: 2 },
];

/** The same behaviour from the Delta adapter and the in-memory fake: the fake is only useful if it agrees. */
for (const [name, makeLake] of [
  ['DeltaLake', (root: string): Lake => new DeltaLake(root)],
  ['InMemoryLake', (): Lake => new InMemoryLake()],
] as const) {
  describe(`${name} MERGE and change feed`, () => {
    let root: string;
    let lake: Lake;
    before(async () => {
      root = await mkdtemp(join(tmpdir(), 'lake-merge-'));
      lake = makeLake(root);
      await lake.ensureTable(TABLE);
    });
    after(async () => {
      await rm(root, { recursive: true, force: true });
    });

    it('inserts new keys once: the same source merged twice adds nothing the second time', async () => {
      const first = await lake.merge(TABLE, ROWS, DEDUP, [{ appId: 'refiner', version: 1n }]);
      const second = await lake.merge(TABLE, ROWS, DEDUP, [{ appId: 'refiner', version: 1n }]);
      assert.deepEqual([first.inserted, second.inserted, second.updated], [2, 0, 0]);
      const snapshot = await lake.transactionVersions(TABLE, ['refiner']);
      assert.equal(snapshot.versions.get('refiner'), 1n);
    });

    it('updates only the named columns of a matched key', async () => {
      const outcome = await lake.merge(TABLE, [{ id: 'a', day: '2024-01-02', price: 9 }], UPSERT, []);
      assert.deepEqual([outcome.inserted, outcome.updated], [0, 1]);
    });

    it('reads back the rows each version added through the change feed', async () => {
      const added = await lake.changes(TABLE, 0n, 1n);
      assert.deepEqual([...(added.getChild('id')!.toArray() as string[])].sort(), ['a', 'b']);
    });
  });
}
