import { Injectable } from '@nestjs/common';
import {
  type AnyTable,
  type AppTransaction,
  GOLD_BARS_1M,
  GOLD_BARS_MERGE,
  GOLD_PREDICTIONS,
  type GoldBarRow,
  type GoldPredictionRow,
  goldPredictionsMerge,
  isCommitConflict,
  Lake,
} from '@lakehouse/lake';

/**
 * Exactly-once into Gold — the one module that owns it for the publisher.
 *
 * Invariant: `gold.predictions` holds at most one row per `event_id`, and every event of every record of
 * `signals.predictions` and `ticks.outcomes` is reflected in it exactly once after its batch is acknowledged;
 * `gold.bars_1m` likewise covers every `ticks.refined` record once.
 *
 * How:
 * - Each input partition has an app id, `publisher:<topic>:<partition>`. Every Gold commit carries, as Delta
 *   application transactions, the last offset of the partition slice it covers, in the same atomic commit as the
 *   rows. The table's log is the only durable position; the consumer group's offsets serve lag monitoring only.
 * - On every partition assignment (and after a failed batch) the consumer seeks to stored + 1; records at or below
 *   the stored offset are skipped before they are decoded.
 * - A record may be a run of several events (schema 2). A position is a record's offset, so a record is applied
 *   whole: it is decoded in full before any of its rows is taken (a malformed one is dead-lettered whole), and all
 *   its rows go into the one commit that carries its batch's last offset. No commit covers part of a record.
 * - Rows change only through MERGE on `event_id` with the `event_date` partition literal. A prediction and its
 *   outcome arrive on different topics, in either order: the first one inserts the row (the other side's columns
 *   null), the second one updates only the columns its side owns. A replay of either side (a redelivery, or an
 *   upstream producer retrying: both topics are at-least-once) rewrites the same values: no duplicate, no loss.
 * - A batch that holds nothing to write (rejects only) still commits its position (no rows, one txn).
 * - Each commit passes the table version its positions were read at (`readVersion`): a second writer covering the
 *   same partition (a rebalance mid-commit, a zombie replica) fails with COMMIT_CONFLICT, nothing of it lands, and the
 *   caller reloads positions and re-seeks. Only one consumer group writes Gold (see the README).
 */

/** The slice of one input partition that a commit covers. */
export interface GoldSlice<Row> {
  readonly appId: string;
  /** Last offset of the slice: the partition's stored position after the commit. */
  readonly lastPosition: bigint;
  readonly rows: readonly Row[];
}

export interface GoldCommit {
  /** The table version the commit created. */
  readonly version: bigint;
  readonly rows: number;
}

export function goldAppId(topic: string, partition: number): string {
  return `publisher:${topic}:${partition}`;
}

/** Positions of the input streams one Gold table covers, as of its read version. */
class TablePositions {
  private readonly positions = new Map<string, bigint | undefined>();
  private readVersion: bigint | undefined;

  constructor(
    private readonly lake: Lake,
    readonly table: AnyTable,
  ) {}

  async load(appIds: readonly string[]): Promise<ReadonlyMap<string, bigint | undefined>> {
    const snapshot = await this.lake.transactionVersions(this.table, appIds);
    // Positions read at an older version may have moved since (another writer took the partition): forget them.
    this.positions.clear();
    this.readVersion = snapshot.readVersion;
    for (const [appId, version] of snapshot.versions) this.positions.set(appId, version);
    return snapshot.versions;
  }

  async positionOf(appId: string): Promise<bigint | undefined> {
    if (!this.positions.has(appId)) await this.load([appId]);
    return this.positions.get(appId);
  }

  async commit(
    body: (txns: readonly AppTransaction[], readVersion: bigint | undefined) => Promise<bigint>,
    slice: {
      appId: string;
      lastPosition: bigint;
    },
  ): Promise<bigint> {
    try {
      const version = await body([{ appId: slice.appId, version: slice.lastPosition }], this.readVersion);
      this.readVersion = version;
      this.positions.set(slice.appId, slice.lastPosition);
      return version;
    } catch (error) {
      if (isCommitConflict(error)) {
        this.positions.clear();
        this.readVersion = undefined;
      }
      throw error;
    }
  }
}

@Injectable()
export class GoldExactlyOnce {
  private readonly predictions: TablePositions;
  private readonly bars: TablePositions;

  constructor(private readonly lake: Lake) {
    this.predictions = new TablePositions(lake, GOLD_PREDICTIONS);
    this.bars = new TablePositions(lake, GOLD_BARS_1M);
  }

  async ensureTables(): Promise<void> {
    await this.lake.ensureTable(GOLD_PREDICTIONS);
    await this.lake.ensureTable(GOLD_BARS_1M);
  }

  /** The last committed offset of each partition, read from the table's log (not from a cache). */
  loadPositions(
    target: 'predictions' | 'bars',
    appIds: readonly string[],
  ): Promise<ReadonlyMap<string, bigint | undefined>> {
    return this.positionsOf(target).load(appIds);
  }

  /** The offset at or below which a partition's records are already in Gold, loading it on first use. */
  positionOf(target: 'predictions' | 'bars', appId: string): Promise<bigint | undefined> {
    return this.positionsOf(target).positionOf(appId);
  }

  /**
   * Merges one side's rows of a partition slice into `gold.predictions` with the slice's position. Callers pass only
   * records above the stored position. COMMIT_CONFLICT drops the cached positions and is rethrown.
   */
  async commitSide(side: 'prediction' | 'outcome', slice: GoldSlice<GoldPredictionRow>): Promise<GoldCommit> {
    const rows = lastPerKey(slice.rows, (r) => r.eventId);
    const version = await this.predictions.commit(async (txns, readVersion) => {
      const options = readVersion === undefined ? {} : { readVersion };
      if (rows.length === 0) return (await this.lake.append(GOLD_PREDICTIONS, [], txns, options)).version;
      return (await this.lake.merge(GOLD_PREDICTIONS, rows, goldPredictionsMerge(side), txns, options))
        .version;
    }, slice);
    return { version, rows: rows.length };
  }

  /** Upserts recomputed minute bars with the `ticks.refined` slice's position; same contract as {@link commitSide}. */
  async commitBars(slice: GoldSlice<GoldBarRow>): Promise<GoldCommit> {
    const rows = lastPerKey(slice.rows, (r) => `${r.bar.symbol}|${r.bar.minuteStartUs}`);
    const version = await this.bars.commit(async (txns, readVersion) => {
      const options = readVersion === undefined ? {} : { readVersion };
      if (rows.length === 0) return (await this.lake.append(GOLD_BARS_1M, [], txns, options)).version;
      return (await this.lake.merge(GOLD_BARS_1M, rows, GOLD_BARS_MERGE, txns, options)).version;
    }, slice);
    return { version, rows: rows.length };
  }

  private positionsOf(target: 'predictions' | 'bars'): TablePositions {
    return target === 'predictions' ? this.predictions : this.bars;
  }
}

/** MERGE needs unique source keys: the last record of a key wins (a later replay carries the same values). */
function lastPerKey<Row>(rows: readonly Row[], key: (row: Row) => string): Row[] {
  const byKey = new Map<string, Row>();
  for (const row of rows) byKey.set(key(row), row);
  return [...byKey.values()];
}
