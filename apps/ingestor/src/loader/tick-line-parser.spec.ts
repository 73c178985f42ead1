import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type TickParserOptions } from '@lakehouse/domain';
import { BRONZE_TICKS, type BronzeTickRow, toArrow } from '@lakehouse/lake';
import { tableToIPC } from 'apache-arrow';
import fc from 'fast-check';
import { toBronzeOutcome } from '../bronze/bronze-rows';
import { BRONZE_TICKS_FROM_FILES, TickFileBatch } from './tick-file-batch';
import { TickLineParser } from './tick-line-parser';

const OPTIONS: TickParserOptions = { exchangeTimeZone: 'America/New_York' };
const FILE_ID = 'cd'.repeat(32);
const INGEST_US = 1_732_000_000_000_000n;
/** A timestamp's minute is learnt the second time it is seen: every line is parsed this often. */
const SIGHTINGS = 3;

const text = (s: string): Buffer => Buffer.from(s);

/** What the fast parser made of `line`, in the reference's terms, or undefined when it declined. */
function fastTick(parser: TickLineParser, line: Buffer): Record<string, unknown> | undefined {
  let ok = false;
  for (let i = 0; i < SIGHTINGS; i++) ok = parser.parse(line, 0, line.length);
  if (!ok) return undefined;
  const str = (from: number, to: number): string | undefined =>
    from < 0 ? undefined : line.subarray(from, to).toString('latin1');
  const tick: Record<string, unknown> = {
    schemaVersion: 1,
    symbol: str(parser.symbolStart, parser.symbolEnd),
    price: parser.price,
    volume: parser.volume,
    eventTimeUs: BigInt(parser.eventTimeUs),
  };
  const tradeId = str(parser.tradeIdStart, parser.tradeIdEnd);
  const exchange = str(parser.exchangeStart, parser.exchangeEnd);
  if (tradeId !== undefined) tick.tradeId = tradeId;
  if (!Number.isNaN(parser.bid)) tick.bid = parser.bid;
  if (!Number.isNaN(parser.ask)) tick.ask = parser.ask;
  if (exchange !== undefined) tick.exchange = exchange;
  return tick;
}

/** The fast parser agrees with the reference: when it accepts a line, the reference makes the same tick. */
function assertAgrees(parser: TickLineParser, line: string): boolean {
  const bytes = text(line);
  const fast = fastTick(parser, bytes);
  if (fast === undefined) return false;
  const reference = toBronzeOutcome(
    bytes,
    { kind: 'live', topic: 't', partition: 0, offset: 0n },
    0n,
    OPTIONS,
  );
  assert.equal(reference.kind, 'row', `fast path accepted what the reference rejects: ${line}`);
  if (reference.kind === 'row') {
    assert.deepEqual(fast, { ...reference.row.tick }, line);
    // Same bits: -0 and 0 differ in Parquet.
    assert.ok(Object.is(fast.price, reference.row.tick.price), line);
    assert.equal(reference.row.rawPayload, line);
  }
  return true;
}

const GOOD = '{"symbol":"AAPL","price":189.5,"volume":300,"timestamp":"2024-01-02T14:30:00.123Z"}';

describe('TickLineParser', () => {
  it('reads the common shapes exactly as the reference parser does', () => {
    const parser = new TickLineParser(OPTIONS);
    const accepted = [
      GOOD,
      '{"symbol":"SPX","price":4700.25,"volume":0,"timestamp":"2024-01-02 09:30:00"}',
      '{ "symbol" : "MSFT", "price": -0.0001, "volume": 12, "timestamp": "2024-03-10T02:30:00+05:30",\t"bid": null }',
      '{"symbol":"X","price":0,"volume":1,"timestamp":"1999-12-31T23:59:59.999999999-0500","trade_id":42}',
      '{"trade_id":"T-1","exchange":"XNAS","bid":1.25,"ask":1.5,"symbol":"B","price":1,"volume":2,"timestamp":"2024-01-02 10:00:00.5"}',
      '{"symbol":"","price":-0,"volume":999999999999999,"timestamp":"2199-12-31T23:59:59Z"}',
    ];
    for (const line of accepted) assert.ok(assertAgrees(parser, line), `declined ${line}`);
  });

  it('leaves everything unusual to the reference parser', () => {
    const parser = new TickLineParser(OPTIONS);
    const declined = [
      '{"symbol":"AAPL","price":1e2,"volume":1,"timestamp":"2024-01-02T14:30:00Z"}', // exponent
      '{"symbol":"AAPL","price":1.0000000000000001,"volume":1,"timestamp":"2024-01-02T14:30:00Z"}', // 17 digits
      '{"symbol":"A\\u0041","price":1,"volume":1,"timestamp":"2024-01-02T14:30:00Z"}', // escape
      '{"symbol":"Ä","price":1,"volume":1,"timestamp":"2024-01-02T14:30:00Z"}', // non-ASCII
      '{"symbol":"AAPL","price":1,"volume":1,"timestamp":1704205800000}', // epoch milliseconds
      '{"symbol":"AAPL","price":1,"volume":1,"timestamp":"2024-01-02T14:30:00Z","venue":"x"}', // unknown key
      '{"symbol":"AAPL","symbol":"B","price":1,"volume":1,"timestamp":"2024-01-02T14:30:00Z"}', // repeated key
      '{"symbol":"AAPL","price":1,"volume":1,"timestamp":"2024-01-02T14:30:60Z"}', // second 60
      '{"symbol":"AAPL","price":1,"volume":1,"timestamp":"2024-02-30T14:30:00Z"}', // no such day
      '{"symbol":"AAPL","price":1,"volume":1,"timestamp":"9999-01-02T14:30:00Z"}', // out of range
      '{"symbol":"AAPL","price":1,"volume":1,"timestamp":"2024-01-02 14:30:00,5"}', // comma, exchange-local
      '{"symbol":"AAPL","price":1,"volume":1,"timestamp":"2024-01-02T14:30:00Z","trade_id":-0}',
      '{"symbol":"AAPL","price":1,"volume":1,"timestamp":"2024-01-02T14:30:00Z","trade_id":7.0}',
      '{"symbol":"AAPL","price":01,"volume":1,"timestamp":"2024-01-02T14:30:00Z"}',
      '{"symbol":null,"price":1,"volume":1,"timestamp":"2024-01-02T14:30:00Z"}',
      '{"symbol":"AAPL","price":1,"volume":1,"timestamp":"2024-01-02T14:30:00Z"} x',
      '{"symbol":"AAPL","price":1,"volume":1}',
      '[1]',
    ];
    for (const line of declined) assert.equal(assertAgrees(parser, line), false, line);
  });

  it('reads only its record, even where the next record’s bytes follow without a separator', () => {
    const parser = new TickLineParser(OPTIONS);
    const whole = text(GOOD);
    let ok = false;
    for (let i = 0; i < SIGHTINGS; i++) ok = parser.parse(whole, 0, whole.length);
    assert.ok(ok, 'the whole record is taken');
    // A truncated element of a JSON array, followed by one that would complete it.
    for (const cut of [1, 2, 12, whole.length - 1]) {
      assert.equal(parser.parse(whole, 0, cut), false, `record cut at ${cut}`);
    }
    const packed = text(`${GOOD.slice(0, -1)}}, ,`);
    assert.equal(parser.parse(packed, 0, GOOD.length - 1), false);
  });

  it('never accepts a record the reference parser would judge differently (generated records)', () => {
    const digits = (min: number, max: number) =>
      fc.array(fc.constantFrom(...'0123456789'), { minLength: min, maxLength: max }).map((d) => d.join(''));
    const number = fc.oneof(
      fc
        .tuple(fc.constantFrom('', '-'), fc.constantFrom('0', '7', '42', '100000'), fc.option(digits(1, 12)))
        .map(([sign, int, frac]) => `${sign}${int}${frac === null ? '' : `.${frac}`}`),
      fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
      fc.constantFrom('1e999', '-0', '00', '1.', '.5', '1E3', 'null', '"1"', 'true'),
    );
    const pad = (n: number, width: number) => String(n).padStart(width, '0');
    const timestamp = fc.oneof(
      fc
        .tuple(
          fc.integer({ min: 1890, max: 2210 }),
          fc.integer({ min: 1, max: 13 }),
          fc.integer({ min: 1, max: 31 }),
          fc.integer({ min: 0, max: 24 }),
          fc.integer({ min: 0, max: 60 }),
          fc.integer({ min: 0, max: 61 }),
          fc.constantFrom('T', 't', ' '),
          fc.option(fc.tuple(fc.constantFrom('.', ','), digits(0, 10))),
          fc.constantFrom('Z', 'z', '', '+05:30', '-0800', '+24:00', '-04:61', 'Q'),
        )
        .map(
          ([y, mo, d, h, mi, s, sep, frac, zone]) =>
            `"${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}${sep}${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}` +
            `${frac === null ? '' : frac[0] + frac[1]}${zone}"`,
        ),
      fc.integer({ min: -3e12, max: 8e12 }).map(String),
      fc.constantFrom('"2024-03-10 02:30:00"', '"2024-11-03 01:30:00"', '"2024-03-10T02:30:00Z"', 'null'),
    );
    const string = fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9 .-]{0,8}$/).map((s) => JSON.stringify(s)),
      fc.string({ maxLength: 4 }).map((s) => JSON.stringify(s)),
      fc.constantFrom('"\\ud800"', '"a\\"b"', '"é"', 'null', '5'),
    );
    const fields = fc.record(
      {
        symbol: string,
        price: number,
        volume: number,
        timestamp,
        trade_id: fc.oneof(string, number),
        bid: number,
        ask: number,
        exchange: string,
        other: fc.constant('{"x":[1]}'),
      },
      { requiredKeys: [] },
    );
    const line = fc.tuple(fields, fc.constantFrom('', ' ', '\t'), fc.boolean()).map(([f, space, twice]) => {
      const entries = Object.entries(f).map(([k, v]) => `"${k}":${space}${v}`);
      if (twice && entries.length > 0) entries.push(entries[0]!);
      return `{${entries.join(`,${space}`)}}`;
    });
    const parser = new TickLineParser(OPTIONS);
    let accepted = 0;
    fc.assert(
      fc.property(line, (l) => {
        if (assertAgrees(parser, l)) accepted += 1;
      }),
      { numRuns: 3000, seed: 20261126 },
    );
    assert.ok(accepted > 0, 'the generator produced no line the fast path takes');
  });
});

describe('TickFileBatch', () => {
  it('writes the same bronze.ticks Arrow as the reference rows, fast-parsed and reference rows alike', () => {
    const lines = [
      GOOD,
      '{"symbol":"Ä","price":1e2,"volume":5,"timestamp":"2024-01-02 09:30:00","exchange":"XNYS"}',
      GOOD.replace('189.5', '190').replace('.123Z', '.9Z'),
      '{"symbol":"SPX","price":4700.25,"volume":0,"timestamp":"1969-12-31T23:59:59.9995Z","bid":1,"trade_id":7}',
      GOOD,
    ];
    const parser = new TickLineParser(OPTIONS);
    const batch = new TickFileBatch(FILE_ID);
    const reference: BronzeTickRow[] = [];
    let fastRows = 0;
    lines.forEach((line, index) => {
      const bytes = text(line);
      const source = { kind: 'batch', fileId: FILE_ID, record: index, line: index + 1 } as const;
      const outcome = toBronzeOutcome(bytes, source, INGEST_US, OPTIONS);
      assert.equal(outcome.kind, 'row');
      if (outcome.kind !== 'row') return;
      reference.push(outcome.row);
      if (parser.parse(bytes, 0, bytes.length)) {
        batch.addParsed(parser, bytes, 0, bytes.length, index, index + 1, INGEST_US);
        fastRows += 1;
      } else batch.addRow(outcome.row, index, index + 1, bytes.length);
    });
    assert.ok(fastRows >= 2 && fastRows < lines.length, `${fastRows} fast rows: both paths must be covered`);
    const want = toArrow(BRONZE_TICKS, reference);
    const got = toArrow(BRONZE_TICKS_FROM_FILES, batch.rows);
    const rowsOf = (t: typeof want): string[] =>
      t.toArray().map((r) => JSON.stringify(r, (_, v: unknown) => (typeof v === 'bigint' ? `${v}` : v)));
    assert.deepEqual(rowsOf(got), rowsOf(want));
    assert.deepEqual(
      got.schema.fields.map((f) => String(f)),
      want.schema.fields.map((f) => String(f)),
    );
    // The rows read back through the Lake port's row interface are the reference rows too.
    assert.deepEqual(
      batch.rows.map((r) => ({
        tick: r.tick,
        rawPayload: r.rawPayload,
        ingestTimeUs: r.ingestTimeUs,
        source: r.source,
      })),
      reference.map((r) => ({ ...r })),
    );
    assert.ok(tableToIPC(got).byteLength > 0);
  });

  it('refuses a batch whose rows reach the writer out of order', () => {
    const parser = new TickLineParser(OPTIONS);
    const batch = new TickFileBatch(FILE_ID);
    for (let i = 0; i < 3; i++) {
      const bytes = text(GOOD);
      for (let s = 0; s < SIGHTINGS; s++) parser.parse(bytes, 0, bytes.length);
      batch.addParsed(parser, bytes, 0, bytes.length, i, i + 1, INGEST_US);
    }
    assert.throws(
      () => toArrow(BRONZE_TICKS_FROM_FILES, [batch.rows[0]!, batch.rows[2]!, batch.rows[1]!]),
      /whole and in order/,
    );
  });
});
