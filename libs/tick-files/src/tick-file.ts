import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { type FileRecord, JsonArraySplitter, NdjsonSplitter, type RecordSplitter } from './record-splitter';

/** What a historical tick file holds, known before its records are read. */
export interface TickFileInfo {
  readonly path: string;
  /** SHA-256 of the file's bytes as stored: the same content under another name is the same source. */
  readonly fileId: string;
  readonly sizeBytes: number;
  readonly compressed: boolean;
}

export interface ReadOptions {
  /** Records per yielded chunk; chunks keep the per-record overhead of async iteration off the hot path. */
  readonly chunkRecords?: number;
  /** Records with `index` below this are skipped without being yielded (resume after a crash). */
  readonly fromIndex?: number;
  /** Called with the number of stored (possibly compressed) bytes consumed so far, for progress and ETA. */
  readonly onBytes?: (bytesRead: number) => void;
}

const GZIP_MAGIC = [0x1f, 0x8b] as const;
const READ_CHUNK_BYTES = 1 << 20;
const DEFAULT_CHUNK_RECORDS = 8192;
const TICK_FILE_PATTERN = /\.(json|jsonl|ndjson)(\.gz)?$/i;

/** Hashes and sniffs a file without reading its records. */
export async function describeTickFile(path: string): Promise<TickFileInfo> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(2);
    await handle.read(head, 0, 2, 0);
    const hash = createHash('sha256');
    for await (const chunk of handle.createReadStream({
      start: 0,
      highWaterMark: READ_CHUNK_BYTES,
      autoClose: false,
    })) {
      hash.update(chunk as Buffer);
    }
    return {
      path,
      fileId: hash.digest('hex'),
      sizeBytes: size,
      compressed: size >= 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1],
    };
  } finally {
    await handle.close();
  }
}

/**
 * Streams a tick file's records in chunks: NDJSON or one JSON array, either optionally gzipped (detected from the
 * bytes, not the name). Memory is bounded by the read buffer and the largest record, never by the file.
 */
export async function* readTickFile(
  info: TickFileInfo,
  options: ReadOptions = {},
): AsyncGenerator<FileRecord[]> {
  const chunkRecords = options.chunkRecords ?? DEFAULT_CHUNK_RECORDS;
  const fromIndex = options.fromIndex ?? 0;
  const raw = createReadStream(info.path, { highWaterMark: READ_CHUNK_BYTES });
  let bytesRead = 0;
  raw.on('data', (chunk) => {
    bytesRead += chunk.length;
    options.onBytes?.(bytesRead);
  });
  const source: AsyncIterable<Buffer> = info.compressed ? raw.pipe(createGunzip()) : raw;

  let splitter: RecordSplitter | undefined;
  let batch: FileRecord[] = [];
  const take = (records: FileRecord[]): void => {
    for (const record of records) if (record.index >= fromIndex) batch.push(record);
  };
  try {
    for await (const chunk of source) {
      splitter ??= splitterFor(chunk);
      if (!splitter) continue; // only whitespace so far
      take(splitter.push(chunk));
      if (batch.length >= chunkRecords) {
        yield batch;
        batch = [];
      }
    }
    if (splitter) take(splitter.end());
    if (batch.length > 0) yield batch;
  } finally {
    raw.destroy();
  }
}

function splitterFor(firstChunk: Buffer): RecordSplitter | undefined {
  for (const byte of firstChunk) {
    if (byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) continue;
    return byte === 0x5b ? new JsonArraySplitter() : new NdjsonSplitter();
  }
  return undefined;
}

/**
 * Expands loader arguments into tick files, in a stable order: a file as given; a directory's tick files
 * (`*.json`, `*.jsonl`, `*.ndjson`, optionally `.gz`), sorted by name; a glob pattern's matches, sorted.
 */
export async function expandTickFileArgs(args: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const arg of args) {
    const info = await stat(arg).catch(() => undefined);
    if (info?.isFile()) files.push(arg);
    else if (info?.isDirectory()) {
      const names = (await readdir(arg)).filter((n) => TICK_FILE_PATTERN.test(n)).sort();
      files.push(...names.map((n) => join(arg, n)));
    } else {
      const { glob } = await import('node:fs/promises');
      const matches: string[] = [];
      for await (const match of glob(arg)) if (TICK_FILE_PATTERN.test(basename(match))) matches.push(match);
      if (matches.length === 0) throw new Error(`no tick files match ${JSON.stringify(arg)}`);
      files.push(...matches.sort());
    }
  }
  return [...new Set(files)];
}
