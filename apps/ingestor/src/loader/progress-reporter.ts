/** Where progress goes: a redrawn bar on a terminal, periodic lines in a log. */
export interface ProgressSink {
  readonly isTTY: boolean;
  write(text: string): void;
}

export interface ProgressSnapshot {
  readonly label: string;
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly records: number;
  readonly elapsedMs: number;
}

const BAR_WIDTH = 30;
const MB = 1024 * 1024;
const LOG_EVERY_MS = 5000;
const REDRAW_EVERY_MS = 200;

/** Formats rate and ETA from bytes read so far; pure, so its arithmetic is tested on its own. */
export function describeProgress(s: ProgressSnapshot): {
  percent: number;
  mbPerSec: number;
  etaSec: number | null;
} {
  const percent = s.bytesTotal > 0 ? Math.min(100, (100 * s.bytesDone) / s.bytesTotal) : 100;
  const seconds = s.elapsedMs / 1000;
  const mbPerSec = seconds > 0 ? s.bytesDone / MB / seconds : 0;
  const bytesPerSec = seconds > 0 ? s.bytesDone / seconds : 0;
  const etaSec = bytesPerSec > 0 ? Math.max(0, (s.bytesTotal - s.bytesDone) / bytesPerSec) : null;
  return { percent, mbPerSec, etaSec };
}

/**
 * A progress bar with rate and ETA on a terminal; a line every few seconds otherwise (so logs stay readable).
 * Throttled: calling `update` per chunk costs nothing noticeable.
 */
export class ProgressReporter {
  private lastDrawMs = -Infinity;

  constructor(
    private readonly sink: ProgressSink,
    private readonly nowMs: () => number,
  ) {}

  update(snapshot: ProgressSnapshot, final = false): void {
    const now = this.nowMs();
    const every = this.sink.isTTY ? REDRAW_EVERY_MS : LOG_EVERY_MS;
    if (!final && now - this.lastDrawMs < every) return;
    this.lastDrawMs = now;
    const { percent, mbPerSec, etaSec } = describeProgress(snapshot);
    const eta = etaSec === null ? '?' : `${Math.ceil(etaSec)}s`;
    const stats = `${percent.toFixed(1)}% ${snapshot.records} records ${mbPerSec.toFixed(1)} MB/s ETA ${eta}`;
    if (this.sink.isTTY) {
      const filled = Math.round((percent / 100) * BAR_WIDTH);
      const bar = '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled);
      this.sink.write(`\r${snapshot.label} ${bar} ${stats}${final ? '\n' : ''}`);
    } else {
      this.sink.write(`${snapshot.label}: ${stats}\n`);
    }
  }
}
