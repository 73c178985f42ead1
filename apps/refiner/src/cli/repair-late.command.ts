import { parseArgs } from 'node:util';
import { DEFAULT_FEATURE_CONFIG, DEFAULT_LABEL_DEFINITION, featureNames } from '@lakehouse/domain';
import { DeltaLake, silverTicksTable } from '@lakehouse/lake';
import { commonEnv, lakeEnv, loadConfig, PipelineMetrics } from '@lakehouse/platform';
import { z } from 'zod';
import { LateRepair } from '../silver/late-repair';
import { SilverExactlyOnce } from '../silver/silver-exactly-once';
import { SilverMetrics } from '../silver/silver-metrics';
import { DeltaSilverReader } from '../silver/silver-reader';

export const REPAIR_LATE_USAGE = `refiner repair-late [--target <lake root>] [--json]
  Applies every late tick of silver.ticks (stored within the watermark, late_status 'late') in event-time order
  (ties in arrival order) and recomputes the features of the rows after it, through the live refiner's own step:
  late rows become 'repaired', expired ones stay as they are. One MERGE-update commit; idempotent, and a rerun
  after a crash converges. The live refiner repairs on its own (after storing late ticks, and on start): this is for
  a Silver written without it (an older table, a stopped refiner). A concurrent refiner commit makes the repair fail
  with COMMIT_CONFLICT (exit 1, nothing written): rerun it. Changed outcomes are counted, not published (no producer
  here; the live refiner re-emits them). env: LAKE_ROOT (the lake repaired, unless --target names another root)`;

const repairEnvSchema = z.object({ ...commonEnv, ...lakeEnv });

/** `refiner repair-late`: returns the process exit code (2 for bad arguments). */
export async function runRepairLate(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  err: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<number> {
  let values: { target?: string; json: boolean };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: { target: { type: 'string' }, json: { type: 'boolean', default: false } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    err(
      `refiner repair-late: ${error instanceof Error ? error.message : String(error)}\n${REPAIR_LATE_USAGE}`,
    );
    return 2;
  }
  if (values.target === '') {
    err(`refiner repair-late: --target must not be empty\n${REPAIR_LATE_USAGE}`);
    return 2;
  }
  const config = loadConfig(repairEnvSchema, env);
  const root = values.target ?? config.LAKE_ROOT;
  const names = featureNames(DEFAULT_FEATURE_CONFIG);
  const table = silverTicksTable(names);
  const lake = new DeltaLake(root);
  const silver = new SilverExactlyOnce(lake, table, names);
  if ((await lake.latestVersion(table)) === undefined || (await silver.resume()).position === undefined) {
    throw new Error(`${root} holds no refined silver.ticks: run the refiner or refiner backfill first`);
  }
  const started = performance.now();
  const repair = await new LateRepair(
    silver,
    new DeltaSilverReader(lake, table),
    { features: DEFAULT_FEATURE_CONFIG, labels: DEFAULT_LABEL_DEFINITION },
    new SilverMetrics(new PipelineMetrics('refiner-repair-late')),
  ).run();
  const seconds = (performance.now() - started) / 1000;
  const summary = {
    symbols: repair.symbols,
    repaired: repair.repaired,
    recomputed: repair.recomputed,
    outcomesChanged: repair.outcomes.length,
    silverVersion: repair.version === undefined ? null : String(repair.version),
    seconds,
  };
  if (values.json) {
    out(JSON.stringify(summary));
  } else {
    out(
      `repaired ${root}: ${summary.repaired} late rows of ${summary.symbols} symbols applied, ` +
        `${summary.recomputed} later rows recomputed, ${summary.outcomesChanged} outcomes changed, ` +
        (summary.silverVersion === null ? 'nothing to commit' : `silver.ticks v${summary.silverVersion}`) +
        `, in ${seconds.toFixed(1)} s`,
    );
  }
  return 0;
}
