import { SilverTick } from '@lakehouse/domain';
import { ModelError } from '../errors/model-error';
import { EventTimeRange, TrainingDataSource } from './training-data-source.port';

/** A {@link TrainingDataSource} over ticks held in memory, with numbered snapshots like a Delta table's versions. */
export class InMemoryTrainingDataSource extends TrainingDataSource {
  readonly description = 'memory';
  private readonly versions: Array<readonly SilverTick[]> = [];
  private pinned: number | null = null;

  constructor(ticks: readonly SilverTick[] = []) {
    super();
    this.versions.push([...ticks]);
  }

  /** Appends ticks as a new version, as a refiner commit would. */
  append(ticks: readonly SilverTick[]): number {
    this.versions.push([...(this.versions.at(-1) ?? []), ...ticks]);
    return this.versions.length - 1;
  }

  override pin(requested?: number): Promise<number> {
    const version = requested ?? this.versions.length - 1;
    if (!Number.isInteger(version) || version < 0 || version >= this.versions.length) {
      return Promise.reject(new ModelError('INVALID_ARGUMENT', `table version ${requested} does not exist`));
    }
    this.pinned = version;
    return Promise.resolve(version);
  }

  override async *readSymbol(symbol: string, range: EventTimeRange): AsyncIterable<readonly SilverTick[]> {
    const version = this.pinned ?? this.versions.length - 1;
    const ticks = (this.versions[version] ?? [])
      .filter((t) => t.symbol === symbol && t.eventTimeUs >= range.fromUs && t.eventTimeUs < range.toUs)
      .sort((a, b) => (a.eventTimeUs < b.eventTimeUs ? -1 : a.eventTimeUs > b.eventTimeUs ? 1 : 0));
    await Promise.resolve();
    yield ticks;
  }
}
