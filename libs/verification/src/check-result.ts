/** Names of the suite's checks: stable strings, used in metrics labels and in `--json` output. */
export const CHECK_NAMES = [
  'duplicate_event_ids',
  'null_keys',
  'valid_prices',
  'bronze_silver_accounting',
  'gold_completeness',
  'time_travel',
] as const;

export type CheckName = (typeof CHECK_NAMES)[number];

/** The outcome of one check on one table. */
export interface CheckResult {
  readonly check: CheckName;
  /** Logical table name (`silver.ticks`), or `a→b` for a check across tables. */
  readonly table: string;
  /** True when the check found nothing wrong, or was skipped. */
  readonly ok: boolean;
  /** True when the check could not run because a table it needs does not exist yet; `ok` is then true. */
  readonly skipped: boolean;
  /** How many rows (or keys, or versions) broke the rule. */
  readonly violations: number;
  /** One human-readable line: what was checked, at which versions, and what was found. */
  readonly detail: string;
  /** A few offending keys, for an operator to look up. */
  readonly samples: readonly string[];
}

/** Exit code of a verification command: 0 when every check passed (or was skipped), 1 otherwise. */
export function verificationExitCode(results: readonly CheckResult[]): 0 | 1 {
  return results.every((r) => r.ok) ? 0 : 1;
}

/** A passed (or failed) result with no violations list, for checks that count. */
export function resultOf(
  check: CheckName,
  table: string,
  violations: number,
  detail: string,
  samples: readonly string[] = [],
): CheckResult {
  return { check, table, ok: violations === 0, skipped: false, violations, detail, samples };
}

/** A check that could not run because a table is missing: not a failure, said so in the detail. */
export function skippedResult(check: CheckName, table: string, detail: string): CheckResult {
  return { check, table, ok: true, skipped: true, violations: 0, detail, samples: [] };
}

/** One line per result, for logs and terminals without a table renderer. */
export function formatResults(results: readonly CheckResult[]): string {
  return results
    .map((r) => {
      const status = r.skipped ? 'SKIP' : r.ok ? 'PASS' : 'FAIL';
      const samples = r.samples.length > 0 ? ` e.g. ${r.samples.join(', ')}` : '';
      return `${status} ${r.check} ${r.table} violations=${r.violations} ${r.detail}${samples}`;
    })
    .join('\n');
}
