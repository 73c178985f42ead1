import { type TickParserOptions } from '@lakehouse/domain';
import { describeTickFile, readTickFileBlocks, type TickFileInfo } from '@lakehouse/tick-files';
import { type BronzeExactlyOnce, type BronzeSlice, fileAppId } from '../bronze/bronze-exactly-once';
import { toBronzeOutcome } from '../bronze/bronze-rows';
import { type ProgressReporter } from './progress-reporter';
import { BRONZE_TICKS_FROM_FILES, TickFileBatch } from './tick-file-batch';
import { TickLineParser } from './tick-line-parser';

export interface LoaderOptions {
  readonly parser: TickParserOptions;
  /** Records per Bronze commit at most: how much a crash makes the resume redo. */
  readonly commitRecords: number;
  /**
   * Record bytes per Bronze commit at most (default {@link DEFAULT_COMMIT_BYTES}): what bounds the loader's memory
   * whatever the record size, since a commit's Arrow, IPC and Parquet buffers all scale with it.
   */
  readonly commitBytes?: number;
  /** How many bad records are reported one by one (all of them are quarantined with their line). */
  readonly reportBadRecords: number;
  /**
   * Let each batch reuse the arrays of the batch committed before it, so memory stays at two batches however
   * long the file: only for a lake that copies rows into its table at append and keeps no reference to them
   * (the Delta lake; not the in-memory fake, which keeps the rows themselves). Default: off.
   */
  readonly reuseBatchMemory?: boolean;
}

export interface BadRecord {
  readonly line: number;
  readonly code: string;
  readonly message: string;
}

export interface FileLoadSummary {
  readonly path: string;
  readonly fileId: string;
  /** Record index the load started from: 0, or where an earlier (crashed) load had stopped. */
  readonly resumedFrom: number;
  readonly records: number;
  readonly loaded: number;
  readonly rejected: number;
  readonly badRecords: readonly BadRecord[];
  readonly commits: readonly bigint[];
  readonly bytes: number;
  readonly elapsedMs: number;
}

/** Hooks the loader calls; the CLI wires them to the clock, the bus and logs. */
export interface LoaderHooks {
  readonly nowUs: () => bigint;
  readonly nowMs: () => number;
  readonly onCommit?: (version: bigint, rows: number) => Promise<void>;
  readonly progress?: ProgressReporter;
}

/** 8 MiB of ticks (~90k of ~90 bytes) per commit: a few tens of MB of Arrow and Parquet in flight, not hundreds. */
export const DEFAULT_COMMIT_BYTES = 8 << 20;

type LoadState = {
  records: number;
  loaded: number;
  rejected: number;
  bytes: number;
  bad: BadRecord[];
  commits: bigint[];
};

/**
 * Loads historical tick files into Bronze through the same exactly-once module as the live path. A file is a
 * stream whose position is (content hash, record index): loading a file again, or resuming after a crash, starts
 * after the last committed record, so nothing is doubled and nothing skipped.
 *
 * Records are read in blocks and parsed by {@link TickLineParser} straight into a {@link TickFileBatch} (typed
 * arrays); what it does not take goes through `toBronzeOutcome`, the live path's parser, so both judge a tick the
 * same way. Commits are sequential (each one's position follows the previous one's) but overlap the parsing of
 * the next batch: at most one commit is in flight, so memory holds two batches whatever the file size.
 */
export class TickFileLoader {
  constructor(
    private readonly bronze: BronzeExactlyOnce,
    private readonly options: LoaderOptions,
    private readonly hooks: LoaderHooks,
  ) {}

  async load(path: string): Promise<FileLoadSummary> {
    const started = this.hooks.nowMs();
    const info = await describeTickFile(path);
    const appId = fileAppId(info.fileId);
    const stored = await this.bronze.positionOf(appId);
    const resumedFrom = stored === undefined ? 0 : Number(stored) + 1;
    const state: LoadState = { records: 0, loaded: 0, rejected: 0, bytes: 0, bad: [], commits: [] };
    const commitBytes = this.options.commitBytes ?? DEFAULT_COMMIT_BYTES;
    const parser = new TickLineParser(this.options.parser);

    let inFlight: Promise<void> | undefined;
    let committing: TickFileBatch | undefined;
    /** Starts committing `batch` once the commit in flight has settled; returns that settled commit's batch. */
    const submit = async (batch: TickFileBatch): Promise<TickFileBatch | undefined> => {
      if (batch.lastIndex < 0) return undefined;
      await inFlight;
      const settled = committing;
      committing = batch;
      inFlight = this.commit(appId, batch, state);
      // Its failure is rethrown by the next submit or the final wait; this only keeps it from going unhandled.
      inFlight.catch(() => undefined);
      return settled;
    };

    let batch = new TickFileBatch(info.fileId, undefined, undefined, commitBytes);
    try {
      for await (const block of readTickFileBlocks(info, {
        fromIndex: resumedFrom,
        onBytes: (b) => {
          state.bytes = b;
        },
      })) {
        const ingestTimeUs = this.hooks.nowUs();
        const { bytes, starts, ends, lines, firstIndex } = block;
        for (let k = 0; k < block.count; k++) {
          const start = starts[k]!;
          const end = ends[k]!;
          const line = lines[k]!;
          const index = firstIndex + k;
          if (parser.parse(bytes, start, end)) {
            batch.addParsed(parser, bytes, start, end, index, line, ingestTimeUs);
          } else
            this.takeSlowly(batch, info, bytes.subarray(start, end), index, line, ingestTimeUs, state.bad);
          state.records += 1;
          if (batch.size >= this.options.commitRecords || batch.bytes >= commitBytes) {
            const settled = await submit(batch);
            batch = new TickFileBatch(
              info.fileId,
              batch,
              this.options.reuseBatchMemory ? settled : undefined,
            );
          }
        }
        this.hooks.progress?.update(this.snapshot(info, state.bytes, state.records, started));
      }
      await submit(batch);
      await inFlight;
    } catch (error) {
      await inFlight?.catch(() => undefined);
      throw error;
    }
    this.hooks.progress?.update(this.snapshot(info, info.sizeBytes, state.records, started), true);
    return {
      path,
      fileId: info.fileId,
      resumedFrom,
      records: state.records,
      loaded: state.loaded,
      rejected: state.rejected,
      badRecords: state.bad,
      commits: state.commits,
      bytes: info.sizeBytes,
      elapsedMs: this.hooks.nowMs() - started,
    };
  }

  private async commit(appId: string, batch: TickFileBatch, state: LoadState): Promise<void> {
    const slice: BronzeSlice = {
      appId,
      lastPosition: BigInt(batch.lastIndex),
      rows: batch.rows,
      rejects: batch.rejects,
    };
    const commit = await this.bronze.commit([slice], BRONZE_TICKS_FROM_FILES);
    state.commits.push(commit.version);
    state.loaded += commit.rows;
    state.rejected += batch.rejects.length;
    await this.hooks.onCommit?.(commit.version, commit.rows);
  }

  /** A record the fast parser left to the reference parser: a row, or a reject reported by its line. */
  private takeSlowly(
    batch: TickFileBatch,
    info: TickFileInfo,
    bytes: Uint8Array,
    index: number,
    line: number,
    ingestTimeUs: bigint,
    bad: BadRecord[],
  ): void {
    const source = { kind: 'batch', fileId: info.fileId, record: index, line } as const;
    const outcome = toBronzeOutcome(bytes, source, ingestTimeUs, this.options.parser);
    if (outcome.kind === 'row') {
      batch.addRow(outcome.row, index, line, bytes.length);
      return;
    }
    batch.addReject(outcome.reject, index, bytes.length);
    if (bad.length < this.options.reportBadRecords) {
      bad.push({ line, code: outcome.reject.reasonCode, message: outcome.reject.reasonMessage });
    }
  }

  private snapshot(info: TickFileInfo, bytesDone: number, records: number, started: number) {
    return {
      label: info.path,
      bytesDone,
      bytesTotal: info.sizeBytes,
      records,
      elapsedMs: this.hooks.nowMs() - started,
    };
  }
}
