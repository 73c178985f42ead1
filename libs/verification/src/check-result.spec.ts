import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bronzePositionKey } from './bronze-position';
import { formatResults, resultOf, skippedResult, verificationExitCode } from './check-result';

const TABLE = 'silver.ticks';

describe('verificationExitCode', () => {
  it('is 0 when every check passed or was skipped', () => {
    const results = [
      resultOf('null_keys', TABLE, 0, 'fine'),
      skippedResult('gold_completeness', 'gold.predictions', 'table does not exist yet'),
    ];
    assert.equal(verificationExitCode(results), 0);
  });

  it('is 1 as soon as one check found a violation', () => {
    const results = [
      resultOf('null_keys', TABLE, 0, 'fine'),
      resultOf('duplicate_event_ids', TABLE, 2, 'dups'),
    ];
    assert.equal(verificationExitCode(results), 1);
  });
});

describe('formatResults', () => {
  it('writes one line per result with its status, violations and samples', () => {
    const text = formatResults([
      resultOf('duplicate_event_ids', TABLE, 1, 'v3', ['abc']),
      skippedResult('time_travel', 'gold.predictions', 'missing'),
    ]);
    assert.equal(
      text,
      'FAIL duplicate_event_ids silver.ticks violations=1 v3 e.g. abc\nSKIP time_travel gold.predictions violations=0 missing',
    );
  });
});

describe('bronzePositionKey', () => {
  it('keys a live row by topic, partition and offset, whatever its file columns', () => {
    const key = bronzePositionKey({
      source: 'live',
      kafkaTopic: 'ticks.raw',
      kafkaPartition: 3,
      kafkaOffset: 42n,
      fileRecord: null,
    });
    assert.equal(key, 'kafka:ticks.raw:3:42');
  });

  it('keys a file row by its source (which names the file) and record index', () => {
    const position = { kafkaTopic: null, kafkaPartition: null, kafkaOffset: null, fileRecord: 7n };
    const a = bronzePositionKey({ ...position, source: 'batch:aaa' });
    const b = bronzePositionKey({ ...position, source: 'batch:bbb' });
    assert.equal(a, 'file:batch:aaa:7');
    assert.notEqual(a, b);
  });
});
