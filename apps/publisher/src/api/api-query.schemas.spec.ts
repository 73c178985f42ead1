import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadRequestException } from '@nestjs/common';
import { encodeCursor, parseQuery, predictionsQuerySchema, timeTravelOf } from './api-query.schemas';

const EVENT_ID = 'ab'.repeat(32);

function codeOf(query: Record<string, unknown>): string | undefined {
  try {
    parseQuery(predictionsQuerySchema, query);
    return undefined;
  } catch (error) {
    assert.ok(error instanceof BadRequestException);
    return (error.getResponse() as { code: string }).code;
  }
}

describe('parseQuery(predictionsQuerySchema)', () => {
  const refused: readonly [Record<string, unknown>, string][] = [
    [{ limit: '10000' }, 'LIMIT_TOO_LARGE'],
    [{ limit: '1001' }, 'LIMIT_TOO_LARGE'],
    [{ limit: '0' }, 'BAD_QUERY'],
    [{ limit: '1e3' }, 'BAD_QUERY'],
    [{ version: '1', asOf: '2026-01-05T00:00:00Z' }, 'BAD_QUERY'],
    [{ version: '1.5' }, 'BAD_QUERY'],
    [{ asOf: '2026-01-05' }, 'BAD_QUERY'],
    [{ symbol: "SPX' OR 1=1 --" }, 'BAD_QUERY'],
    [{ symbol: ['SPX', 'DJI'] }, 'BAD_QUERY'],
    [{ cursor: 'garbage' }, 'BAD_QUERY'],
    [{ from: 'noon' }, 'BAD_QUERY'],
    [{ extra: '1' }, 'BAD_QUERY'],
  ];
  for (const [query, code] of refused) {
    it(`answers ${code} to ${JSON.stringify(query)}`, () => {
      assert.equal(codeOf(query), code);
    });
  }

  it('accepts a full query and types every value', () => {
    const q = parseQuery(predictionsQuerySchema, {
      symbol: 'BRK.B',
      from: '2026-01-05T14:30:00Z',
      to: '1767627000000000',
      limit: '1000',
      cursor: encodeCursor(17n, EVENT_ID),
      version: '3',
    });
    assert.equal(q.from, 1_767_623_400_000_000n);
    assert.equal(q.to, 1_767_627_000_000_000n);
    assert.equal(q.limit, 1000);
    assert.deepEqual(q.cursor, { eventTimeUs: 17n, eventId: EVENT_ID });
    assert.deepEqual(timeTravelOf(q), { kind: 'version', version: 3 });
  });
});
