import { setTimeout as delay } from 'node:timers/promises';
import { aggregateMinuteBars, minuteStartOf, type MinuteBar, type SilverTick } from '@lakehouse/domain';
import { utcDateOf } from '@lakehouse/lake';
import { CodedError } from '@lakehouse/platform';
import { GoldReader, GoldReadError, LATEST, recordsOf } from './gold-reader';

const MICROS_PER_MINUTE = 60_000_000n;

/** A (symbol, minute) whose bar a batch of refined ticks changed. */
export interface TouchedMinute {
  readonly symbol: string;
  readonly minuteStartUs: bigint;
}

/** SQL string literal: the value quoted, inner quotes doubled (values are also validated before they get here). */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * Recomputes whole minute bars from `silver.ticks` (the deduplicated truth) for the minutes a batch touched, so a
 * replayed or duplicated `ticks.refined` record can never count twice. Returns the bars and the Silver version read.
 */
export async function recomputeBars(
  reader: GoldReader,
  touched: readonly TouchedMinute[],
): Promise<{ readonly bars: MinuteBar[]; readonly silverVersion: bigint }> {
  if (touched.length === 0) return { bars: [], silverVersion: -1n };
  const symbols = [...new Set(touched.map((t) => t.symbol))].sort();
  const minutes = new Set(touched.map((t) => `${t.symbol}|${t.minuteStartUs}`));
  let from = touched[0]!.minuteStartUs;
  let to = from;
  for (const t of touched) {
    if (t.minuteStartUs < from) from = t.minuteStartUs;
    if (t.minuteStartUs > to) to = t.minuteStartUs;
  }
  const until = to + MICROS_PER_MINUTE;
  const dates = new Set<string>();
  for (let m = minuteStartOf(from); m < until; m += 24n * 60n * MICROS_PER_MINUTE) dates.add(utcDateOf(m));
  dates.add(utcDateOf(to));
  const read = reader.query(
    'silver.ticks',
    LATEST,
    (t) =>
      `SELECT event_id, symbol, CAST(event_time AS BIGINT) AS event_us, price, CAST(volume AS DOUBLE) AS volume ` +
      `FROM ${t} WHERE event_date IN (${[...dates].map(sqlString).join(', ')}) ` +
      `AND symbol IN (${symbols.map(sqlString).join(', ')}) ` +
      `AND CAST(event_time AS BIGINT) >= ${from} AND CAST(event_time AS BIGINT) < ${until} ` +
      `ORDER BY event_us, event_id`,
  );
  let result: Awaited<typeof read>;
  try {
    result = await read;
  } catch (error) {
    // No Silver table: no tick has been refined, so every bar is empty (a later tick recomputes its minute whole).
    if (error instanceof GoldReadError && error.code === 'TABLE_NOT_FOUND')
      return { bars: [], silverVersion: -1n };
    throw error;
  }
  const { rows, version } = result;
  const ticks: SilverTick[] = [];
  for (const record of recordsOf(rows)) {
    const r = record as unknown as {
      event_id: string;
      symbol: string;
      event_us: bigint;
      price: number;
      volume: number;
    };
    const eventTimeUs = BigInt(r.event_us);
    if (!minutes.has(`${r.symbol}|${minuteStartOf(eventTimeUs)}`)) continue;
    ticks.push({ eventId: r.event_id, symbol: r.symbol, eventTimeUs, price: r.price, volume: r.volume });
  }
  return { bars: aggregateMinuteBars(ticks), silverVersion: BigInt(version) };
}

/** How often, and how long at most, the bars wait for Silver to hold the refined events they recompute. */
export interface SilverWait {
  readonly pollMs: number;
  readonly waitMs: number;
}

export const SILVER_WAIT: SilverWait = { pollMs: 100, waitMs: 15_000 };

/** Silver did not come to hold announced events in time: the batch fails and the transport retries it. */
export class SilverBehindError extends CodedError<'SILVER_BEHIND'> {
  constructor(message: string) {
    super('SILVER_BEHIND', message);
  }
}

/**
 * Resolves once `silver.ticks` covers `bronzeVersion` (the refiner's position reached it, so the events of the
 * refined records that named it are in Silver); throws {@link SilverBehindError} after `wait.waitMs`. The refiner
 * announces before its commit, so bars recomputed any earlier would miss those events.
 */
export async function untilSilverCovers(
  reader: Pick<GoldReader, 'silverPosition'>,
  bronzeVersion: bigint,
  wait: SilverWait = SILVER_WAIT,
): Promise<void> {
  const started = performance.now();
  for (;;) {
    const position = await reader.silverPosition();
    if (position !== undefined && position >= bronzeVersion) return;
    if (performance.now() - started >= wait.waitMs) {
      throw new SilverBehindError(
        `silver.ticks covers Bronze ${position === undefined ? 'nothing' : `v${position}`} after ` +
          `${wait.waitMs} ms; the refined records need v${bronzeVersion}`,
      );
    }
    await delay(wait.pollMs);
  }
}
