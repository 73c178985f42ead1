import { type TickParserOptions } from '@lakehouse/domain';
import { type BronzeSource } from '@lakehouse/lake';
import { describeTickFile, readTickFile, type TickFileInfo } from '@lakehouse/tick-files';
import { type BronzeExactlyOnce, type BronzeSlice, fileAppId } from '../bronze/bronze-exactly-once';
import { toBronzeOutcome } from '../bronze/bronze-rows';
import { type ProgressReporter } from './progress-reporter';

export interface LoaderOptions {
  readonly parser: TickParserOptions;
  /** Records per Bronze commit: bounds memory, and how much a crash makes the resume redo. */
  readonly commitRecords: number;
  /** How many bad records are reported one by one (all of them are quarantined with their line). */
  readonly reportBadRecords: number;
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

/**
 * Loads historical tick files into Bronze through the same exactly-once module as the live path. A file is a
 * stream whose position is (content hash, record index): loading a file again, or resuming after a crash, starts
 * after the last committed record, so nothing is doubled and nothing skipped.
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
    const state = {
      records: 0,
      loaded: 0,
      rejected: 0,
      bytes: 0,
      bad: [] as BadRecord[],
      commits: [] as bigint[],
    };

    let slice = emptySlice(appId);
    const flush = async (): Promise<void> => {
      if (slice.lastPosition < 0n) return;
      const commit = await this.bronze.commit([slice]);
      state.commits.push(commit.version);
      state.loaded += commit.rows;
      state.rejected += slice.rejects.length;
      await this.hooks.onCommit?.(commit.version, commit.rows);
      slice = emptySlice(appId);
    };

    for await (const chunk of readTickFile(info, {
      fromIndex: resumedFrom,
      onBytes: (b) => {
        state.bytes = b;
      },
    })) {
      for (const record of chunk) {
        this.take(slice, info, record.index, record.line, record.bytes, state.bad);
        state.records += 1;
        if (slice.rows.length + slice.rejects.length >= this.options.commitRecords) await flush();
      }
      this.hooks.progress?.update(this.snapshot(info, state.bytes, state.records, started));
    }
    await flush();
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

  private take(
    slice: MutableSlice,
    info: TickFileInfo,
    index: number,
    line: number,
    bytes: Uint8Array,
    bad: BadRecord[],
  ): void {
    const source: BronzeSource = { kind: 'batch', fileId: info.fileId, record: index, line };
    const outcome = toBronzeOutcome(bytes, source, this.hooks.nowUs(), this.options.parser);
    const position = BigInt(index);
    if (outcome.kind === 'row') slice.rows.push(outcome.row);
    else {
      slice.rejects.push({ position, row: outcome.reject });
      if (bad.length < this.options.reportBadRecords) {
        bad.push({ line, code: outcome.reject.reasonCode, message: outcome.reject.reasonMessage });
      }
    }
    slice.lastPosition = position;
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

type MutableSlice = {
  -readonly [K in keyof BronzeSlice]: BronzeSlice[K] extends readonly (infer T)[] ? T[] : BronzeSlice[K];
};

function emptySlice(appId: string): MutableSlice {
  return { appId, lastPosition: -1n, rows: [], rejects: [] };
}
