import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createGunzip } from 'node:zlib';
import {
  blockFrom,
  blockOfRecords,
  type BlockSplitter,
  NdjsonBlockSplitter,
  type RecordBlock,
} from './record-block';
import { type FileRecord, JsonArraySplitter } from './record-splitter';

/** What a historical tick file holds, known before its records are read. */
export interface TickFileInfo {
  readonly path: string;
  /** SHA-256 of the file's bytes as stored: the same content under another name is the same source. */
  readonly fileId: string;
  readonly sizeBytes: number;
  readonly compressed: boolean;
}

export interface ReadOptions {
  /** Records per yielded chunk of {@link readTickFile}; chunks keep async iteration off the per-record path. */
  readonly chunkRecords?: number;
  /** Records with `index` below this are skipped without being yielded (resume after a crash). */
  readonly fromIndex?: number;
  /** Called with the number of stored (possibly compressed) bytes consumed so far, for progress and ETA. */
  readonly onBytes?: (bytesRead: number) => void;
}

const GZIP_MAGIC = [0x1f, 0x8b] as const;
const READ_CHUNK_BYTES = 1 << 20;
/** zlib's default output chunk is 16 KiB: far more chunks (and blocks) than the file has read buffers. */
const GUNZIP_CHUNK_BYTES = 256 << 10;
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
  let batch: FileRecord[] = [];
  for await (const block of readTickFileBlocks(info, options)) {
    for (let k = 0; k < block.count; k++) {
      batch.push({
        index: block.firstIndex + k,
        line: block.lines[k]!,
        bytes: block.bytes.subarray(block.starts[k], block.ends[k]),
      });
    }
    if (batch.length >= chunkRecords) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * The same records as {@link readTickFile}, as {@link RecordBlock}s: byte ranges into the read buffers, with no
 * object per record, for loaders that parse millions of them. `chunkRecords` does not apply.
 */
export async function* readTickFileBlocks(
  info: TickFileInfo,
  options: ReadOptions = {},
): AsyncGenerator<RecordBlock> {
  const fromIndex = options.fromIndex ?? 0;
  const raw = createReadStream(info.path, { highWaterMark: READ_CHUNK_BYTES });
  let bytesRead = 0;
  raw.on('data', (chunk) => {
    bytesRead += chunk.length;
    options.onBytes?.(bytesRead);
  });
  const source: AsyncIterable<Buffer> = info.compressed
    ? raw.pipe(createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES }))
    : raw;

  let splitter: BlockSplitter | undefined;
  try {
    for await (const chunk of source) {
      splitter ??= splitterFor(chunk);
      if (!splitter) continue; // only whitespace so far
      for (const block of splitter.push(chunk)) {
        const wanted = blockFrom(block, fromIndex);
        if (wanted) yield wanted;
      }
    }
    for (const block of splitter?.end() ?? []) {
      const wanted = blockFrom(block, fromIndex);
      if (wanted) yield wanted;
    }
  } finally {
    raw.destroy();
  }
}

/** A JSON array's elements, one block per chunk, through the element splitter. */
class JsonArrayBlockSplitter implements BlockSplitter {
  private readonly records = new JsonArraySplitter();

  push(chunk: Buffer): RecordBlock[] {
    const block = blockOfRecords(this.records.push(chunk));
    return block ? [block] : [];
  }

  end(): RecordBlock[] {
    const block = blockOfRecords(this.records.end());
    return block ? [block] : [];
  }
}

function splitterFor(firstChunk: Buffer): BlockSplitter | undefined {
  for (const byte of firstChunk) {
    if (byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) continue;
    return byte === 0x5b ? new JsonArrayBlockSplitter() : new NdjsonBlockSplitter();
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
