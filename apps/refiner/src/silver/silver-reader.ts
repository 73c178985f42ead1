import { SqlSession } from '@lakehouse/delta';
import { type SilverTick } from '@lakehouse/domain';
import { type DeltaLake, type InMemoryLake, type SilverTickRow, type TableDefinition } from '@lakehouse/lake';
import { type Table } from 'apache-arrow';
import { utcDateOf } from '@lakehouse/lake';
import { column, int64Values, numberAt, stringAt } from './arrow-columns';
import { type ReplayPlan } from './symbol-book';

/** Reads `silver.ticks` for what MERGE and the change feed cannot answer: the tail a restart rebuilds from. */
export abstract class SilverReader {
  /**
   * Per symbol, the applied (`on_time`) ticks the plan names, in arrival order, oldest first: its last `plan.ticks`,
   * every tick within the plan's lookback of its latest event time plus `ticksBeforeLookback` before those, and
   * every tick at its latest event time. Only rows with `bronze_version < beforeBronzeVersion` when given.
   */
  abstract trailingApplied(
    plan: ReplayPlan,
    beforeBronzeVersion?: bigint,
  ): Promise<Map<string, SilverTick[]>>;
}

interface Ranked extends SilverTick {
  readonly bronzeVersion: bigint;
  readonly bronzeSeq: bigint;
}

function groupInArrivalOrder(ticks: readonly Ranked[]): Map<string, SilverTick[]> {
  const sorted = [...ticks].sort(
    (a, b) =>
      (a.bronzeVersion < b.bronzeVersion ? -1 : a.bronzeVersion > b.bronzeVersion ? 1 : 0) ||
      (a.bronzeSeq < b.bronzeSeq ? -1 : a.bronzeSeq > b.bronzeSeq ? 1 : 0),
  );
  const bySymbol = new Map<string, SilverTick[]>();
  for (const t of sorted) {
    const tick: SilverTick = {
      eventId: t.eventId,
      symbol: t.symbol,
      eventTimeUs: t.eventTimeUs,
      price: t.price,
      volume: t.volume,
    };
    const list = bySymbol.get(t.symbol);
    if (list) list.push(tick);
    else bySymbol.set(t.symbol, [tick]);
  }
  return bySymbol;
}

/** The tail of every symbol in one SQL pass (DataFusion window functions over the latest snapshot). */
export class DeltaSilverReader extends SilverReader {
  constructor(
    private readonly lake: DeltaLake,
    private readonly table: TableDefinition<SilverTickRow>,
  ) {
    super();
  }

  async trailingApplied(plan: ReplayPlan, beforeBronzeVersion?: bigint): Promise<Map<string, SilverTick[]>> {
    assertPlan(plan);
    const session = SqlSession.create();
    await session.register('silver', await this.lake.handle(this.table));
    const where =
      "late_status = 'on_time'" +
      (beforeBronzeVersion === undefined ? '' : ` AND bronze_version < ${beforeBronzeVersion.toString()}`);
    // Applied ticks of a symbol arrive in event-time order, so its tail lies in its latest dates: count rows per
    // symbol and date (no sort), and read only the dates from the earliest one some symbol's tail reaches back to.
    const from = earliestTailDate(
      await session.sql(
        `SELECT symbol, event_date, COUNT(*) AS n, MAX(CAST(event_time AS BIGINT)) AS last_us
         FROM silver WHERE ${where} GROUP BY symbol, event_date`,
      ),
      plan,
    );
    if (from === undefined) return new Map();
    // In arrival order the ticks within the lookback are a symbol's last `recent` ones.
    const lookback = plan.lookback;
    const recent =
      lookback === null
        ? '0'
        : `SUM(CASE WHEN event_time_us >= last_us - ${lookback.lookbackUs.toString()} THEN 1 ELSE 0 END) OVER (PARTITION BY symbol)`;
    const result = await session.sql(
      `SELECT event_id, symbol, event_time_us, price, volume, bronze_version, bronze_seq
       FROM (
         SELECT ranked.*, ${recent} AS recent
         FROM (
           SELECT event_id, symbol, CAST(event_time AS BIGINT) AS event_time_us, price, volume, bronze_version,
             bronze_seq,
             ROW_NUMBER() OVER (PARTITION BY symbol ORDER BY bronze_version DESC, bronze_seq DESC) AS rn,
             MAX(CAST(event_time AS BIGINT)) OVER (PARTITION BY symbol) AS last_us
           FROM silver WHERE ${where} AND event_date >= '${from}'
         ) ranked
       ) tail
       WHERE rn <= ${plan.ticks} OR rn <= recent + ${lookback?.ticksBeforeLookback ?? 0} OR event_time_us = last_us`,
    );
    const times = int64Values(result, 'event_time_us');
    const volumes = int64Values(result, 'volume');
    const versions = int64Values(result, 'bronze_version');
    const seqs = int64Values(result, 'bronze_seq');
    const [id, symbol, price] = [
      column(result, 'event_id'),
      column(result, 'symbol'),
      column(result, 'price'),
    ];
    const ticks: Ranked[] = [];
    for (let i = 0; i < result.numRows; i += 1) {
      ticks.push({
        eventId: stringAt(id, i),
        symbol: stringAt(symbol, i),
        eventTimeUs: times[i]!,
        price: numberAt(price, i),
        volume: Number(volumes[i]!),
        bronzeVersion: versions[i]!,
        bronzeSeq: seqs[i]!,
      });
    }
    return groupInArrivalOrder(ticks);
  }
}

function assertPlan(plan: ReplayPlan): void {
  if (!Number.isInteger(plan.ticks) || plan.ticks < 1)
    throw new RangeError('plan.ticks must be a positive integer');
}

/**
 * The earliest `event_date` any symbol needs: for each symbol, walking its dates from the latest back until they hold
 * `plan.ticks` rows and, with a lookback, reach before the lookback's first date with `ticksBeforeLookback` rows (or
 * run out). `undefined` when there are no rows. `counts`: symbol, event_date, n, last_us.
 */
export function earliestTailDate(counts: Table, plan: ReplayPlan): string | undefined {
  const symbol = column(counts, 'symbol');
  const date = column(counts, 'event_date');
  const n = column(counts, 'n');
  const lastUs = int64Values(counts, 'last_us');
  const bySymbol = new Map<string, { date: string; n: number; lastUs: bigint }[]>();
  for (let i = 0; i < counts.numRows; i += 1) {
    const entry = { date: stringAt(date, i), n: numberAt(n, i), lastUs: lastUs[i]! };
    const key = stringAt(symbol, i);
    const list = bySymbol.get(key);
    if (list) list.push(entry);
    else bySymbol.set(key, [entry]);
  }
  let earliest: string | undefined;
  for (const dates of bySymbol.values()) {
    dates.sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
    const windowDate =
      plan.lookback === null ? undefined : utcDateOf(dates[0]!.lastUs - plan.lookback.lookbackUs);
    let held = 0;
    let heldBeforeWindow = 0;
    let reach = dates[0]!.date;
    for (const d of dates) {
      reach = d.date;
      held += d.n;
      if (windowDate !== undefined && d.date < windowDate) heldBeforeWindow += d.n;
      const lookbackMet =
        plan.lookback === null ||
        (windowDate !== undefined &&
          d.date < windowDate &&
          heldBeforeWindow >= plan.lookback.ticksBeforeLookback);
      if (held >= plan.ticks && lookbackMet) break;
    }
    if (earliest === undefined || reach < earliest) earliest = reach;
  }
  return earliest;
}

/** The same answer over the in-memory lake, for unit tests. */
export class InMemorySilverReader extends SilverReader {
  constructor(
    private readonly lake: InMemoryLake,
    private readonly table: TableDefinition<SilverTickRow>,
  ) {
    super();
  }

  trailingApplied(plan: ReplayPlan, beforeBronzeVersion?: bigint): Promise<Map<string, SilverTick[]>> {
    assertPlan(plan);
    const applied = this.lake
      .rowsOf(this.table)
      .filter(
        (r) =>
          r.lateStatus === 'on_time' &&
          (beforeBronzeVersion === undefined || r.bronzeVersion < beforeBronzeVersion),
      )
      .map((r): Ranked => ({ ...r, volume: Number(r.volume) }));
    const all = groupInArrivalOrder(applied);
    const tails = new Map<string, SilverTick[]>();
    for (const [symbol, ticks] of all) {
      const last = ticks[ticks.length - 1]!.eventTimeUs;
      let cut = ticks.length - plan.ticks;
      if (plan.lookback !== null) {
        const start = last - plan.lookback.lookbackUs;
        const firstInWindow = ticks.findIndex((t) => t.eventTimeUs >= start);
        cut = Math.min(cut, firstInWindow - plan.lookback.ticksBeforeLookback);
      }
      const from = Math.max(0, cut);
      tails.set(
        symbol,
        ticks.filter((t, i) => i >= from || t.eventTimeUs === last),
      );
    }
    return Promise.resolve(tails);
  }
}
