import { LoggerService, LogLevel } from '@nestjs/common';
import type { LogLevelName } from '../config/env-schema';
import { currentCorrelationId } from './correlation';

/** Lowest number = most severe; a level is written when its rank ≤ the configured rank. */
const RANK: Record<LogLevel, number> = { fatal: 0, error: 1, warn: 2, log: 3, debug: 4, verbose: 5 };
/** Nest's `log` is what every other tool calls `info`. */
const OUTPUT_LEVEL: Record<LogLevel, string> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'verbose',
};

export interface JsonLoggerOptions {
  /** The app's name, written as `stage` on every line. */
  readonly stage: string;
  readonly level: LogLevelName;
  /** Where lines go; stdout by default. Tests pass an array's push. */
  readonly write?: (line: string) => void;
  readonly now?: () => Date;
}

/** Structured fields a caller may pass as the message: `logger.log({ msg: 'batch done', records: 12 }, 'Ctx')`. */
export interface LogFields {
  readonly msg: string;
  readonly correlationId?: string;
  readonly [field: string]: unknown;
}

/**
 * One JSON object per line: `time`, `level`, `stage`, `message`, `context`, and `correlationId` when the line is
 * written inside {@link withCorrelationId} or the caller passes one. Values are serialised as given: callers pass
 * no secrets (config is logged through `describeConfig`, which masks them).
 */
export class JsonLogger implements LoggerService {
  private threshold: number;
  private readonly write: (line: string) => void;
  private readonly now: () => Date;

  constructor(private readonly options: JsonLoggerOptions) {
    this.threshold = RANK[options.level];
    this.write = options.write ?? ((line) => process.stdout.write(`${line}\n`));
    this.now = options.now ?? (() => new Date());
  }

  log(message: unknown, ...params: unknown[]): void {
    this.emit('log', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.emit('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.emit('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.emit('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.emit('verbose', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.emit('fatal', message, params);
  }

  setLogLevels(levels: LogLevel[]): void {
    this.threshold = Math.max(-1, ...levels.map((l) => RANK[l]));
  }

  isEnabled(level: LogLevel): boolean {
    return RANK[level] <= this.threshold;
  }

  private emit(level: LogLevel, message: unknown, params: unknown[]): void {
    if (!this.isEnabled(level)) return;
    // Nest's convention: the last string parameter is the context; for `error`, a string before it is the stack.
    const rest = [...params];
    const context = typeof rest.at(-1) === 'string' ? (rest.pop() as string) : undefined;
    const line: Record<string, unknown> = {
      time: this.now().toISOString(),
      level: OUTPUT_LEVEL[level],
      stage: this.options.stage,
    };
    Object.assign(line, toFields(message));
    if (context !== undefined) line.context = context;
    for (const extra of rest) {
      if (typeof extra === 'string') line.stack = extra;
      else if (extra instanceof Error) Object.assign(line, errorFields(extra));
      else if (extra !== undefined) line.detail = extra;
    }
    const correlationId = line.correlationId ?? currentCorrelationId();
    if (correlationId !== undefined) line.correlationId = correlationId;
    this.write(safeStringify(line));
  }
}

function toFields(message: unknown): Record<string, unknown> {
  if (message instanceof Error) return { message: message.message, ...errorFields(message) };
  if (typeof message === 'object' && message !== null && 'msg' in message) {
    const { msg, ...fields } = message as LogFields;
    return { message: msg, ...fields };
  }
  if (typeof message === 'string') return { message };
  return { message: safeStringify(message) };
}

function errorFields(error: Error): Record<string, unknown> {
  const fields: Record<string, unknown> = { errorName: error.name, stack: error.stack };
  if ('code' in error && typeof error.code === 'string') fields.code = error.code;
  return fields;
}

function safeStringify(value: unknown): string {
  try {
    return (
      JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? 'undefined'
    );
  } catch {
    return JSON.stringify({ message: String(value), level: 'error', note: 'unserialisable log line' });
  }
}
