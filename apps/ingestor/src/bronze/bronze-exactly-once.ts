import { Injectable } from '@nestjs/common';
import {
  type AppTransaction,
  BRONZE_QUARANTINE,
  BRONZE_TICKS,
  type BronzeTickRow,
  isCommitConflict,
  Lake,
  type QuarantineRow,
  type TableDefinition,
} from '@lakehouse/lake';

/**
 * Exactly-once into Bronze — the one module that owns it for the ingestor (live) and the loader (files).
 *
 * Invariant: `bronze.ticks` holds each source position — a Kafka (topic, partition, offset) or a file's
 * (content hash, record index) — at most once, and exactly once after its batch is acknowledged.
 *
 * How:
 * - Each input stream (one Kafka partition, or one file) has an app id: `ingestor:<topic>:<partition>` or
 *   `loader:<file sha-256>`. Every Bronze commit carries, as Delta application transactions, the last position of
 *   every stream it covers, in the same atomic commit as the rows. The table's log is the only durable position.
 * - Before decoding, callers drop records at or below the stored position (a redelivery after a crash or a
 *   rebalance). Live consumers seek to stored + 1 on every partition assignment.
 * - A stream with only rejects still commits to Bronze (rows: none, txn: yes), so its position always advances.
 * - Rejects go to `bronze.quarantine` first, under the same app ids in that table's own log, so a crash between the
 *   two commits replays the Bronze part only: quarantine rows at or below the quarantine's position are dropped.
 * - Two writers covering the same stream (a rebalance mid-commit) conflict on the shared app id: the later commit
 *   fails with COMMIT_CONFLICT, nothing of it lands, and the caller reloads positions and re-seeks.
 * - Kafka's committed offsets are written after the Delta commit, for lag monitoring only.
 */

/** The slice of one input stream that a commit covers. */
export interface BronzeSlice {
  readonly appId: string;
  /** Last position (Kafka offset or file record index) of the slice; the stream's position after the commit. */
  readonly lastPosition: bigint;
  readonly rows: readonly BronzeTickRow[];
  /** Rejected records with their position in the stream, for quarantine dedup. */
  readonly rejects: readonly { readonly position: bigint; readonly row: QuarantineRow }[];
}

export interface BronzeCommit {
  /** The new `bronze.ticks` version. */
  readonly version: bigint;
  readonly rows: number;
  readonly rejects: number;
}

export function liveAppId(topic: string, partition: number): string {
  return `ingestor:${topic}:${partition}`;
}

export function fileAppId(fileId: string): string {
  return `loader:${fileId}`;
}

@Injectable()
export class BronzeExactlyOnce {
  /** Positions as of this writer's last load or commit; dropped on a conflict. */
  private readonly bronzePositions = new Map<string, bigint | undefined>();
  private readonly quarantinePositions = new Map<string, bigint | undefined>();
  /** The versions those positions hold at: every commit is checked against what others committed since. */
  private bronzeReadVersion: bigint | undefined;
  private quarantineReadVersion: bigint | undefined;

  constructor(private readonly lake: Lake) {}

  async ensureTables(): Promise<void> {
    await this.lake.ensureTable(BRONZE_TICKS);
    await this.lake.ensureTable(BRONZE_QUARANTINE);
  }

  /** The last committed position of each stream, from `bronze.ticks`'s log (not from a cache). */
  async loadPositions(appIds: readonly string[]): Promise<ReadonlyMap<string, bigint | undefined>> {
    const snapshot = await this.lake.transactionVersions(BRONZE_TICKS, appIds);
    // The cache holds only positions read at the current read version: a stream loaded earlier may have moved
    // (another writer took it) before this newer version, so it is forgotten and reloaded when next used.
    this.bronzePositions.clear();
    this.bronzeReadVersion = snapshot.readVersion;
    for (const [appId, version] of snapshot.versions) this.bronzePositions.set(appId, version);
    return snapshot.versions;
  }

  /**
   * The stored positions of these streams, all as of the read version the next commit is checked from: when any of
   * them is not cached, they are loaded together (a group commit filters its slices with them).
   */
  async positionsOf(appIds: readonly string[]): Promise<ReadonlyMap<string, bigint | undefined>> {
    if (appIds.some((id) => !this.bronzePositions.has(id))) await this.loadPositions(appIds);
    return new Map(appIds.map((id) => [id, this.bronzePositions.get(id)]));
  }

  /** The position below which a stream's records are already in Bronze, loading it on first use. */
  async positionOf(appId: string): Promise<bigint | undefined> {
    return (await this.positionsOf([appId])).get(appId);
  }

  /**
   * Commits slices whose records are all above their stream's stored position (callers filter with
   * {@link positionOf}). On COMMIT_CONFLICT the cached positions are dropped and the error is rethrown.
   * `ticksTable` is `bronze.ticks` or a definition of that same table with a faster row → columns mapping (the
   * loader's); it changes how rows become Arrow, never where they go or what the commit records.
   */
  async commit(
    slices: readonly BronzeSlice[],
    ticksTable: TableDefinition<BronzeTickRow> = BRONZE_TICKS,
  ): Promise<BronzeCommit> {
    if (ticksTable.name !== BRONZE_TICKS.name || ticksTable.path !== BRONZE_TICKS.path) {
      throw new TypeError(`${ticksTable.name} at ${ticksTable.path} is not ${BRONZE_TICKS.name}`);
    }
    try {
      const rejects = await this.commitQuarantine(slices);
      const rows = slices.length === 1 ? slices[0]!.rows : slices.flatMap((s) => s.rows);
      const txns = slices.map((s): AppTransaction => ({ appId: s.appId, version: s.lastPosition }));
      const { version } = await this.lake.append(ticksTable, rows, txns, {
        readVersion: this.bronzeReadVersion,
      });
      this.bronzeReadVersion = version;
      for (const s of slices) this.bronzePositions.set(s.appId, s.lastPosition);
      return { version, rows: rows.length, rejects };
    } catch (error) {
      if (isCommitConflict(error)) {
        this.bronzePositions.clear();
        this.quarantinePositions.clear();
        this.bronzeReadVersion = undefined;
        this.quarantineReadVersion = undefined;
      }
      throw error;
    }
  }

  private async commitQuarantine(slices: readonly BronzeSlice[]): Promise<number> {
    const withRejects = slices.filter((s) => s.rejects.length > 0);
    if (withRejects.length === 0) return 0;
    const appIds = withRejects.map((s) => s.appId);
    if (appIds.some((id) => !this.quarantinePositions.has(id))) {
      const snapshot = await this.lake.transactionVersions(BRONZE_QUARANTINE, appIds);
      this.quarantinePositions.clear();
      this.quarantineReadVersion = snapshot.readVersion;
      for (const [appId, version] of snapshot.versions) this.quarantinePositions.set(appId, version);
    }
    const fresh = withRejects.map((s) => {
      const stored = this.quarantinePositions.get(s.appId);
      return {
        slice: s,
        rows: s.rejects.filter((r) => stored === undefined || r.position > stored).map((r) => r.row),
      };
    });
    const rows = fresh.flatMap((f) => f.rows);
    if (rows.length === 0) return 0;
    const { version } = await this.lake.append(
      BRONZE_QUARANTINE,
      rows,
      fresh.map((f) => ({ appId: f.slice.appId, version: f.slice.lastPosition })),
      { readVersion: this.quarantineReadVersion },
    );
    this.quarantineReadVersion = version;
    for (const f of fresh) this.quarantinePositions.set(f.slice.appId, f.slice.lastPosition);
    return rows.length;
  }
}
