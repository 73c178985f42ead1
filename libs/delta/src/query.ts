import type { RecordBatch, Table } from 'apache-arrow';

import { SqlSession as NativeSqlSession, type SessionOptions } from '../native/native.js';
import { batchFromIpc, fromIpc } from './arrow.js';
import type { DeltaTable } from './delta-table.js';
import { callNative } from './errors.js';

/** How to register a table in a {@link SqlSession}. */
export type { SessionOptions };

export interface RegisterOptions {
  /** Pin the registered table to this version (time travel); latest otherwise. */
  readonly version?: number;
}

/**
 * A DataFusion SQL session over one or more Delta tables, each registered under a name and optionally
 * pinned to a version. A registration is a snapshot: re-register to see newer commits.
 */
export class SqlSession {
  private constructor(private readonly inner: NativeSqlSession) {}

  /**
   * Creates an empty session. `background: true` runs its `register` and `sql` on the binding's background runtime,
   * at a lower priority (see the README), for batch work beside a latency path.
   */
  static create(options: SessionOptions = {}): SqlSession {
    return new SqlSession(new NativeSqlSession(options));
  }

  /** Registers `table` as `name` (a plain identifier), at its latest version or at `options.version`. */
  async register(name: string, table: DeltaTable, options: RegisterOptions = {}): Promise<this> {
    const { uri, storageOptions } = table.location();
    await callNative(() => this.inner.register(name, uri, { storageOptions, version: options.version }));
    return this;
  }

  /** Runs a query and returns its whole result. Invalid SQL throws `INVALID_ARGUMENT`. */
  async sql(query: string): Promise<Table> {
    return fromIpc(await callNative(() => this.inner.sql(query)));
  }

  /** Runs a query and yields its result batch by batch, for results too large to hold at once. */
  async *stream(query: string): AsyncGenerator<RecordBatch, void, undefined> {
    const stream = await callNative(() => this.inner.sqlStream(query));
    try {
      for (;;) {
        const next = await callNative(() => stream.next());
        if (next === null || next === undefined) return;
        const batch = batchFromIpc(next);
        if (batch !== undefined) yield batch;
      }
    } finally {
      await stream.close();
    }
  }
}
