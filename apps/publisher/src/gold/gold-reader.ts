import { DeltaError, DeltaTable, SqlSession } from '@lakehouse/delta';
import {
  BRONZE_TICKS,
  GOLD_ACCURACY,
  GOLD_BARS_1M,
  GOLD_PREDICTIONS,
  SILVER_POSITION_APP_ID,
  tableUri,
} from '@lakehouse/lake';
import { type Table as ArrowTable } from 'apache-arrow';

/** Where to read a table: its latest version, a version, or the latest version committed by an instant. */
export type TimeTravel =
  | { readonly kind: 'latest' }
  | { readonly kind: 'version'; readonly version: number }
  | { readonly kind: 'asOf'; readonly asOf: Date };

export const LATEST: TimeTravel = { kind: 'latest' };

/** The tables the read side serves, by name (a whitelist: nothing else can be opened through it). */
export const READABLE_TABLES = {
  'gold.predictions': GOLD_PREDICTIONS.path,
  'gold.accuracy': GOLD_ACCURACY.path,
  'gold.bars_1m': GOLD_BARS_1M.path,
  'silver.ticks': 'silver/ticks',
  'bronze.ticks': BRONZE_TICKS.path,
} as const satisfies Record<string, string>;

export type ReadableTable = keyof typeof READABLE_TABLES;

export type GoldReadErrorCode = 'VERSION_NOT_FOUND' | 'TABLE_NOT_FOUND';

export class GoldReadError extends Error {
  constructor(
    readonly code: GoldReadErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'GoldReadError';
  }
}

export interface CommitEntry {
  readonly version: number;
  readonly timestamp: string | null;
  readonly operation: string | null;
}

/**
 * Read access to the lake for the API and the accuracy job: a table pinned at a version (time travel) and SQL over
 * it. Queries are built by callers from validated, typed values only. A reader for batch work (the Gold writer's
 * bars and accuracy) runs its SQL on the binding's background runtime (`{ background: true }`), so it yields the
 * cores to the live sockets and the API.
 */
export class GoldReader {
  private readonly handles = new Map<ReadableTable, Promise<DeltaTable>>();

  constructor(
    private readonly lakeRoot: string,
    private readonly options: { readonly background?: boolean } = {},
  ) {}

  /** A read-only handle at the requested point; VERSION_NOT_FOUND when the table has no such version. */
  async at(name: ReadableTable, travel: TimeTravel): Promise<DeltaTable> {
    const latest = await this.latest(name);
    if (travel.kind === 'latest') {
      await latest.refresh();
      return latest;
    }
    if (travel.kind === 'version') {
      const newest = await latest.latestVersion();
      if (travel.version > newest)
        throw new GoldReadError(
          'VERSION_NOT_FOUND',
          `${name} has no version ${travel.version} (latest ${newest})`,
        );
    } else {
      const created = (await latest.metadata()).createdTime;
      if (created !== undefined && travel.asOf.getTime() < created)
        throw new GoldReadError(
          'VERSION_NOT_FOUND',
          `${name} did not exist at ${travel.asOf.toISOString()} (created ${new Date(created).toISOString()})`,
        );
    }
    try {
      return await latest.checkout(
        travel.kind === 'version' ? { version: travel.version } : { asOf: travel.asOf },
      );
    } catch (error) {
      if (
        error instanceof DeltaError &&
        (error.code === 'INVALID_ARGUMENT' || error.code === 'TABLE_NOT_FOUND')
      )
        throw new GoldReadError(
          'VERSION_NOT_FOUND',
          `${name} has no version at that point: ${error.message}`,
        );
      throw error;
    }
  }

  /** Runs `sql` with `table` registered as `t`; returns the result and the version it read. */
  async query(
    name: ReadableTable,
    travel: TimeTravel,
    sql: (t: string) => string,
  ): Promise<{
    readonly rows: ArrowTable;
    readonly version: number;
  }> {
    const table = await this.at(name, travel);
    const version = await table.version();
    const session = SqlSession.create({ background: this.options.background ?? false });
    await session.register('t', table, { version });
    return { rows: await session.sql(sql('t')), version };
  }

  /**
   * The last Bronze version `silver.ticks` covers (the refiner's position, `SILVER_POSITION_APP_ID`), as of its
   * latest version; `undefined` while Silver does not exist or holds no position yet.
   */
  async silverPosition(): Promise<bigint | undefined> {
    try {
      const version = await (await this.at('silver.ticks', LATEST)).txnVersion(SILVER_POSITION_APP_ID);
      return version === undefined ? undefined : BigInt(version);
    } catch (error) {
      if (error instanceof GoldReadError && error.code === 'TABLE_NOT_FOUND') return undefined;
      throw error;
    }
  }

  async latestVersion(name: ReadableTable): Promise<number | null> {
    try {
      return await (await this.latest(name)).latestVersion();
    } catch (error) {
      if (error instanceof GoldReadError) return null;
      throw error;
    }
  }

  async history(name: ReadableTable, limit: number): Promise<CommitEntry[]> {
    const commits = await (await this.latest(name)).history(limit);
    return commits.map((c) => ({
      version: c.version,
      timestamp: c.timestamp?.toISOString() ?? null,
      operation: c.operation ?? null,
    }));
  }

  uriOf(name: ReadableTable): string {
    return tableUri(this.lakeRoot, { path: READABLE_TABLES[name] });
  }

  private latest(name: ReadableTable): Promise<DeltaTable> {
    let handle = this.handles.get(name);
    if (!handle) {
      handle = DeltaTable.open(this.uriOf(name)).catch((error: unknown) => {
        this.handles.delete(name);
        if (error instanceof DeltaError && error.code === 'TABLE_NOT_FOUND')
          throw new GoldReadError('TABLE_NOT_FOUND', `${name} does not exist yet`);
        throw error;
      });
      this.handles.set(name, handle);
    }
    return handle;
  }
}

/** The rows of a query result as plain objects keyed by column name. */
export function recordsOf(table: ArrowTable): Record<string, unknown>[] {
  return table.toArray().map((row) => (row as { toJSON(): Record<string, unknown> }).toJSON());
}
