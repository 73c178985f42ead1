import { type FileRecord } from './record-splitter';

/**
 * Consecutive records of a file cut out of one buffer, with no object per record: record `k` is
 * `bytes[starts[k], ends[k])`, starts on line `lines[k]` (1-based) and has index `firstIndex + k`. What a bulk
 * loader reads; {@link FileRecord}s are the same records one object each.
 */
export interface RecordBlock {
  readonly bytes: Buffer;
  readonly count: number;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly lines: Float64Array;
  /** 0-based ordinal in the file of the block's first record: the source position of record `k` is this plus k. */
  readonly firstIndex: number;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
/** A guess of records per byte for sizing a block's arrays (ticks are ~60–200 bytes); they grow when wrong. */
const BYTES_PER_RECORD_GUESS = 48;

/** Appends records to typed arrays that grow as needed, then hands them out as one {@link RecordBlock}. */
class BlockBuilder {
  private starts: Int32Array;
  private ends: Int32Array;
  private lines: Float64Array;
  private count = 0;

  constructor(
    private readonly bytes: Buffer,
    private readonly firstIndex: number,
    expected: number,
  ) {
    this.starts = new Int32Array(expected);
    this.ends = new Int32Array(expected);
    this.lines = new Float64Array(expected);
  }

  add(start: number, end: number, line: number): void {
    if (this.count === this.starts.length) this.grow();
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.lines[this.count] = line;
    this.count += 1;
  }

  get size(): number {
    return this.count;
  }

  finish(): RecordBlock {
    return {
      bytes: this.bytes,
      count: this.count,
      starts: this.starts.subarray(0, this.count),
      ends: this.ends.subarray(0, this.count),
      lines: this.lines.subarray(0, this.count),
      firstIndex: this.firstIndex,
    };
  }

  private grow(): void {
    const size = Math.max(16, this.starts.length * 2);
    const starts = new Int32Array(size);
    const ends = new Int32Array(size);
    const lines = new Float64Array(size);
    starts.set(this.starts);
    ends.set(this.ends);
    lines.set(this.lines);
    [this.starts, this.ends, this.lines] = [starts, ends, lines];
  }
}

/** Cuts a byte stream fed in arbitrary chunks into record blocks. */
export interface BlockSplitter {
  /** Feeds the next chunk; returns the blocks of records it completed (often one, sometimes none or two). */
  push(chunk: Buffer): RecordBlock[];
  /** Ends the stream; returns the last record's block if one was pending. */
  end(): RecordBlock[];
}

/**
 * NDJSON, the same records, indices and lines as {@link NdjsonSplitter}: one record per line, a trailing `\r`
 * dropped, blank lines skipped but counted. A chunk's lines stay in the chunk's own buffer; only a line that spans
 * two chunks is copied, into a block of its own.
 */
export class NdjsonBlockSplitter implements BlockSplitter {
  private pending: Buffer[] = [];
  private line = 1;
  private index = 0;

  push(chunk: Buffer): RecordBlock[] {
    const first = chunk.indexOf(NEWLINE);
    if (first === -1) {
      this.pending.push(chunk);
      return [];
    }
    const blocks: RecordBlock[] = [];
    let from = 0;
    if (this.pending.length > 0) {
      const joined = Buffer.concat([...this.pending, chunk.subarray(0, first)]);
      this.pending = [];
      const straddling = new BlockBuilder(joined, this.index, 1);
      this.cutLine(straddling, joined, 0, joined.length);
      this.line += 1;
      if (straddling.size > 0) blocks.push(straddling.finish());
      from = first + 1;
    }
    const last = chunk.lastIndexOf(NEWLINE);
    if (last >= from) {
      const block = new BlockBuilder(
        chunk,
        this.index,
        Math.ceil((last - from) / BYTES_PER_RECORD_GUESS) + 1,
      );
      for (
        let nl = chunk.indexOf(NEWLINE, from);
        nl !== -1 && nl <= last;
        nl = chunk.indexOf(NEWLINE, from)
      ) {
        this.cutLine(block, chunk, from, nl);
        this.line += 1;
        from = nl + 1;
      }
      if (block.size > 0) blocks.push(block.finish());
    }
    if (from < chunk.length) this.pending.push(chunk.subarray(from));
    return blocks;
  }

  end(): RecordBlock[] {
    if (this.pending.length === 0) return [];
    const rest = Buffer.concat(this.pending);
    this.pending = [];
    const block = new BlockBuilder(rest, this.index, 1);
    this.cutLine(block, rest, 0, rest.length);
    return block.size > 0 ? [block.finish()] : [];
  }

  private cutLine(block: BlockBuilder, bytes: Buffer, start: number, end: number): void {
    const stop = end > start && bytes[end - 1] === CARRIAGE_RETURN ? end - 1 : end;
    for (let i = start; i < stop; i++) {
      const byte = bytes[i]!;
      if (byte !== 0x20 && byte !== NEWLINE && byte !== CARRIAGE_RETURN && byte !== 0x09) {
        block.add(start, stop, this.line);
        this.index += 1;
        return;
      }
    }
  }
}

/** Packs records (from a splitter that yields them one object each) into one block, copying their bytes. */
export function blockOfRecords(records: readonly FileRecord[]): RecordBlock | undefined {
  if (records.length === 0) return undefined;
  const bytes = Buffer.concat(records.map((r) => r.bytes));
  const block = new BlockBuilder(bytes, records[0]!.index, records.length);
  let at = 0;
  for (const record of records) {
    block.add(at, at + record.bytes.length, record.line);
    at += record.bytes.length;
  }
  return block.finish();
}

/** The block's records from index `fromIndex` on (all of them, some, or none). */
export function blockFrom(block: RecordBlock, fromIndex: number): RecordBlock | undefined {
  const skip = fromIndex - block.firstIndex;
  if (skip <= 0) return block;
  if (skip >= block.count) return undefined;
  return {
    bytes: block.bytes,
    count: block.count - skip,
    starts: block.starts.subarray(skip),
    ends: block.ends.subarray(skip),
    lines: block.lines.subarray(skip),
    firstIndex: fromIndex,
  };
}
