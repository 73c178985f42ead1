import { RawTick } from '../tick/tick-contract.schema';

/**
 * Why Silver refused a Bronze tick. Stable strings: quarantine rows and metrics carry them.
 */
export const TICK_VALIDATION_CODES = [
  'PRICE_NOT_FINITE',
  'PRICE_NOT_POSITIVE',
  'VOLUME_NOT_FINITE',
  'VOLUME_NOT_INTEGER',
  'VOLUME_NEGATIVE',
  'EVENT_TIME_TOO_EARLY',
  'EVENT_TIME_TOO_LATE',
  'SYMBOL_FORMAT',
] as const;

export type TickValidationCode = (typeof TICK_VALIDATION_CODES)[number];

export interface TickValidationFailure {
  readonly code: TickValidationCode;
  readonly field: 'price' | 'volume' | 'eventTimeUs' | 'symbol';
  readonly message: string;
}

/** Upper-case ticker, optional share-class or exchange suffix: `AAPL`, `BRK.B`, `RDS-A`, `SPX`. */
export const DEFAULT_SYMBOL_PATTERN = /^[A-Z][A-Z0-9.-]{0,15}$/;

export interface TickValidationRules {
  /** Earliest accepted event time, inclusive, UTC µs. */
  readonly minEventTimeUs: bigint;
  /**
   * Latest accepted event time, exclusive, UTC µs. Callers usually pass `now + allowed clock skew`, which is why
   * the rules take it instead of reading a clock.
   */
  readonly maxEventTimeUs: bigint;
  /** Defaults to {@link DEFAULT_SYMBOL_PATTERN}. */
  readonly symbolPattern?: RegExp;
}

export type TickValidationResult =
  { readonly ok: true } | { readonly ok: false; readonly failures: readonly TickValidationFailure[] };

function priceFailures(price: number): TickValidationFailure[] {
  if (!Number.isFinite(price))
    return [{ code: 'PRICE_NOT_FINITE', field: 'price', message: `price ${price} is not finite` }];
  if (price <= 0)
    return [{ code: 'PRICE_NOT_POSITIVE', field: 'price', message: `price ${price} is not > 0` }];
  return [];
}

function volumeFailures(volume: number): TickValidationFailure[] {
  const failures: TickValidationFailure[] = [];
  if (!Number.isFinite(volume)) {
    return [{ code: 'VOLUME_NOT_FINITE', field: 'volume', message: `volume ${volume} is not finite` }];
  }
  if (!Number.isInteger(volume)) {
    failures.push({
      code: 'VOLUME_NOT_INTEGER',
      field: 'volume',
      message: `volume ${volume} is not an integer`,
    });
  }
  if (volume < 0)
    failures.push({ code: 'VOLUME_NEGATIVE', field: 'volume', message: `volume ${volume} is < 0` });
  return failures;
}

function eventTimeFailures(eventTimeUs: bigint, rules: TickValidationRules): TickValidationFailure[] {
  if (eventTimeUs < rules.minEventTimeUs) {
    return [
      {
        code: 'EVENT_TIME_TOO_EARLY',
        field: 'eventTimeUs',
        message: `event time ${eventTimeUs} µs is before ${rules.minEventTimeUs}`,
      },
    ];
  }
  if (eventTimeUs >= rules.maxEventTimeUs) {
    return [
      {
        code: 'EVENT_TIME_TOO_LATE',
        field: 'eventTimeUs',
        message: `event time ${eventTimeUs} µs is not before ${rules.maxEventTimeUs}`,
      },
    ];
  }
  return [];
}

function symbolFailures(symbol: string, pattern: RegExp): TickValidationFailure[] {
  // A global or sticky pattern would carry lastIndex between calls and accept a symbol only every other time.
  const matches = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')).test(symbol);
  if (matches) return [];
  return [
    {
      code: 'SYMBOL_FORMAT',
      field: 'symbol',
      message: `symbol ${JSON.stringify(symbol)} does not match ${pattern}`,
    },
  ];
}

/**
 * Silver's semantic rules for a Bronze tick: price finite and > 0; volume a finite integer ≥ 0; event time within
 * `[minEventTimeUs, maxEventTimeUs)`; symbol matching the configured pattern. Returns every failing rule, not just
 * the first, so a quarantined row says everything that is wrong with it.
 */
export function validateTick(
  tick: Pick<RawTick, 'symbol' | 'price' | 'volume' | 'eventTimeUs'>,
  rules: TickValidationRules,
): TickValidationResult {
  const failures = [
    ...symbolFailures(tick.symbol, rules.symbolPattern ?? DEFAULT_SYMBOL_PATTERN),
    ...priceFailures(tick.price),
    ...volumeFailures(tick.volume),
    ...eventTimeFailures(tick.eventTimeUs, rules),
  ];
  return failures.length === 0 ? { ok: true } : { ok: false, failures };
}
