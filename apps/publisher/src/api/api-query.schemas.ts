import { BadRequestException } from '@nestjs/common';
import { z } from 'zod';
import { type TimeTravel } from '../gold/gold-reader';
import { symbolSchema } from '../live/subscribe.schema';

/** The most rows one page may ask for; the protocol's bound (`limit` above it → 400 LIMIT_TOO_LARGE). */
export const MAX_PAGE_LIMIT = 1000;
export const DEFAULT_PAGE_LIMIT = 100;

export type ApiErrorCode = 'BAD_QUERY' | 'LIMIT_TOO_LARGE' | 'VERSION_NOT_FOUND' | 'TABLE_NOT_FOUND';

const MICROS_PER_MILLI = 1000n;

/** An instant: ISO-8601 with a zone, or UTC microseconds since the epoch. */
const instantUs = z.union([
  z.iso.datetime({ offset: true }).transform((s) => BigInt(Date.parse(s)) * MICROS_PER_MILLI),
  z
    .string()
    .regex(/^\d{1,19}$/, 'an ISO-8601 instant or UTC microseconds since the epoch')
    .transform((s) => BigInt(s)),
]);

const version = z
  .string()
  .regex(/^\d{1,15}$/, 'a table version: a non-negative integer')
  .transform(Number);
const asOf = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const limit = z
  .string()
  .regex(/^\d{1,9}$/, `an integer from 1 to ${MAX_PAGE_LIMIT}`)
  .transform(Number)
  .pipe(z.number().int().min(1, `an integer from 1 to ${MAX_PAGE_LIMIT}`));
const cursor = z
  .string()
  .max(256)
  .transform((s, ctx) => {
    try {
      const [timeUs, eventId] = z
        .tuple([z.string().regex(/^-?\d{1,19}$/), z.string().regex(/^[0-9a-f]{64}$/)])
        .parse(JSON.parse(Buffer.from(s, 'base64url').toString('utf8')));
      return { eventTimeUs: BigInt(timeUs), eventId };
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not a cursor this API returned' });
      return z.NEVER;
    }
  });

const timeTravelShape = { version: version.optional(), asOf: asOf.optional() };

export const predictionsQuerySchema = z.strictObject({
  symbol: symbolSchema.optional(),
  from: instantUs.optional(),
  to: instantUs.optional(),
  limit: limit.optional(),
  cursor: cursor.optional(),
  ...timeTravelShape,
});

export const barsQuerySchema = z.strictObject({
  symbol: symbolSchema,
  from: instantUs.optional(),
  to: instantUs.optional(),
  limit: limit.optional(),
  ...timeTravelShape,
});

export const accuracyQuerySchema = z.strictObject({
  modelVersion: z
    .string()
    .regex(/^[A-Za-z0-9._:+-]{1,128}$/, 'a model version')
    .optional(),
  symbol: symbolSchema.optional(),
  ...timeTravelShape,
});

export const latestQuerySchema = z.strictObject({
  symbol: symbolSchema.optional(),
  ...timeTravelShape,
});

export const historyQuerySchema = z.strictObject({ limit: limit.optional() });

export function encodeCursor(eventTimeUs: bigint, eventId: string): string {
  return Buffer.from(JSON.stringify([eventTimeUs.toString(), eventId])).toString('base64url');
}

export function apiError(code: ApiErrorCode, reason: string): BadRequestException {
  return new BadRequestException({ code, reason });
}

/**
 * Parses a query at the edge: unknown keys, repeated keys and bad values are 400 BAD_QUERY with every reason; a
 * `limit` over the bound is 400 LIMIT_TOO_LARGE; both `version` and `asOf` is BAD_QUERY.
 */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  const raw = (query ?? {}) as Record<string, unknown>;
  if (typeof raw.limit === 'string' && /^\d{1,15}$/.test(raw.limit) && Number(raw.limit) > MAX_PAGE_LIMIT) {
    throw apiError(
      'LIMIT_TOO_LARGE',
      `limit ${raw.limit} is over the maximum page of ${MAX_PAGE_LIMIT} rows`,
    );
  }
  if (raw.version !== undefined && raw.asOf !== undefined) {
    throw apiError('BAD_QUERY', 'give one of version= and asOf=, not both');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const reason = parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; ');
    throw apiError('BAD_QUERY', reason);
  }
  return parsed.data;
}

export function timeTravelOf(q: { version?: number | undefined; asOf?: Date | undefined }): TimeTravel {
  if (q.version !== undefined) return { kind: 'version', version: q.version };
  if (q.asOf !== undefined) return { kind: 'asOf', asOf: q.asOf };
  return { kind: 'latest' };
}
