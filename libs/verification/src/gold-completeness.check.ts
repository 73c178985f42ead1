import { type DeltaTable, SqlSession } from '@lakehouse/delta';
import { type CheckResult, resultOf } from './check-result';
import { columnNames, scalarNumber, sqlIdent, stringColumn } from './sql.util';

export interface CompletenessInput {
  readonly silver: DeltaTable;
  readonly gold: DeltaTable;
  readonly goldName: string;
  /** `f_<name>` columns of `silver.ticks`. */
  readonly featureColumns: readonly string[];
  /** L: a window needs the last L feature vectors of the symbol, all complete. */
  readonly sequenceLength: number;
  /** Only Silver events refined before this instant (UTC µs) are expected to have a prediction. */
  readonly refinedBeforeUs: bigint;
  readonly sampleLimit: number;
}

/**
 * Gold completeness: every Silver event with a complete model window has a `gold.predictions` row. A window exists,
 * as in the domain's `modelSequence`, when the symbol's last L on-time ticks up to and including this one all carry
 * a complete feature vector; in SQL that is a sliding sum over the symbol's on-time ticks in the order the refiner stepped them
 * (Bronze version and position within it, where Silver records them; event time otherwise).
 * Events refined too recently to have passed through the predictor are not expected yet.
 */
export async function checkGoldCompleteness(input: CompletenessInput): Promise<CheckResult> {
  const silverVersion = await input.silver.version();
  const goldVersion = await input.gold.version();
  const session = SqlSession.create();
  await session.register('s', input.silver, { version: silverVersion });
  await session.register('g', input.gold, { version: goldVersion });
  const L = input.sequenceLength;
  // A gold row may hold only the outcome side (outcomes and predictions arrive in either order): only a row whose
  // prediction side is filled counts.
  const predicted = (await columnNames(input.gold)).has('probability')
    ? ' WHERE probability IS NOT NULL'
    : '';
  // The refiner steps features in Bronze arrival order, (bronze_version, bronze_seq), where Silver records it.
  const stepped = await columnNames(input.silver);
  const order =
    stepped.has('bronze_version') && stepped.has('bronze_seq')
      ? 'bronze_version, bronze_seq, event_time, event_id'
      : 'event_time, event_id';
  const complete =
    input.featureColumns.length === 0
      ? '1'
      : `CASE WHEN ${input.featureColumns.map((c) => `${sqlIdent(c)} IS NOT NULL`).join(' AND ')} THEN 1 ELSE 0 END`;
  const windows =
    `SELECT event_id, CAST(refined_time AS BIGINT) AS refined_us, ` +
    `sum(${complete}) OVER (PARTITION BY symbol ORDER BY ${order} ` +
    `ROWS BETWEEN ${L - 1} PRECEDING AND CURRENT ROW) AS complete_in_window ` +
    `FROM s WHERE late_status = 'on_time'`;
  const expected = `SELECT w.event_id FROM (${windows}) w WHERE w.complete_in_window = ${L} AND w.refined_us < ${input.refinedBeforeUs}`;
  const missingQuery = `SELECT e.event_id FROM (${expected}) e LEFT JOIN (SELECT DISTINCT event_id FROM g${predicted}) p ON e.event_id = p.event_id WHERE p.event_id IS NULL`;
  const expectedCount = scalarNumber(await session.sql(`SELECT count(*) AS n FROM (${expected}) x`), 'n');
  const missing = scalarNumber(await session.sql(`SELECT count(*) AS n FROM (${missingQuery}) m`), 'n');
  const samples =
    missing === 0
      ? []
      : stringColumn(
          await session.sql(`${missingQuery} ORDER BY e.event_id LIMIT ${input.sampleLimit}`),
          'event_id',
        );
  return resultOf(
    'gold_completeness',
    `silver.ticks→${input.goldName}`,
    missing,
    `silver v${silverVersion}, gold v${goldVersion}: ${expectedCount} event(s) with a complete ${L}-tick window ` +
      `refined before ${input.refinedBeforeUs} µs, ${missing} without a prediction`,
    samples,
  );
}
