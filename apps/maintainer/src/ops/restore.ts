import { type DeltaTable } from '@lakehouse/delta';
import { recordsInFiles } from '@lakehouse/verification';
import { type Schema } from 'apache-arrow';
import { MaintainerError } from '../maintainer-error';

export interface RestorePlan {
  readonly fromVersion: number;
  readonly toVersion: number;
  readonly currentRows: number;
  readonly restoredRows: number;
}

export interface RestoreResult extends RestorePlan {
  /** The version the restore committed. */
  readonly newVersion: number;
}

function sameSchema(a: Schema, b: Schema): boolean {
  return (
    a.fields.length === b.fields.length &&
    a.fields.every((f, i) => f.name === b.fields[i]?.name && String(f.type) === String(b.fields[i]?.type))
  );
}

/** What a restore of `table` to `version` would replace, for the confirmation prompt. */
export async function planRestore(table: DeltaTable, version: number): Promise<RestorePlan> {
  const latest = await table.version();
  if (!Number.isInteger(version) || version < 0 || version >= latest) {
    throw new MaintainerError(
      'INVALID_VERSION',
      `restore needs a version between 0 and ${latest - 1} (the latest is ${latest}), got ${version}`,
    );
  }
  const pinned = await table.checkout({ version });
  const current = await table.checkout({ version: latest });
  return {
    fromVersion: latest,
    toVersion: version,
    currentRows: recordsInFiles(await current.files()),
    restoredRows: recordsInFiles(await pinned.files()),
  };
}

/**
 * Restores a table to an earlier version. The binding has no RESTORE command, so this writes version `version`'s
 * rows back with one overwrite commit: readers see the old content atomically, history keeps every version in
 * between (time travel to them still works), and the commit's metadata names the restored version.
 *
 * Not rewound: application transactions (`txn`) stay at their latest values, so a stage will not re-deliver what it
 * had written after `version`; re-run that stage's backfill if the rows should come back. The rows are held in
 * memory while written.
 */
export async function restoreTable(table: DeltaTable, version: number): Promise<RestoreResult> {
  const plan = await planRestore(table, version);
  const pinned = await table.checkout({ version });
  const rows = await pinned.toArrow();
  const metadata = { 'lakehouse.operation': 'restore', 'lakehouse.restoredVersion': String(version) };
  const schemaChanged = !sameSchema(await pinned.schema(), await table.schema());
  const newVersion =
    rows.numRows === 0
      ? (await table.delete('true', { metadata })).version
      : (
          await table.overwrite(rows, {
            metadata,
            ...(schemaChanged ? { schemaMode: 'overwrite' as const } : {}),
          })
        ).version;
  return { ...plan, newVersion };
}
