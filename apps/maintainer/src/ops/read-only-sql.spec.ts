import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MaintainerError } from '../maintainer-error';
import { assertReadOnlySelect } from './read-only-sql';

const refused = (e: unknown): boolean => e instanceof MaintainerError && e.code === 'QUERY_NOT_READ_ONLY';

describe('assertReadOnlySelect', () => {
  const accepted: ReadonlyArray<readonly [string, string]> = [
    ['SELECT count(*) FROM t', 'SELECT count(*) FROM t'],
    ['  select symbol from t where price > 0;  ', 'select symbol from t where price > 0'],
    ['WITH x AS (SELECT 1 AS a) SELECT a FROM x', 'WITH x AS (SELECT 1 AS a) SELECT a FROM x'],
    [
      "SELECT * FROM t WHERE reason = 'DROP TABLE; delete'",
      "SELECT * FROM t WHERE reason = 'DROP TABLE; delete'",
    ],
    ['SELECT "update" FROM t -- insert later', 'SELECT "update" FROM t -- insert later'],
    ["SELECT 'it''s' AS s", "SELECT 'it''s' AS s"],
  ];
  for (const [query, expected] of accepted) {
    it(`accepts ${query.trim()}`, () => assert.equal(assertReadOnlySelect(query), expected));
  }

  const rejected = [
    'DELETE FROM t',
    'INSERT INTO t VALUES (1)',
    'SELECT 1; DROP TABLE t',
    'SELECT 1; SELECT 2',
    "COPY (SELECT 1) TO '/tmp/x'",
    'CREATE EXTERNAL TABLE x STORED AS PARQUET LOCATION "/tmp"',
    'SET datafusion.execution.batch_size = 1',
    'SELECT * INTO t2 FROM t',
    'WITH x AS (SELECT 1) DELETE FROM t',
    'EXPLAIN ANALYZE SELECT 1',
    '',
    "SELECT 'unterminated",
    'SELECT 1 /* open comment',
  ];
  for (const query of rejected) {
    it(`refuses ${JSON.stringify(query)}`, () => assert.throws(() => assertReadOnlySelect(query), refused));
  }
});
