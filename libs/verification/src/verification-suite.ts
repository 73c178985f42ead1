import { type DeltaTable } from '@lakehouse/delta';
import { checkBronzeSilverAccounting } from './bronze-silver-accounting.check';
import { CHECK_NAMES, type CheckName, type CheckResult, skippedResult } from './check-result';
import { checkGoldCompleteness } from './gold-completeness.check';
import { checkDuplicateEventIds, checkNullKeys, checkValidPrices } from './key-checks';
import { scalarNumber, sessionOn } from './sql.util';
import { checkTimeTravel } from './time-travel.check';
import {
  DEFAULT_COMPLETENESS_GRACE_US,
  DEFAULT_SAMPLE_LIMIT,
  layoutOf,
  openIfExists,
  type TableRef,
  type VerificationOptions,
} from './verification-options';

/** Key columns that must never be null (or empty), per table; columns a table lacks are ignored. */
export const KEY_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  'bronze.ticks': ['symbol', 'event_time', 'event_date', 'source'],
  'silver.ticks': ['event_id', 'symbol', 'event_time', 'event_date'],
  'silver.quarantine': ['symbol', 'event_time', 'event_date', 'reason_codes'],
  'gold.predictions': ['event_id', 'symbol', 'event_date'],
};

const MICROS_PER_MS = 1000n;

/** The highest `bronze_version` Silver recorded: every Bronze version up to it has been refined. */
async function refinedBronzeVersion(silver: DeltaTable, quarantine: DeltaTable | undefined): Promise<number> {
  let highest = -1;
  for (const table of [silver, quarantine]) {
    if (table === undefined) continue;
    const session = await sessionOn(table, await table.version());
    const max = await session.sql('SELECT max(bronze_version) AS v FROM t');
    if (max.getChild('v')?.get(0) !== null) highest = Math.max(highest, scalarNumber(max, 'v'));
  }
  return highest;
}

/**
 * Runs the verification suite over the lake and returns one result per check and table. Tables that do not exist
 * yet are skipped (a `skipped` result), never failed. Use {@link verificationExitCode} for a command's exit status.
 */
export async function runVerification(options: VerificationOptions): Promise<CheckResult[]> {
  const layout = layoutOf(options);
  const wanted = new Set<CheckName>(options.checks ?? CHECK_NAMES);
  const sampleLimit = options.sampleLimit ?? DEFAULT_SAMPLE_LIMIT;
  const open = (ref: TableRef): Promise<DeltaTable | undefined> => openIfExists(options, ref);
  const [bronze, bronzeQuarantine, silver, silverQuarantine, gold] = await Promise.all([
    open(layout.bronzeTicks),
    open(layout.bronzeQuarantine),
    open(layout.silverTicks),
    open(layout.silverQuarantine),
    open(layout.goldPredictions),
  ]);
  const results: CheckResult[] = [];
  const keyed: ReadonlyArray<readonly [TableRef, DeltaTable | undefined]> = [
    [layout.silverTicks, silver],
    [layout.goldPredictions, gold],
  ];

  if (wanted.has('duplicate_event_ids')) {
    results.push(
      ...(await perTable('duplicate_event_ids', keyed, (ref, table) =>
        checkDuplicateEventIds(ref, table, sampleLimit),
      )),
    );
  }
  if (wanted.has('null_keys')) {
    const all: ReadonlyArray<readonly [TableRef, DeltaTable | undefined]> = [
      [layout.bronzeTicks, bronze],
      [layout.silverTicks, silver],
      [layout.silverQuarantine, silverQuarantine],
      [layout.goldPredictions, gold],
    ];
    results.push(
      ...(await perTable('null_keys', all, (ref, table) =>
        checkNullKeys(ref, table, KEY_COLUMNS[ref.name] ?? ['event_id']),
      )),
    );
  }
  if (wanted.has('valid_prices')) {
    results.push(
      ...(await perTable('valid_prices', keyed, (ref, table) => checkValidPrices(ref, table, sampleLimit))),
    );
  }
  if (wanted.has('bronze_silver_accounting')) {
    const name = `${layout.bronzeTicks.name}→${layout.silverTicks.name}`;
    if (bronze === undefined || silver === undefined) {
      results.push(
        skippedResult('bronze_silver_accounting', name, 'bronze.ticks or silver.ticks does not exist yet'),
      );
    } else {
      const bronzeVersion = options.bronzeVersion ?? (await refinedBronzeVersion(silver, silverQuarantine));
      results.push(
        bronzeVersion < 0
          ? skippedResult('bronze_silver_accounting', name, 'silver has refined no bronze version yet')
          : await checkBronzeSilverAccounting({
              bronze,
              silver,
              quarantine: silverQuarantine,
              bronzeVersion: Math.min(bronzeVersion, await bronze.version()),
              sampleLimit,
            }),
      );
    }
  }
  if (wanted.has('gold_completeness')) {
    const name = `${layout.silverTicks.name}→${layout.goldPredictions.name}`;
    if (silver === undefined || gold === undefined) {
      results.push(
        skippedResult('gold_completeness', name, 'silver.ticks or gold.predictions does not exist yet'),
      );
    } else {
      const nowUs = options.nowUs ?? BigInt(Date.now()) * MICROS_PER_MS;
      results.push(
        await checkGoldCompleteness({
          silver,
          gold,
          goldName: layout.goldPredictions.name,
          featureColumns: layout.featureColumns,
          sequenceLength: layout.sequenceLength,
          refinedBeforeUs: nowUs - (options.completenessGraceUs ?? DEFAULT_COMPLETENESS_GRACE_US),
          sampleLimit,
        }),
      );
    }
  }
  if (wanted.has('time_travel')) {
    const all: ReadonlyArray<readonly [TableRef, DeltaTable | undefined]> = [
      [layout.bronzeTicks, bronze],
      [layout.bronzeQuarantine, bronzeQuarantine],
      [layout.silverTicks, silver],
      [layout.silverQuarantine, silverQuarantine],
      [layout.goldPredictions, gold],
    ];
    results.push(...(await perTable('time_travel', all, (ref, table) => checkTimeTravel(ref.name, table))));
  }
  return results;
}

/** One check over several tables, in order; a table that does not exist yet is skipped, not failed. */
async function perTable(
  check: CheckName,
  tables: ReadonlyArray<readonly [TableRef, DeltaTable | undefined]>,
  run: (ref: TableRef, table: DeltaTable) => Promise<CheckResult>,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const [ref, table] of tables) {
    results.push(
      table === undefined
        ? skippedResult(check, ref.name, 'table does not exist yet')
        : await run(ref, table),
    );
  }
  return results;
}
