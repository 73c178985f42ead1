import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type OptimizeOptions,
  type OptimizeResult,
  type VacuumOptions,
  type VacuumResult,
} from '@lakehouse/delta';
import { Int64, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { type MaintainableTable, TableUpkeep, type UpkeepSettings } from './table-upkeep';

const WINDOW_HOURS = 168;
const NOW_MS = Date.UTC(2026, 0, 3, 12);
const SMALL_FILE_BYTES = 1000;
const SETTINGS: UpkeepSettings = {
  windowHours: WINDOW_HOURS,
  vacuumForce: false,
  vacuumDryRun: false,
  targetFileBytes: 10_000,
  smallFileBytes: SMALL_FILE_BYTES,
  minSmallFiles: 2,
  openPartitionSmallFiles: 10,
  optimizeAttempts: 3,
};
const TABLE = { name: 'silver.ticks', path: 'silver/ticks', datePartition: 'event_date' };
const NO_STATS = { totalFiles: 0, totalSize: 0, min: 0, max: 0, avg: 0 };

/** A table whose files are three small ones in a closed partition, and whose optimize loses `conflicts` races. */
class FakeTable implements MaintainableTable {
  readonly vacuums: VacuumOptions[] = [];
  readonly optimizes: (OptimizeOptions | undefined)[] = [];
  optimizeCalls = 0;
  private compacted = false;

  cleanups = 0;

  constructor(
    private readonly conflicts: number,
    private readonly configuration: Record<string, string> = {
      'delta.deletedFileRetentionDuration': 'interval 7 days',
    },
    private readonly partition = '2026-01-01',
  ) {}

  version(): Promise<number> {
    return Promise.resolve(this.compacted ? 4 : 3);
  }

  files(): Promise<Table> {
    const sizes = this.compacted ? [900n * 3n] : [900n, 900n, 900n];
    return Promise.resolve(
      new Table({
        size_bytes: vectorFromArray(sizes, new Int64()),
        'partition.event_date': vectorFromArray(
          sizes.map(() => this.partition),
          new Utf8(),
        ),
      }),
    );
  }

  metadata(): Promise<{ configuration: Record<string, string> }> {
    return Promise.resolve({ configuration: this.configuration });
  }

  optimize(options?: OptimizeOptions): Promise<OptimizeResult> {
    this.optimizes.push(options);
    this.optimizeCalls += 1;
    if (this.optimizeCalls <= this.conflicts) {
      // The binding's CommitConflictError, by its stable code (the unit layer does not load the native module).
      return Promise.reject(Object.assign(new Error('a writer removed a file'), { code: 'COMMIT_CONFLICT' }));
    }
    this.compacted = true;
    return Promise.resolve({
      version: 4,
      numFilesAdded: 1,
      numFilesRemoved: 3,
      filesAdded: NO_STATS,
      filesRemoved: NO_STATS,
      partitionsOptimized: 1,
      numBatches: 1,
      totalConsideredFiles: 3,
      totalFilesSkipped: 0,
    });
  }

  vacuum(options?: VacuumOptions): Promise<VacuumResult> {
    this.vacuums.push(options ?? {});
    return Promise.resolve({ dryRun: options?.dryRun ?? false, filesDeleted: ['part-1.parquet'] });
  }

  createCheckpoint(): Promise<number> {
    return this.version();
  }

  cleanupMetadata(): Promise<number> {
    this.cleanups += 1;
    return Promise.resolve(0);
  }
}

function upkeep(settings: Partial<UpkeepSettings> = {}) {
  const warnings: Array<Record<string, unknown>> = [];
  const runner = new TableUpkeep({ ...SETTINGS, ...settings }, () => NOW_MS, {
    log: () => undefined,
    warn: (fields) => warnings.push(fields),
  });
  return { runner, warnings };
}

describe('TableUpkeep', () => {
  it('compacts only today’s partition of an append-only table once it holds enough small files', async () => {
    const bronze = {
      name: 'bronze.ticks',
      path: 'bronze/ticks',
      datePartition: 'event_date',
      appendOnly: true,
    };
    const today = new FakeTable(0, undefined, '2026-01-03');
    const row = await upkeep({ openPartitionSmallFiles: 3 }).runner.run(today, bronze, {
      operation: 'optimize_open',
    });
    assert.equal(row.result, 'ok');
    assert.deepEqual(today.optimizes[0]?.partitionFilters, [
      { column: 'event_date', op: '=', value: '2026-01-03' },
    ]);

    const few = new FakeTable(0, undefined, '2026-01-03');
    const skipped = await upkeep({ openPartitionSmallFiles: 4 }).runner.run(few, bronze, {
      operation: 'optimize_open',
    });
    assert.equal(skipped.result, 'skipped');
    assert.match(skipped.detail, /too few small files in the open partition 2026-01-03 \(3 < 4\)/);
    assert.equal(few.optimizeCalls, 0);

    const merged = new FakeTable(0, undefined, '2026-01-03');
    const notAppendOnly = await upkeep({ openPartitionSmallFiles: 3 }).runner.run(merged, TABLE, {
      operation: 'optimize_open',
    });
    assert.equal(
      notAppendOnly.result,
      'skipped',
      'a MERGE-written table is compacted on the slow schedule only',
    );
    assert.equal(merged.optimizeCalls, 0);
  });

  it('retries an OPTIMIZE that lost a commit race and records files before and after', async () => {
    const table = new FakeTable(2);
    const row = await upkeep().runner.run(table, TABLE, { operation: 'optimize' });
    assert.equal(row.result, 'ok');
    assert.equal(table.optimizeCalls, 3);
    assert.equal(row.filesBefore, 3n);
    assert.equal(row.filesAfter, 1n);
    assert.equal((JSON.parse(row.detail) as { attempts: number }).attempts, 3);
  });

  it('records an OPTIMIZE that keeps losing as skipped with COMMIT_CONFLICT, having changed nothing', async () => {
    const table = new FakeTable(Number.POSITIVE_INFINITY);
    const row = await upkeep().runner.run(table, TABLE, { operation: 'optimize' });
    assert.equal(row.result, 'skipped');
    assert.equal(row.errorCode, 'COMMIT_CONFLICT');
    assert.equal(table.optimizeCalls, SETTINGS.optimizeAttempts);
    assert.equal(row.filesAfter, row.filesBefore);
  });

  it('refuses a VACUUM below the window without calling the table', async () => {
    const table = new FakeTable(0);
    const row = await upkeep().runner.run(table, TABLE, { operation: 'vacuum', retentionHours: 1 });
    assert.equal(row.result, 'refused');
    assert.equal(row.errorCode, 'VACUUM_RETENTION_BELOW_WINDOW');
    assert.deepEqual(table.vacuums, []);
  });

  it('runs a forced VACUUM below the window, logs a warning and records it as forced', async () => {
    const table = new FakeTable(0);
    const { runner, warnings } = upkeep();
    const row = await runner.run(table, TABLE, { operation: 'vacuum', retentionHours: 1, force: true });
    assert.equal(row.result, 'ok');
    assert.equal(row.forced, true);
    assert.equal(table.vacuums[0]?.enforceRetention, false);
    assert.ok(warnings.some((w) => w.msg === 'VACUUM forced below the time-travel window'));
  });

  it('lets a dry run list what a shorter retention would delete, deleting nothing and forcing nothing', async () => {
    const table = new FakeTable(0);
    const row = await upkeep().runner.run(table, TABLE, {
      operation: 'vacuum',
      retentionHours: 0,
      dryRun: true,
    });
    assert.equal(row.result, 'dry_run');
    assert.equal(row.forced, false);
    assert.equal(row.filesDeleted, 1n);
    assert.equal(table.vacuums[0]?.dryRun, true);
  });

  it('vacuums with the window by default, in full mode for the orphan pass', async () => {
    const table = new FakeTable(0);
    const row = await upkeep().runner.run(table, TABLE, { operation: 'vacuum_full' });
    assert.equal(row.retentionHours, WINDOW_HOURS);
    assert.equal(table.vacuums[0]?.mode, 'full');
    assert.equal(table.vacuums[0]?.enforceRetention, true);
  });

  it('cleans up the log of a table that keeps its log at least as long as the window', async () => {
    const table = new FakeTable(0, { 'delta.logRetentionDuration': 'interval 30 days' });
    const row = await upkeep().runner.run(table, TABLE, { operation: 'log_cleanup' });
    assert.equal(row.result, 'ok');
    assert.equal(table.cleanups, 1);
  });

  it('refuses log cleanup on a table whose log retention is shorter than the window, unless forced', async () => {
    const short = { 'delta.logRetentionDuration': 'interval 1 days' };
    const table = new FakeTable(0, short);
    const refused = await upkeep().runner.run(table, TABLE, { operation: 'log_cleanup' });
    assert.equal(refused.result, 'refused');
    assert.equal(refused.errorCode, 'LOG_RETENTION_BELOW_WINDOW');
    assert.equal(table.cleanups, 0);
    const forced = await upkeep().runner.run(table, TABLE, { operation: 'log_cleanup', force: true });
    assert.equal(forced.result, 'ok');
    assert.equal(forced.forced, true);
    assert.equal(table.cleanups, 1);
  });
});
