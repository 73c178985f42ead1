import { z } from 'zod';

/** A symbol as clients name it (the same rule as the HTTP API's `symbol=`). */
export const symbolSchema = z
  .string()
  .regex(/^[A-Za-z0-9.^_-]{1,32}$/, 'a symbol: 1–32 of A-Z a-z 0-9 . ^ _ -');

export const MAX_SYMBOLS_PER_SUBSCRIBE = 500;

/**
 * `subscribe` payload: symbols (or `*` for all), optionally the last seq seen per symbol, and the delivery mode:
 * one `prediction` / `outcome` event per signal (the default), or with `batch: true` one `signals` frame per symbol
 * (per all-symbols subscription) and consumer batch, holding that batch's events in seq order.
 */
export const subscribeSchema = z.strictObject({
  symbols: z.union([z.literal('*'), z.array(symbolSchema).min(1).max(MAX_SYMBOLS_PER_SUBSCRIBE)]),
  since: z
    .record(symbolSchema, z.number().int().min(0).max(Number.MAX_SAFE_INTEGER))
    .refine((r) => Object.keys(r).length <= MAX_SYMBOLS_PER_SUBSCRIBE, 'too many symbols in since')
    .optional(),
  batch: z.boolean().optional(),
});

export type SubscribeRequest = z.output<typeof subscribeSchema>;

export type SubscribeAck =
  | { readonly ok: true; readonly rooms: readonly string[] }
  | { readonly ok: false; readonly code: 'BAD_SUBSCRIBE'; readonly reason: string };

export const ALL_ROOM = 'all';
export const roomOf = (symbol: string): string => `symbol:${symbol}`;
/** The rooms of `batch: true` subscribers: `signals` frames instead of one event per signal. */
export const BATCH_ALL_ROOM = 'batch:all';
export const batchRoomOf = (symbol: string): string => `batch:symbol:${symbol}`;
