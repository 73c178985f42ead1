import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRawTick, parseTickLine } from './raw-tick.parser';
import { TickParserOptions } from './tick-parser.options';
import { TickRejectCode } from './tick-reject.codes';

const NEW_YORK = 'America/New_York';
const OPTIONS: TickParserOptions = { exchangeTimeZone: NEW_YORK };
const encoder = new TextEncoder();
const bytesOf = (text: string): Uint8Array => encoder.encode(text);
const usOf = (iso: string): bigint => BigInt(Date.parse(iso)) * 1000n;

const VALID = { symbol: 'AAPL', price: 189.5, volume: 300, timestamp: '2024-01-02T14:30:00Z' };
const withField = (patch: Record<string, unknown>): string => JSON.stringify({ ...VALID, ...patch });
const withoutField = (name: keyof typeof VALID): string => {
  const copy: Record<string, unknown> = { ...VALID };
  delete copy[name];
  return JSON.stringify(copy);
};

describe('parseRawTick', () => {
  it('accepts a minimal v1 tick and keeps the raw payload', () => {
    const payload = JSON.stringify(VALID);
    const result = parseRawTick(bytesOf(payload), OPTIONS);
    assert.deepEqual(result, {
      ok: true,
      raw: payload,
      tick: {
        schemaVersion: 1,
        symbol: 'AAPL',
        price: 189.5,
        volume: 300,
        eventTimeUs: usOf(VALID.timestamp),
      },
    });
  });

  it('keeps the optional fields and turns an integer trade id into its decimal string', () => {
    const result = parseRawTick(
      bytesOf(withField({ trade_id: 42, bid: 189.4, ask: 189.6, exchange: 'XNAS' })),
    );
    assert.ok(result.ok);
    assert.equal(result.tick.tradeId, '42');
    assert.equal(result.tick.bid, 189.4);
    assert.equal(result.tick.ask, 189.6);
    assert.equal(result.tick.exchange, 'XNAS');
  });

  it('treats null optional fields as absent', () => {
    const result = parseRawTick(bytesOf(withField({ trade_id: null, bid: null })));
    assert.ok(result.ok);
    assert.equal('tradeId' in result.tick, false);
    assert.equal('bid' in result.tick, false);
  });

  it('leaves semantic checks to Silver: a negative price and a fractional volume are valid Bronze ticks', () => {
    const result = parseRawTick(bytesOf(withField({ price: -1, volume: 0.5 })));
    assert.equal(result.ok, true);
  });

  const INVALID_UTF8 = new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]);
  const TINY_LIMIT = 10;
  const rejections: ReadonlyArray<{
    name: string;
    payload: Uint8Array;
    options?: TickParserOptions;
    code: TickRejectCode;
    field?: string;
  }> = [
    {
      name: 'a payload over the size limit',
      payload: bytesOf(JSON.stringify(VALID)),
      options: { maxBytes: TINY_LIMIT },
      code: 'PAYLOAD_TOO_LARGE',
    },
    { name: 'zero bytes', payload: new Uint8Array(), code: 'PAYLOAD_EMPTY' },
    { name: 'only whitespace', payload: bytesOf('  \n'), code: 'PAYLOAD_EMPTY' },
    { name: 'bytes that are not UTF-8', payload: INVALID_UTF8, code: 'INVALID_UTF8' },
    { name: 'text that is not JSON', payload: bytesOf('{symbol: AAPL}'), code: 'INVALID_JSON' },
    { name: 'NaN, which JSON does not have', payload: bytesOf('{"price": NaN}'), code: 'INVALID_JSON' },
    { name: 'a JSON array', payload: bytesOf('[1,2]'), code: 'NOT_AN_OBJECT' },
    { name: 'a JSON string', payload: bytesOf('"AAPL"'), code: 'NOT_AN_OBJECT' },
    { name: 'JSON null', payload: bytesOf('null'), code: 'NOT_AN_OBJECT' },
    {
      name: 'a missing symbol',
      payload: bytesOf(withoutField('symbol')),
      code: 'MISSING_FIELD',
      field: 'symbol',
    },
    {
      name: 'a null price',
      payload: bytesOf(withField({ price: null })),
      code: 'MISSING_FIELD',
      field: 'price',
    },
    {
      name: 'a missing timestamp',
      payload: bytesOf(withoutField('timestamp')),
      code: 'MISSING_FIELD',
      field: 'timestamp',
    },
    {
      name: 'a numeric symbol',
      payload: bytesOf(withField({ symbol: 7 })),
      code: 'WRONG_TYPE',
      field: 'symbol',
    },
    {
      name: 'a price given as a string',
      payload: bytesOf(withField({ price: '189.5' })),
      code: 'WRONG_TYPE',
      field: 'price',
    },
    {
      name: 'a boolean timestamp',
      payload: bytesOf(withField({ timestamp: true })),
      code: 'WRONG_TYPE',
      field: 'timestamp',
    },
    {
      name: 'a fractional trade id',
      payload: bytesOf(withField({ trade_id: 1.5 })),
      code: 'WRONG_TYPE',
      field: 'trade_id',
    },
    {
      name: 'an exchange that is not a string',
      payload: bytesOf(withField({ exchange: {} })),
      code: 'WRONG_TYPE',
      field: 'exchange',
    },
    {
      name: 'a price of 1e999 (Infinity)',
      payload: bytesOf('{"symbol":"A","price":1e999,"volume":1,"timestamp":0}'),
      code: 'NON_FINITE_NUMBER',
      field: 'price',
    },
    {
      name: 'a volume of -1e999',
      payload: bytesOf('{"symbol":"A","price":1,"volume":-1e999,"timestamp":0}'),
      code: 'NON_FINITE_NUMBER',
      field: 'volume',
    },
    {
      name: 'an infinite epoch timestamp',
      payload: bytesOf('{"symbol":"A","price":1,"volume":1,"timestamp":1e999}'),
      code: 'NON_FINITE_NUMBER',
      field: 'timestamp',
    },
    {
      name: 'an infinite ask',
      payload: bytesOf(withField({ ask: 0 }).replace('"ask":0', '"ask":1e400')),
      code: 'NON_FINITE_NUMBER',
      field: 'ask',
    },
    {
      name: 'a symbol with an unpaired surrogate',
      payload: bytesOf('{"symbol":"A\\ud800","price":1,"volume":1,"timestamp":0}'),
      code: 'INVALID_UNICODE',
      field: 'symbol',
    },
    {
      name: 'a trade id with an unpaired surrogate',
      payload: bytesOf(withField({ trade_id: '\udc00x' })),
      code: 'INVALID_UNICODE',
      field: 'trade_id',
    },
    {
      name: 'a timestamp in no known format',
      payload: bytesOf(withField({ timestamp: 'yesterday' })),
      code: 'TIMESTAMP_UNPARSEABLE',
      field: 'timestamp',
    },
    {
      name: 'February 30th',
      payload: bytesOf(withField({ timestamp: '2024-02-30T10:00:00Z' })),
      code: 'TIMESTAMP_UNPARSEABLE',
      field: 'timestamp',
    },
    {
      name: 'a leap second',
      payload: bytesOf(withField({ timestamp: '2016-12-31T23:59:60Z' })),
      code: 'TIMESTAMP_UNPARSEABLE',
      field: 'timestamp',
    },
    {
      name: 'an offset of +24:00',
      payload: bytesOf(withField({ timestamp: '2024-01-02T10:00:00+24:00' })),
      code: 'TIMESTAMP_UNPARSEABLE',
      field: 'timestamp',
    },
    {
      name: 'an ISO time without offset',
      payload: bytesOf(withField({ timestamp: '2024-01-02T10:00:00' })),
      code: 'TIMESTAMP_UNPARSEABLE',
      field: 'timestamp',
    },
    {
      name: 'an exchange-local time when no exchange zone is configured',
      payload: bytesOf(withField({ timestamp: '2024-01-02 09:30:00' })),
      options: {},
      code: 'TIMESTAMP_UNPARSEABLE',
      field: 'timestamp',
    },
    {
      name: 'year 0',
      payload: bytesOf(withField({ timestamp: '0000-01-01T00:00:00Z' })),
      code: 'TIMESTAMP_OUT_OF_RANGE',
      field: 'timestamp',
    },
    {
      name: 'year 9999',
      payload: bytesOf(withField({ timestamp: '9999-12-31T23:59:59Z' })),
      code: 'TIMESTAMP_OUT_OF_RANGE',
      field: 'timestamp',
    },
    {
      name: 'an exchange-local year 9999',
      payload: bytesOf(withField({ timestamp: '9999-12-31 23:59:59' })),
      code: 'TIMESTAMP_OUT_OF_RANGE',
      field: 'timestamp',
    },
    {
      name: 'an epoch of 1e300 ms',
      payload: bytesOf(withField({ timestamp: 1e300 })),
      code: 'TIMESTAMP_OUT_OF_RANGE',
      field: 'timestamp',
    },
  ];

  for (const { name, payload, options, code, field } of rejections) {
    it(`rejects ${name} as ${code}`, () => {
      const result = parseRawTick(payload, options ?? OPTIONS);
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.reason.code, code);
      assert.equal(result.reason.field, field);
      assert.ok(result.reason.message.length > 0);
    });
  }

  it('keeps the raw text of a payload it could decode but not accept', () => {
    const payload = withField({ price: 'x' });
    const result = parseRawTick(bytesOf(payload));
    assert.equal(result.ok, false);
    assert.equal(result.raw, payload);
  });

  it('reports the first fault in contract order when a payload has several', () => {
    const result = parseRawTick(bytesOf(JSON.stringify({ price: 'x', volume: 'y' })));
    assert.equal(result.ok ? undefined : result.reason.field, 'symbol');
  });

  it('accepts event times at the lower bound and rejects the upper bound itself', () => {
    const lower = parseRawTick(bytesOf(withField({ timestamp: '1900-01-01T00:00:00Z' })));
    const upper = parseRawTick(bytesOf(withField({ timestamp: '2200-01-01T00:00:00Z' })));
    assert.equal(lower.ok, true);
    assert.equal(upper.ok ? undefined : upper.reason.code, 'TIMESTAMP_OUT_OF_RANGE');
  });

  it('honours configured event-time bounds', () => {
    const options = {
      minEventTimeUs: usOf('2020-01-01T00:00:00Z'),
      maxEventTimeUs: usOf('2030-01-01T00:00:00Z'),
    };
    const before = parseRawTick(bytesOf(withField({ timestamp: '2019-12-31T23:59:59Z' })), options);
    assert.equal(before.ok ? undefined : before.reason.code, 'TIMESTAMP_OUT_OF_RANGE');
  });

  it('throws for an unknown exchange time zone, a configuration error', () => {
    const payload = bytesOf(withField({ timestamp: '2024-01-02 09:30:00' }));
    assert.throws(() => parseRawTick(payload, { exchangeTimeZone: 'Mars/Olympus_Mons' }), RangeError);
  });
});

describe('parseTickLine', () => {
  const LINE = '{"symbol":"SPX","price":1229.23,"volume":219250000,"timestamp":"1999-01-04 09:30:00"}';
  const EXPECTED_US = usOf('1999-01-04T14:30:00Z');

  it('parses a text line with a CRLF terminator in the exchange zone', () => {
    const result = parseTickLine(`${LINE}\r\n`, OPTIONS);
    assert.ok(result.ok);
    assert.equal(result.tick.eventTimeUs, EXPECTED_US);
    assert.equal(result.raw, LINE);
  });

  it('parses the same line given as bytes with a LF terminator identically', () => {
    assert.deepEqual(parseTickLine(bytesOf(`${LINE}\n`), OPTIONS), parseTickLine(LINE, OPTIONS));
  });

  it('applies the size limit to the line without its terminator', () => {
    const exact = { ...OPTIONS, maxBytes: LINE.length };
    assert.equal(parseTickLine(`${LINE}\n`, exact).ok, true);
    assert.equal(parseTickLine(bytesOf(`${LINE}\n`), exact).ok, true);
    const tooSmall = { ...OPTIONS, maxBytes: LINE.length - 1 };
    const result = parseTickLine(`${LINE}\n`, tooSmall);
    assert.equal(result.ok ? undefined : result.reason.code, 'PAYLOAD_TOO_LARGE');
  });

  it('rejects a blank line as PAYLOAD_EMPTY', () => {
    const result = parseTickLine('\n', OPTIONS);
    assert.equal(result.ok ? undefined : result.reason.code, 'PAYLOAD_EMPTY');
  });

  it('rejects invalid UTF-8 in a byte line', () => {
    const result = parseTickLine(new Uint8Array([0xc3, 0x28, 0x0a]), OPTIONS);
    assert.equal(result.ok ? undefined : result.reason.code, 'INVALID_UTF8');
  });
});
