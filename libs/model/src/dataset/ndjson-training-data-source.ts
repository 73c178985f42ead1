import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { SilverTick, parseTickLine, toSilverTick } from '@lakehouse/domain';
import { EventTimeRange, TrainingDataSource } from './training-data-source.port';

/**
 * Reads raw tick NDJSON (the sample data's format) through the domain's own parser and Silver mapping, for local
 * training runs and benchmarks without a lake. Lines the parser rejects are skipped and counted. A file has no
 * table versions: `pin` returns null and the artifact records the file instead.
 */
export class NdjsonTrainingDataSource extends TrainingDataSource {
  readonly description: string;
  private cache: Promise<Map<string, SilverTick[]>> | undefined;
  rejectedLines = 0;

  constructor(
    private readonly path: string,
    private readonly exchangeTimeZone?: string,
  ) {
    super();
    this.description = `ndjson:${path}`;
  }

  override pin(): Promise<null> {
    return Promise.resolve(null);
  }

  private load(): Promise<Map<string, SilverTick[]>> {
    this.cache ??= (async () => {
      const bySymbol = new Map<string, SilverTick[]>();
      const lines = createInterface({ input: createReadStream(this.path), crlfDelay: Infinity });
      for await (const line of lines) {
        if (line.trim() === '') continue;
        const parsed = parseTickLine(line, { exchangeTimeZone: this.exchangeTimeZone });
        if (!parsed.ok) {
          this.rejectedLines += 1;
          continue;
        }
        const tick = toSilverTick(parsed.tick);
        const series = bySymbol.get(tick.symbol) ?? [];
        series.push(tick);
        bySymbol.set(tick.symbol, series);
      }
      for (const series of bySymbol.values()) {
        series.sort((a, b) => (a.eventTimeUs < b.eventTimeUs ? -1 : a.eventTimeUs > b.eventTimeUs ? 1 : 0));
      }
      return bySymbol;
    })();
    return this.cache;
  }

  override async *readSymbol(symbol: string, range: EventTimeRange): AsyncIterable<readonly SilverTick[]> {
    const series = (await this.load()).get(symbol) ?? [];
    yield series.filter((t) => t.eventTimeUs >= range.fromUs && t.eventTimeUs < range.toUs);
  }
}
