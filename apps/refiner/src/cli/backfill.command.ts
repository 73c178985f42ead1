import { parseArgs } from 'node:util';
import { MessageProducer, type TopicMessages } from '@lakehouse/bus';
import { DEFAULT_FEATURE_CONFIG, DEFAULT_LABEL_DEFINITION, featureNames } from '@lakehouse/domain';
import { DeltaLake, silverTicksTable } from '@lakehouse/lake';
import { commonEnv, lakeEnv, loadConfig, PipelineMetrics, SystemClock } from '@lakehouse/platform';
import { z } from 'zod';
import { refinerConfigSchema } from '../config/refiner.config';
import { type CatchUpSummary, RefinerService } from '../refiner.service';
import { refinerOptionsOf } from '../refiner.options';
import { SilverExactlyOnce } from '../silver/silver-exactly-once';
import { SilverMetrics } from '../silver/silver-metrics';
import { DeltaSilverReader } from '../silver/silver-reader';

export const BACKFILL_USAGE = `refiner backfill --target <lake root> [--from-version N] [--max-versions-per-commit N] [--json]
  Rebuilds silver.ticks and silver.quarantine from bronze.ticks into the lake at --target (a fresh root, or one
  an interrupted backfill left: it resumes), through the live refiner's code path: same validation, event ids,
  MERGE, feature and label books, and late repair (late ticks applied in event-time order after each commit that
  stored some). --from-version N starts after Bronze version N (default 0: all of Bronze). Nothing is published. To adopt the result, stop the refiner and swap the target's silver/ for LAKE_ROOT's.
  env: LAKE_ROOT (Bronze is read there), REFINER_MAX_CLOCK_SKEW_MS, REFINER_MIN_EVENT_TIME as for the refiner`;

const backfillEnvSchema = z.object({
  ...commonEnv,
  ...lakeEnv,
  REFINER_MAX_CLOCK_SKEW_MS: refinerConfigSchema.shape.REFINER_MAX_CLOCK_SKEW_MS,
  REFINER_MIN_EVENT_TIME: refinerConfigSchema.shape.REFINER_MIN_EVENT_TIME,
});

const DEFAULT_MAX_VERSIONS_PER_COMMIT = 200;

/** A backfill publishes nothing: a producer that refuses, so a wiring mistake fails loudly instead of sending. */
class NoPublishing extends MessageProducer {
  send(): Promise<void> {
    return Promise.reject(new Error('refiner backfill does not publish'));
  }

  sendBatch(_batch: readonly TopicMessages[]): Promise<void> {
    return Promise.reject(new Error('refiner backfill does not publish'));
  }

  isConnected(): boolean {
    return false;
  }
}

function nonNegativeInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`--${name} must be an integer ≥ 0, got ${JSON.stringify(raw)}`);
  return n;
}

/** `refiner backfill`: returns the process exit code. */
export async function runBackfill(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      target: { type: 'string' },
      'from-version': { type: 'string' },
      'max-versions-per-commit': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (values.target === undefined) throw new Error(`--target is required\n${BACKFILL_USAGE}`);
  const config = loadConfig(backfillEnvSchema, env);
  if (values.target.replace(/\/+$/, '') === config.LAKE_ROOT.replace(/\/+$/, '')) {
    throw new Error('--target must not be LAKE_ROOT: the live Silver tables are the refiner’s');
  }
  const maxVersions = nonNegativeInt(
    'max-versions-per-commit',
    values['max-versions-per-commit'],
    DEFAULT_MAX_VERSIONS_PER_COMMIT,
  );
  const options = refinerOptionsOf(
    { ...config, REFINER_MAX_VERSIONS_PER_COMMIT: Math.max(1, maxVersions) },
    DEFAULT_FEATURE_CONFIG,
    DEFAULT_LABEL_DEFINITION,
    {
      publish: false,
      startAfterVersion: BigInt(nonNegativeInt('from-version', values['from-version'], 0)),
    },
  );
  const names = featureNames(options.model.features);
  const table = silverTicksTable(names);
  const bronze = new DeltaLake(config.LAKE_ROOT);
  const target = new DeltaLake(values.target);
  const started = performance.now();
  const metrics = new SilverMetrics(new PipelineMetrics('refiner-backfill'));
  const refiner = new RefinerService(
    bronze,
    new SilverExactlyOnce(target, table, names),
    new DeltaSilverReader(target, table),
    new NoPublishing(),
    metrics,
    new SystemClock(),
    // As the live refiner: late ticks repaired after each commit that stored some, and after a resume.
    { ...options, repairLate: true },
  );
  const summary: CatchUpSummary = await refiner.catchUp();
  const repaired = (await metrics.lateRepaired.get()).values.find((v) => v.labels.kind === 'late');
  const repair = { repaired: repaired?.value ?? 0 };
  const seconds = (performance.now() - started) / 1000;
  if (values.json) {
    out(
      JSON.stringify({
        ...summary,
        position: String(summary.position),
        lateRepaired: repair.repaired,
        seconds,
      }),
    );
  } else {
    out(
      `backfilled ${values.target} to bronze version ${summary.position}: ${summary.bronzeRows} Bronze rows, ` +
        `${summary.inserted} inserted, ${summary.quarantined} quarantined, ${repair.repaired} late ticks ` +
        `repaired, in ${seconds.toFixed(1)} s`,
    );
  }
  return 0;
}
