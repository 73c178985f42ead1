import { join } from 'node:path';
import { DeltaTable, TableNotFoundError } from '@lakehouse/delta';
import { DEFAULT_FEATURE_CONFIG, type FeatureConfig, type SilverTick, featureNames } from '@lakehouse/domain';
import { DeltaLake, silverTicksTable, utcDateOf } from '@lakehouse/lake';
import { type ComponentRef, type EventTimeRange, ModelError, TrainingDataSource } from '@lakehouse/model';
import type { Table } from 'apache-arrow';
import { type FeatureSkew, type StoredTick, featureSkew } from './feature-skew';

/**
 * Ticks in the feature state: applied on time, or late and since repaired (the refiner's late repair re-steps them
 * in event-time order, so Silver's features are those of in-order arrival). Late-unrepaired and expired ones are not.
 */
const APPLIED = ['on_time', 'repaired'];

function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function compareTicks(a: StoredRow, b: StoredRow): number {
  if (a.tick.eventTimeUs !== b.tick.eventTimeUs) return a.tick.eventTimeUs < b.tick.eventTimeUs ? -1 : 1;
  if (a.bronzeVersion !== b.bronzeVersion) return a.bronzeVersion < b.bronzeVersion ? -1 : 1;
  return a.bronzeSeq < b.bronzeSeq ? -1 : a.bronzeSeq > b.bronzeSeq ? 1 : 0;
}

interface StoredRow extends StoredTick {
  readonly bronzeVersion: bigint;
  readonly bronzeSeq: bigint;
}

/**
 * `silver.ticks` through the Delta binding, pinned to one table version (time travel) that the artifact records,
 * so a training run can be rebuilt from the same rows later. Reads one symbol's on-time rows in `[from, to)`
 * (partition-pruned by `event_date`) in the order the refiner stepped them: event time, ties in arrival order
 * (`bronze_version`, `bronze_seq`; on-time ticks arrive in event-time order by definition). It checks that
 * the features training recomputes equal the f_* columns the refiner stored ({@link featureSkew}); a difference
 * is train/serve skew and fails the read.
 */
export class SilverTrainingDataSource extends TrainingDataSource {
  readonly description: string;
  private readonly uri: string;
  private table: DeltaTable | undefined;
  private readonly names: readonly string[];
  /** Per symbol, what the skew check compared (for the training log). */
  readonly skew = new Map<string, FeatureSkew>();

  constructor(
    lakeRoot: string,
    private readonly features: FeatureConfig = DEFAULT_FEATURE_CONFIG,
    private readonly storageOptions: Readonly<Record<string, string>> = {},
  ) {
    super();
    this.names = featureNames(features);
    const definition = silverTicksTable(this.names);
    this.uri = new DeltaLake(lakeRoot, storageOptions).uriOf(definition);
    this.description = `delta:${definition.name}`;
  }

  /** How a worker thread builds the same source. */
  static ref(lakeRoot: string): ComponentRef {
    return {
      module: join(__dirname, 'silver-training-data-source.js'),
      export: 'SilverTrainingDataSource',
      args: [lakeRoot],
    };
  }

  override async pin(requested?: number): Promise<number> {
    let latest: DeltaTable;
    try {
      latest = await DeltaTable.open(this.uri, { storageOptions: this.storageOptions });
    } catch (error) {
      if (error instanceof TableNotFoundError) {
        throw new ModelError(
          'INVALID_ARGUMENT',
          `silver.ticks does not exist at ${this.uri}: run the refiner first`,
        );
      }
      throw error;
    }
    const latestVersion = await latest.version();
    const version = requested ?? latestVersion;
    if (!Number.isInteger(version) || version < 0 || version > latestVersion) {
      throw new ModelError(
        'INVALID_ARGUMENT',
        `silver.ticks has no version ${requested} (latest is ${latestVersion})`,
      );
    }
    this.table = await latest.checkout({ version });
    return version;
  }

  override async *readSymbol(symbol: string, range: EventTimeRange): AsyncIterable<readonly SilverTick[]> {
    const table = this.table ?? (await this.pinLatest());
    const filter = [
      `symbol = ${sqlString(symbol)}`,
      `late_status IN (${APPLIED.map(sqlString).join(', ')})`,
      `event_date >= ${sqlString(utcDateOf(range.fromUs))}`,
      `event_date <= ${sqlString(utcDateOf(range.toUs - 1n))}`,
    ].join(' AND ');
    const columns = [
      'event_id',
      'event_time',
      'price',
      'volume',
      'bronze_version',
      'bronze_seq',
      'feature_version',
      ...this.names.map((n) => `f_${n}`),
    ];
    const rows = this.rowsOf(await table.toArrow({ columns, filter }), symbol).filter(
      (r) => r.tick.eventTimeUs >= range.fromUs && r.tick.eventTimeUs < range.toUs,
    );
    rows.sort(compareTicks);
    const skew = featureSkew(rows, this.features);
    this.skew.set(symbol, skew);
    if (skew.mismatched > 0) {
      throw new ModelError(
        'TRAINING_FAILED',
        `train/serve skew in ${symbol}: ${skew.mismatched} of ${skew.compared} recomputed feature vectors differ from silver.ticks (first: ${JSON.stringify(skew.first)})`,
      );
    }
    yield rows.map((r) => r.tick);
  }

  private async pinLatest(): Promise<DeltaTable> {
    await this.pin();
    return this.table!;
  }

  private rowsOf(table: Table, symbol: string): StoredRow[] {
    const column = (name: string) => {
      const child = table.getChild(name);
      if (child === null) throw new ModelError('INVALID_ARGUMENT', `silver.ticks has no column ${name}`);
      return child;
    };
    const ids = column('event_id');
    const times = column('event_time').toArray() as BigInt64Array;
    const prices = column('price').toArray() as Float64Array;
    const volumes = column('volume').toArray() as BigInt64Array;
    const bronze = column('bronze_version').toArray() as BigInt64Array;
    const seq = column('bronze_seq').toArray() as BigInt64Array;
    const versions = column('feature_version');
    const featureColumns = this.names.map((n) => column(`f_${n}`));
    const rows: StoredRow[] = [];
    for (let i = 0; i < table.numRows; i += 1) {
      const featureVersion = versions.get(i) as string | null;
      const features = featureVersion === null ? null : featureColumns.map((c) => c.get(i) as number | null);
      rows.push({
        tick: {
          eventId: ids.get(i) as string,
          symbol,
          eventTimeUs: times[i]!,
          price: prices[i]!,
          volume: Number(volumes[i]!),
        },
        bronzeVersion: bronze[i]!,
        bronzeSeq: seq[i]!,
        featureVersion,
        features,
      });
    }
    return rows;
  }
}
