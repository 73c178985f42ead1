import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DEFAULT_FEATURE_CONFIG, featureNames } from '@lakehouse/domain';
import { DeltaLake, silverTicksTable } from '@lakehouse/lake';
import { commonEnv, lakeEnv, loadConfig } from '@lakehouse/platform';
import {
  type CheckName,
  type CheckResult,
  formatResults,
  runVerification,
  verificationExitCode,
} from '@lakehouse/verification';
import { Gauge, Registry } from 'prom-client';
import { z } from 'zod';
import { SILVER_APP_ID } from '../silver/silver-exactly-once';

export const VERIFY_USAGE = `refiner verify [--json] [--metrics-file PATH]
  Proves Silver's invariants and prints one line per check: zero duplicate event_ids, no null keys, all prices
  > 0, every Bronze row (up to the version Silver's position records) in silver.ticks or in silver.quarantine with
  a reason. Exits 1 on any violation. --metrics-file writes the results in Prometheus text format (for a textfile
  collector). env: LAKE_ROOT`;

/** The suite's checks that concern Silver. */
export const SILVER_CHECKS: readonly CheckName[] = [
  'duplicate_event_ids',
  'null_keys',
  'valid_prices',
  'bronze_silver_accounting',
];

const verifyEnvSchema = z.object({ ...commonEnv, ...lakeEnv });

/** The Silver and Bronze results of the shared suite (`@lakehouse/verification`), at Silver's stored position. */
export async function verifySilver(lakeRoot: string): Promise<CheckResult[]> {
  const table = silverTicksTable(featureNames(DEFAULT_FEATURE_CONFIG));
  const snapshot = await new DeltaLake(lakeRoot)
    .transactionVersions(table, [SILVER_APP_ID])
    .catch(() => undefined);
  const position = snapshot?.versions.get(SILVER_APP_ID);
  const results = await runVerification({
    lakeRoot,
    checks: SILVER_CHECKS,
    featureConfig: DEFAULT_FEATURE_CONFIG,
    ...(position === undefined ? {} : { bronzeVersion: Number(position) }),
  });
  return results.filter((r) => /(^|→)(silver|bronze)\./.test(r.table));
}

/** Prometheus text exposition of the results: violations per check and table, and whether it passed. */
export async function resultsAsMetrics(results: readonly CheckResult[]): Promise<string> {
  const registry = new Registry();
  const violations = new Gauge({
    name: 'silver_verify_violations',
    help: 'Rows or keys breaking a Silver invariant, per check and table (refiner verify)',
    labelNames: ['check', 'table'],
    registers: [registry],
  });
  const passed = new Gauge({
    name: 'silver_verify_ok',
    help: '1 when the check passed or was skipped, 0 when it failed',
    labelNames: ['check', 'table'],
    registers: [registry],
  });
  for (const r of results) {
    violations.set({ check: r.check, table: r.table }, r.violations);
    passed.set({ check: r.check, table: r.table }, r.ok ? 1 : 0);
  }
  return registry.metrics();
}

/** `refiner verify`: returns the process exit code (1 on any violation). */
export async function runVerify(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: { json: { type: 'boolean', default: false }, 'metrics-file': { type: 'string' } },
  });
  const config = loadConfig(verifyEnvSchema, env);
  const results = await verifySilver(config.LAKE_ROOT);
  out(values.json ? JSON.stringify(results) : formatResults(results));
  if (values['metrics-file'] !== undefined)
    await writeFile(values['metrics-file'], await resultsAsMetrics(results));
  return verificationExitCode(results);
}
