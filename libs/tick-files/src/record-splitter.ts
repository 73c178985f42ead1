/** One record cut out of a file, before any parsing: its bytes and where it came from. */
export interface FileRecord {
  /** 0-based ordinal of the record in the file: the stable source position used for idempotent loads. */
  readonly index: number;
  /** 1-based line on which the record starts, for error reports. */
  readonly line: number;
  readonly bytes: Buffer;
}

/** Cuts records out of a byte stream fed in arbitrary chunks. */
export interface RecordSplitter {
  /** Feeds the next chunk; returns the records completed by it. */
  push(chunk: Buffer): FileRecord[];
  /** Ends the stream; returns the last record if one was pending. */
  end(): FileRecord[];
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * NDJSON: one record per line. Blank lines are skipped but still counted, so `line` always matches what an editor
 * shows; `index` counts records only.
 */
export class NdjsonSplitter implements RecordSplitter {
  private pending: Buffer[] = [];
  private line = 1;
  private index = 0;

  push(chunk: Buffer): FileRecord[] {
    const out: FileRecord[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE, start); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      const piece = chunk.subarray(start, nl);
      const bytes = this.pending.length > 0 ? Buffer.concat([...this.pending, piece]) : piece;
      this.pending = [];
      this.emit(bytes, out);
      this.line += 1;
      start = nl + 1;
    }
    if (start < chunk.length) this.pending.push(chunk.subarray(start));
    return out;
  }

  end(): FileRecord[] {
    const out: FileRecord[] = [];
    if (this.pending.length > 0) this.emit(Buffer.concat(this.pending), out);
    this.pending = [];
    return out;
  }

  private emit(raw: Buffer, out: FileRecord[]): void {
    const bytes =
      raw.length > 0 && raw[raw.length - 1] === CARRIAGE_RETURN ? raw.subarray(0, raw.length - 1) : raw;
    if (isBlank(bytes)) return;
    out.push({ index: this.index++, line: this.line, bytes });
  }
}

const enum ArrayState {
  BeforeOpen,
  BeforeElement,
  InElement,
  AfterElement,
  Closed,
}

const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const COMMA = 0x2c;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Thrown when a JSON-array file is broken at the top level, where no record boundary can be found any more. */
export class FileStructureError extends Error {
  readonly code = 'FILE_STRUCTURE';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`${message} (line ${line})`);
  }
}

/**
 * A top-level JSON array of records, split element by element without parsing them: it tracks nesting depth and
 * string state only, so a malformed element still comes out as one record (and fails later, with its position),
 * while memory stays bounded by the largest element rather than the file.
 */
export class JsonArraySplitter implements RecordSplitter {
  private state = ArrayState.BeforeOpen;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private pending: Buffer[] = [];
  private elementLine = 1;
  private line = 1;
  private index = 0;

  push(chunk: Buffer): FileRecord[] {
    const out: FileRecord[] = [];
    let elementStart = this.state === ArrayState.InElement ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (byte === NEWLINE) this.line += 1;
      switch (this.state) {
        case ArrayState.BeforeOpen:
          if (byte === OPEN_BRACKET) this.state = ArrayState.BeforeElement;
          else if (!isWhitespace(byte))
            throw new FileStructureError('expected "[" to open the array', this.line);
          break;
        case ArrayState.BeforeElement:
          if (byte === CLOSE_BRACKET && this.index === 0) this.state = ArrayState.Closed;
          else if (!isWhitespace(byte)) {
            this.state = ArrayState.InElement;
            this.elementLine = this.line;
            elementStart = i;
            i = this.scanElement(chunk, i, elementStart, out);
            if (this.state !== ArrayState.InElement) elementStart = -1;
          }
          break;
        case ArrayState.InElement:
          i = this.scanElement(chunk, i, elementStart, out);
          if (this.state !== ArrayState.InElement) elementStart = -1;
          break;
        case ArrayState.AfterElement:
          if (byte === COMMA) this.state = ArrayState.BeforeElement;
          else if (byte === CLOSE_BRACKET) this.state = ArrayState.Closed;
          else if (!isWhitespace(byte))
            throw new FileStructureError('expected "," or "]" after an element', this.line);
          break;
        case ArrayState.Closed:
          if (!isWhitespace(byte)) throw new FileStructureError('content after the closing "]"', this.line);
          break;
      }
    }
    if (this.state === ArrayState.InElement && elementStart !== -1)
      this.pending.push(chunk.subarray(elementStart));
    return out;
  }

  end(): FileRecord[] {
    const out: FileRecord[] = [];
    if (this.state === ArrayState.InElement) {
      // A truncated file: hand the partial element on, so it is reported as a bad record with its line.
      const bytes = Buffer.concat(this.pending);
      this.pending = [];
      if (!isBlank(bytes)) out.push({ index: this.index++, line: this.elementLine, bytes });
      this.state = ArrayState.Closed;
    } else if (this.state === ArrayState.BeforeOpen) {
      // An empty file holds no records.
    } else if (this.state !== ArrayState.Closed) {
      throw new FileStructureError('the array is not closed', this.line);
    }
    return out;
  }

  /**
   * Scans from `i` while inside an element; returns the index of the last byte consumed. An element ends at a
   * top-level "," or "]" (outside strings and nested values).
   */
  private scanElement(chunk: Buffer, from: number, elementStart: number, out: FileRecord[]): number {
    for (let i = from; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (i !== from && byte === NEWLINE) this.line += 1;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (byte === BACKSLASH) this.escaped = true;
        else if (byte === QUOTE) this.inString = false;
        continue;
      }
      if (byte === QUOTE) this.inString = true;
      else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) this.depth += 1;
      else if ((byte === CLOSE_BRACE || byte === CLOSE_BRACKET) && this.depth > 0) {
        this.depth -= 1;
        // An object or array element is complete at its closing bracket; what follows must be "," or "]".
        if (this.depth === 0)
          return this.complete(chunk, elementStart, i + 1, ArrayState.AfterElement, out, i);
      } else if (this.depth === 0 && (byte === COMMA || byte === CLOSE_BRACKET)) {
        const next = byte === COMMA ? ArrayState.BeforeElement : ArrayState.Closed;
        return this.complete(chunk, elementStart, i, next, out, i);
      }
    }
    return chunk.length - 1;
  }

  private complete(
    chunk: Buffer,
    elementStart: number,
    end: number,
    next: ArrayState,
    out: FileRecord[],
    consumed: number,
  ): number {
    const piece = chunk.subarray(Math.max(elementStart, 0), end);
    const bytes = trimEnd(this.pending.length > 0 ? Buffer.concat([...this.pending, piece]) : piece);
    this.pending = [];
    out.push({ index: this.index++, line: this.elementLine, bytes });
    this.state = next;
    return consumed;
  }
}

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === NEWLINE || byte === CARRIAGE_RETURN || byte === 0x09;
}

function isBlank(bytes: Buffer): boolean {
  for (const byte of bytes) if (!isWhitespace(byte)) return false;
  return true;
}

function trimEnd(bytes: Buffer): Buffer {
  let end = bytes.length;
  while (end > 0 && isWhitespace(bytes[end - 1]!)) end -= 1;
  return bytes.subarray(0, end);
}
