/** Version of the raw tick contract; stored with every Bronze row so that a v2 can coexist with v1 data. */
export const TICK_SCHEMA_VERSION = 1;

/**
 * Tick contract v1 as it arrives on the wire (one JSON object):
 *
 * | field       | JSON type                                     | required |
 * | ----------- | --------------------------------------------- | -------- |
 * | `symbol`    | string                                        | yes      |
 * | `price`     | number (finite)                               | yes      |
 * | `volume`    | number (finite)                               | yes      |
 * | `timestamp` | string (ISO-8601 with offset, or exchange-local `yyyy-MM-dd HH:mm:ss`) or number (epoch ms) | yes |
 * | `trade_id`  | string, or an integer number (kept as its decimal string)                         | no  |
 * | `bid`       | number (finite)                               | no       |
 * | `ask`       | number (finite)                               | no       |
 * | `exchange`  | string                                        | no       |
 *
 * `null` counts as absent. Unknown fields are ignored here and survive in the raw payload kept beside the tick.
 */
export const TICK_FIELDS_V1 = {
  symbol: { kind: 'string', required: true },
  price: { kind: 'number', required: true },
  volume: { kind: 'number', required: true },
  timestamp: { kind: 'timestamp', required: true },
  trade_id: { kind: 'tradeId', required: false },
  bid: { kind: 'number', required: false },
  ask: { kind: 'number', required: false },
  exchange: { kind: 'string', required: false },
} as const;

export type TickFieldName = keyof typeof TICK_FIELDS_V1;

/**
 * A tick Bronze can store: well-typed, finite, with a representable event time. Not yet semantically checked
 * (a negative price is a valid Bronze tick; Silver's validation rejects it).
 */
export interface RawTick {
  readonly schemaVersion: typeof TICK_SCHEMA_VERSION;
  readonly symbol: string;
  readonly price: number;
  readonly volume: number;
  /** Event time in microseconds since the Unix epoch, UTC. */
  readonly eventTimeUs: bigint;
  readonly tradeId?: string;
  readonly bid?: number;
  readonly ask?: number;
  readonly exchange?: string;
}
