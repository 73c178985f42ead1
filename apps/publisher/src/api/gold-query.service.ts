import { utcDateOf } from '@lakehouse/lake';
import { Injectable, NotFoundException } from '@nestjs/common';
import { type Table as ArrowTable } from 'apache-arrow';
import { type AccuracyView, accuracyViewsOf } from '../accuracy/accuracy-view';
import { sqlString } from '../gold/gold-bars';
import { GoldReader, GoldReadError, type ReadableTable, type TimeTravel } from '../gold/gold-reader';
import { encodeCursor } from './api-query.schemas';

/** A `gold.predictions` row as the API shows it (µs instants as decimal strings). */
export interface PredictionRowView {
  readonly eventId: string;
  readonly symbol: string;
  readonly eventTimeUs: string;
  readonly price: number | null;
  readonly probability: number | null;
  readonly predictedLabel: number | null;
  readonly threshold: number | null;
  readonly modelVersion: string | null;
  readonly backend: string | null;
  readonly realizedReturn: number | null;
  readonly actualLabel: number | null;
  readonly labelVersion: string | null;
  readonly silverVersion: string | null;
  readonly resolvedAt: string | null;
}

export interface BarView {
  readonly symbol: string;
  readonly minuteStartUs: string;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly tickCount: number;
  readonly silverVersion: string;
}

export interface Page<T> {
  readonly rows: readonly T[];
  readonly nextCursor: string | null;
  readonly tableVersion: number | null;
}

export interface RangeQuery {
  readonly symbol?: string | undefined;
  readonly fromUs?: bigint | undefined;
  readonly toUs?: bigint | undefined;
  readonly limit: number;
}

const PREDICTION_COLUMNS =
  'event_id, symbol, CAST(event_time AS BIGINT) AS event_us, price, probability, predicted_label, threshold, ' +
  'model_version, backend, realized_return, actual_label, label_version, silver_version, ' +
  'CAST(resolved_time AS BIGINT) AS resolved_us';

/**
 * The API's reads of Gold. Every SQL text is assembled here from already-validated, typed values only: symbols that
 * matched the symbol rule (and are quoted anyway), integers, and dates this code formatted.
 */
@Injectable()
export class GoldQueryService {
  constructor(private readonly reader: GoldReader) {}

  async predictions(
    q: RangeQuery & { readonly after?: { eventTimeUs: bigint; eventId: string } | undefined },
    travel: TimeTravel,
  ): Promise<Page<PredictionRowView>> {
    const where = rangeFilter('event_time', 'event_date', q);
    if (q.after) {
      const t = q.after.eventTimeUs;
      where.push(
        `(CAST(event_time AS BIGINT) > ${t} OR (CAST(event_time AS BIGINT) = ${t} AND event_id > ${sqlString(q.after.eventId)}))`,
      );
    }
    const result = await this.read(
      'gold.predictions',
      travel,
      (t) =>
        `SELECT ${PREDICTION_COLUMNS} FROM ${t}${whereOf(where)} ORDER BY event_us, event_id LIMIT ${q.limit + 1}`,
    );
    if (result === null) return { rows: [], nextCursor: null, tableVersion: null };
    const rows = result.rows.toArray().map((r) => predictionView(json(r)));
    const more = rows.length > q.limit;
    const page = more ? rows.slice(0, q.limit) : rows;
    const last = page.at(-1);
    return {
      rows: page,
      nextCursor: more && last ? encodeCursor(BigInt(last.eventTimeUs), last.eventId) : null,
      tableVersion: result.version,
    };
  }

  /** The latest prediction per symbol (or of one symbol). */
  async latest(symbol: string | undefined, travel: TimeTravel): Promise<Page<PredictionRowView>> {
    const where = ['model_version IS NOT NULL'];
    if (symbol !== undefined) where.push(`symbol = ${sqlString(symbol)}`);
    const result = await this.read(
      'gold.predictions',
      travel,
      (t) =>
        `SELECT * FROM (SELECT ${PREDICTION_COLUMNS}, ROW_NUMBER() OVER (PARTITION BY symbol ` +
        `ORDER BY event_time DESC, event_id DESC) AS rn FROM ${t}${whereOf(where)}) w WHERE rn = 1 ORDER BY symbol`,
    );
    if (result === null) return { rows: [], nextCursor: null, tableVersion: null };
    return {
      rows: result.rows.toArray().map((r) => predictionView(json(r))),
      nextCursor: null,
      tableVersion: result.version,
    };
  }

  async accuracy(
    q: { readonly modelVersion?: string | undefined; readonly symbol?: string | undefined },
    travel: TimeTravel,
  ): Promise<Page<AccuracyView>> {
    const where: string[] = [];
    if (q.modelVersion !== undefined) where.push(`model_version = ${sqlString(q.modelVersion)}`);
    if (q.symbol !== undefined) where.push(`symbol = ${sqlString(q.symbol)}`);
    const result = await this.read(
      'gold.accuracy',
      travel,
      (t) => `SELECT * FROM ${t}${whereOf(where)} ORDER BY model_version, scope`,
    );
    if (result === null) return { rows: [], nextCursor: null, tableVersion: null };
    return { rows: accuracyViewsOf(result.rows), nextCursor: null, tableVersion: result.version };
  }

  async bars(q: RangeQuery, travel: TimeTravel): Promise<Page<BarView>> {
    const where = rangeFilter('minute_start', 'bar_date', q);
    const result = await this.read(
      'gold.bars_1m',
      travel,
      (t) =>
        `SELECT symbol, CAST(minute_start AS BIGINT) AS minute_us, open, high, low, close, volume, tick_count, ` +
        `silver_version FROM ${t}${whereOf(where)} ORDER BY minute_us DESC LIMIT ${q.limit}`,
    );
    if (result === null) return { rows: [], nextCursor: null, tableVersion: null };
    const rows = result.rows
      .toArray()
      .map((row): BarView => {
        const r = json(row);
        return {
          symbol: String(r.symbol),
          minuteStartUs: String(r.minute_us),
          open: Number(r.open),
          high: Number(r.high),
          low: Number(r.low),
          close: Number(r.close),
          volume: Number(r.volume),
          tickCount: Number(r.tick_count),
          silverVersion: String(r.silver_version),
        };
      })
      .reverse();
    return { rows, nextCursor: null, tableVersion: result.version };
  }

  /** Runs a read; `null` when the table does not exist yet and the latest version was asked for. */
  private async read(
    name: ReadableTable,
    travel: TimeTravel,
    sql: (t: string) => string,
  ): Promise<{ rows: ArrowTable; version: number } | null> {
    try {
      return await this.reader.query(name, travel, sql);
    } catch (error) {
      if (!(error instanceof GoldReadError)) throw error;
      if (error.code === 'TABLE_NOT_FOUND' && travel.kind === 'latest') return null;
      throw new NotFoundException({
        code: 'VERSION_NOT_FOUND',
        reason: error.code === 'TABLE_NOT_FOUND' ? `${name} does not exist yet` : error.message,
      });
    }
  }
}

function rangeFilter(timeColumn: string, dateColumn: string, q: RangeQuery): string[] {
  const where: string[] = [];
  if (q.symbol !== undefined) where.push(`symbol = ${sqlString(q.symbol)}`);
  if (q.fromUs !== undefined) {
    where.push(`${dateColumn} >= ${sqlString(utcDateOf(q.fromUs))}`);
    where.push(`CAST(${timeColumn} AS BIGINT) >= ${q.fromUs}`);
  }
  if (q.toUs !== undefined) {
    where.push(`${dateColumn} <= ${sqlString(utcDateOf(q.toUs))}`);
    where.push(`CAST(${timeColumn} AS BIGINT) < ${q.toUs}`);
  }
  return where;
}

const whereOf = (where: readonly string[]): string =>
  where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`;

const json = (row: unknown): Record<string, unknown> =>
  (row as { toJSON(): Record<string, unknown> }).toJSON();
const nullable = <T>(v: unknown, f: (x: unknown) => T): T | null =>
  v === null || v === undefined ? null : f(v);

function predictionView(r: Record<string, unknown>): PredictionRowView {
  return {
    eventId: String(r.event_id),
    symbol: String(r.symbol),
    eventTimeUs: String(r.event_us),
    price: nullable(r.price, Number),
    probability: nullable(r.probability, Number),
    predictedLabel: nullable(r.predicted_label, Number),
    threshold: nullable(r.threshold, Number),
    modelVersion: nullable(r.model_version, String),
    backend: nullable(r.backend, String),
    realizedReturn: nullable(r.realized_return, Number),
    actualLabel: nullable(r.actual_label, Number),
    labelVersion: nullable(r.label_version, String),
    silverVersion: nullable(r.silver_version, String),
    resolvedAt: nullable(r.resolved_us, (v) => new Date(Number(BigInt(v as bigint) / 1000n)).toISOString()),
  };
}
