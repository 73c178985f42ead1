import { SqlSession } from '@lakehouse/delta';
import { type SilverTick } from '@lakehouse/domain';
import {
  APPLIED_LATE_STATUSES,
  type DeltaLake,
  type InMemoryLake,
  type SilverTickRow,
  type TableDefinition,
} from '@lakehouse/lake';
import { type Table } from 'apache-arrow';
import { utcDateOf } from '@lakehouse/lake';
import { column, int64Values, numberAt, stringAt } from './arrow-columns';
import { type RepairInput, replayOrder, warmupOf } from './late-repair.plan';
import { silverRowsOf } from './silver-rows';
import { type ReplayPlan } from './symbol-book';

/**
 * Reads `silver.ticks` for what MERGE and the change feed cannot answer: the tail a restart rebuilds from, and what
 * the late repair re-steps.
 */
export abstract class SilverReader {
  /**
   * Per symbol, the applied (`on_time` and `repaired`) ticks the plan names, in replay order (event time, ties by
   * Bronze version and sequence; for on-time ticks that is arrival order), oldest first: its last `plan.ticks`,
   * every tick within the plan's lookback of its latest event time plus `ticksBeforeLookback` before those, and
   * every tick at its latest event time. Only rows with `bronze_version < beforeBronzeVersion` when given.
   */
  abstract trailingApplied(
    plan: ReplayPlan,
    beforeBronzeVersion?: bigint,
  ): Promise<Map<string, SilverTick[]>>;

  /** Per symbol with unrepaired `late` rows (among `symbols` when given), the earliest such event time. */
  abstract lateSymbols(symbols?: ReadonlySet<string>): Promise<Map<string, bigint>>;

  /**
   * One symbol's rows for the late repair: the applied rows before `fromUs` that rebuild its book (the plan's
   * warm-up, see `warmupOf`), and every row at or after `fromUs`.
   */
  abstract repairInput(symbol: string, fromUs: bigint, plan: ReplayPlan): Promise<RepairInput>;
}

/** `late_status IN ('on_time', 'repaired')`: the ticks applied to the features. */
const APPLIED_SQL = `late_status IN (${APPLIED_LATE_STATUSES.map((s) => `'${s}'`).join(', ')})`;

function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

interface Ranked extends SilverTick {
  readonly bronzeVersion: bigint;
  readonly bronzeSeq: bigint;
}

function groupInReplayOrder(ticks: readonly Ranked[]): Map<string, SilverTick[]> {
  const sorted = [...ticks].sort(replayOrder);
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
      APPLIED_SQL +
      (beforeBronzeVersion === undefined ? '' : ` AND bronze_version < ${beforeBronzeVersion.toString()}`);
    // A symbol's applied ticks in replay order are in event-time order, so its tail lies in its latest dates: count rows per
    // symbol and date (no sort), and read only the dates from the earliest one some symbol's tail reaches back to.
    const from = earliestTailDate(
      await session.sql(
        `SELECT symbol, event_date, COUNT(*) AS n, MAX(CAST(event_time AS BIGINT)) AS last_us
         FROM silver WHERE ${where} GROUP BY symbol, event_date`,
      ),
      plan,
    );
    if (from === undefined) return new Map();
    // In replay order the ticks within the lookback are a symbol's last `recent` ones.
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
             ROW_NUMBER() OVER (PARTITION BY symbol ORDER BY event_time DESC, bronze_version DESC, bronze_seq DESC) AS rn,
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
    return groupInReplayOrder(ticks);
  }

  async lateSymbols(symbols?: ReadonlySet<string>): Promise<Map<string, bigint>> {
    if (symbols !== undefined && symbols.size === 0) return new Map();
    const session = SqlSession.create();
    await session.register('silver', await this.lake.handle(this.table));
    const among = symbols === undefined ? '' : ` AND symbol IN (${[...symbols].map(sqlString).join(', ')})`;
    const result = await session.sql(
      `SELECT symbol, MIN(CAST(event_time AS BIGINT)) AS from_us FROM silver
       WHERE late_status = 'late'${among} GROUP BY symbol`,
    );
    const symbol = column(result, 'symbol');
    const fromUs = int64Values(result, 'from_us');
    return new Map(Array.from({ length: result.numRows }, (_, i) => [stringAt(symbol, i), fromUs[i]!]));
  }

  async repairInput(symbol: string, fromUs: bigint, plan: ReplayPlan): Promise<RepairInput> {
    assertPlan(plan);
    const session = SqlSession.create();
    await session.register('silver', await this.lake.handle(this.table));
    const names = this.featureNames();
    const fromDate = sqlString(utcDateOf(fromUs));
    const ofSymbol = `symbol = ${sqlString(symbol)}`;
    const before = `${ofSymbol} AND ${APPLIED_SQL} AND event_date <= ${fromDate} AND CAST(event_time AS BIGINT) < ${fromUs.toString()}`;
    // The warm-up's dates, as a restart finds them: from the latest back until they hold the plan's rows.
    const warmupFrom = earliestTailDate(
      await session.sql(
        `SELECT symbol, event_date, COUNT(*) AS n, MAX(CAST(event_time AS BIGINT)) AS last_us
         FROM silver WHERE ${before} GROUP BY symbol, event_date`,
      ),
      plan,
    );
    const warmup =
      warmupFrom === undefined
        ? []
        : silverRowsOf(
            await session.sql(
              `SELECT * FROM silver WHERE ${before} AND event_date >= ${sqlString(warmupFrom)}`,
            ),
            names,
          );
    const rows = silverRowsOf(
      await session.sql(
        `SELECT * FROM silver WHERE ${ofSymbol} AND event_date >= ${fromDate} AND CAST(event_time AS BIGINT) >= ${fromUs.toString()}`,
      ),
      names,
    );
    return { symbol, warmup: warmupOf(warmup.sort(replayOrder), plan), rows };
  }

  /** The feature columns' names, from the table definition (`f_<name>`). */
  private featureNames(): string[] {
    return this.table.columns.filter((c) => c.name.startsWith('f_')).map((c) => c.name.slice(2));
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
          APPLIED_LATE_STATUSES.includes(r.lateStatus) &&
          (beforeBronzeVersion === undefined || r.bronzeVersion < beforeBronzeVersion),
      )
      .map((r): Ranked => ({ ...r, volume: Number(r.volume) }));
    const all = groupInReplayOrder(applied);
    const tails = new Map<string, SilverTick[]>();
    for (const [symbol, ticks] of all) tails.set(symbol, warmupOf(ticks, plan));
    return Promise.resolve(tails);
  }

  lateSymbols(symbols?: ReadonlySet<string>): Promise<Map<string, bigint>> {
    const earliest = new Map<string, bigint>();
    for (const r of this.lake.rowsOf(this.table)) {
      if (r.lateStatus !== 'late' || (symbols !== undefined && !symbols.has(r.symbol))) continue;
      const held = earliest.get(r.symbol);
      if (held === undefined || r.eventTimeUs < held) earliest.set(r.symbol, r.eventTimeUs);
    }
    return Promise.resolve(earliest);
  }

  repairInput(symbol: string, fromUs: bigint, plan: ReplayPlan): Promise<RepairInput> {
    assertPlan(plan);
    const ofSymbol = this.lake.rowsOf(this.table).filter((r) => r.symbol === symbol);
    const before = ofSymbol
      .filter((r) => APPLIED_LATE_STATUSES.includes(r.lateStatus) && r.eventTimeUs < fromUs)
      .sort(replayOrder);
    return Promise.resolve({
      symbol,
      warmup: warmupOf(before, plan),
      rows: ofSymbol.filter((r) => r.eventTimeUs >= fromUs),
    });
  }
}
