import { SilverTick } from '@lakehouse/domain';

/** Event-time range of a training read, UTC microseconds: `fromUs` inclusive, `toUs` exclusive. */
export interface EventTimeRange {
  readonly fromUs: bigint;
  readonly toUs: bigint;
}

/**
 * Where training reads Silver from. The Delta adapter pins `silver.ticks` to one table version (time travel) so
 * that a run is reproducible from the version recorded in its artifact; tests use {@link InMemoryTrainingDataSource}.
 * Abstract class so that it doubles as the Nest DI token.
 */
export abstract class TrainingDataSource {
  /** A short description for the artifact, e.g. `delta:silver.ticks` or `ndjson:data/sample/ticks.ndjson`. */
  abstract readonly description: string;

  /**
   * Fixes the table version every later read sees: `requested` when given, else the latest.
   * @returns the pinned version (null for a source that has no versions)
   */
  abstract pin(requested?: number): Promise<number | null>;

  /** One symbol's ticks in the range at the pinned version, in event-time order, in chunks. */
  abstract readSymbol(symbol: string, range: EventTimeRange): AsyncIterable<readonly SilverTick[]>;
}
