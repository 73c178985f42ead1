import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRawTick, type RawTick } from '@lakehouse/domain';
import { toArrow } from '../table-definition';
import { BRONZE_QUARANTINE } from './bronze-quarantine.table';
import { BRONZE_TICKS, type BronzeTickRow } from './bronze-ticks.table';

const INGEST_US = 1_732_000_000_000_000n;
const FILE_ID = 'ab'.repeat(32);

function tickOf(payload: string): RawTick {
  const parsed = parseRawTick(new TextEncoder().encode(payload), { exchangeTimeZone: 'America/New_York' });
  assert.ok(parsed.ok, 'fixture must parse');
  return parsed.tick;
}

describe('bronze.ticks rows', () => {
  const live =
    '{"symbol":"AAPL","price":189.5,"volume":300,"timestamp":"2024-01-02T23:59:59-05:00","trade_id":7}';
  const batch = '{"symbol":"SPX","price":4700.25,"volume":0,"timestamp":"2024-01-02 09:30:00"}';
  const rows: BronzeTickRow[] = [
    {
      tick: tickOf(live),
      rawPayload: live,
      ingestTimeUs: INGEST_US,
      source: { kind: 'live', topic: 'ticks.raw', partition: 3, offset: 42n },
    },
    {
      tick: tickOf(batch),
      rawPayload: batch,
      ingestTimeUs: INGEST_US,
      source: { kind: 'batch', fileId: FILE_ID, record: 9, line: 10 },
    },
  ];

  it('keep the parsed fields, the raw payload and the source position of live and batch ticks', () => {
    const table = toArrow(BRONZE_TICKS, rows);
    const [a, b] = [table.get(0)!.toJSON(), table.get(1)!.toJSON()] as Record<string, unknown>[];
    assert.equal(a!.source, 'live');
    assert.equal(a!.kafka_topic, 'ticks.raw');
    assert.equal(a!.kafka_partition, 3);
    assert.equal(a!.kafka_offset, 42n);
    assert.equal(a!.file_record, null);
    assert.equal(a!.trade_id, '7');
    assert.equal(a!.raw_payload, live);
    assert.equal(b!.source, `batch:${FILE_ID}`);
    assert.equal(b!.file_record, 9n);
    assert.equal(b!.file_line, 10n);
    assert.equal(b!.kafka_offset, null);
    assert.equal(b!.bid, null);
  });

  it('partition by the UTC date of the event, not the exchange-local date', () => {
    const table = toArrow(BRONZE_TICKS, rows);
    // 23:59:59 in New York on Jan 2 is 04:59:59 UTC on Jan 3.
    assert.deepEqual(table.getChild('event_date')!.toArray(), ['2024-01-03', '2024-01-02']);
  });

  it('store quarantined bytes untouched, even when they are not UTF-8', () => {
    const bytes = Uint8Array.of(0xff, 0xfe, 0x7b);
    const table = toArrow(BRONZE_QUARANTINE, [
      {
        rawBytes: bytes,
        reasonCode: 'INVALID_UTF8',
        reasonMessage: 'not UTF-8',
        ingestTimeUs: INGEST_US,
        source: { kind: 'live', topic: 'ticks.raw', partition: 0, offset: 1n },
      },
    ]);
    assert.deepEqual([...(table.get(0)!.toJSON().raw_bytes as Uint8Array)], [...bytes]);
    assert.equal(table.getChild('ingest_date')!.get(0), '2024-11-19');
  });
});
