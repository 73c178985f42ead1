import type {
  MergeClause as NativeMergeClause,
  MergeOptions as NativeMergeOptions,
} from '../native/native.js';
import { toNativeCommit, type CommitOptions } from './write.js';

/** Optional clause condition, a SQL predicate over source and target aliases. */
interface Conditional {
  /** Apply the clause only to rows matching this predicate, e.g. `source.price <> target.price`. */
  readonly predicate?: string;
}

/** A WHEN MATCHED clause: update some columns, update all from the source, or delete. */
export type MatchedClause =
  | (Conditional & { readonly update: Readonly<Record<string, string>> })
  | (Conditional & { readonly updateAll: true })
  | (Conditional & { readonly delete: true });

/** A WHEN NOT MATCHED (by target) clause: insert the source row, with explicit or all columns. */
export type NotMatchedClause =
  | (Conditional & { readonly insert: Readonly<Record<string, string>> })
  | (Conditional & { readonly insertAll: true });

/** A WHEN NOT MATCHED BY SOURCE clause: update or delete target rows that no source row matched. */
export type NotMatchedBySourceClause =
  | (Conditional & { readonly update: Readonly<Record<string, string>> })
  | (Conditional & { readonly delete: true });

/**
 * Options of {@link DeltaTable.merge}. Clauses of each group are tried in order; the first whose
 * predicate holds applies. Expressions and predicates are SQL over `sourceAlias.col` / `targetAlias.col`.
 */
export interface MergeOptions extends CommitOptions {
  /** The join condition, e.g. `target.id = source.id AND target.date = source.date`. */
  readonly predicate: string;
  /** Alias of the source rows (default `source`). */
  readonly sourceAlias?: string;
  /** Alias of the target table (default `target`). */
  readonly targetAlias?: string;
  /** WHEN MATCHED clauses. */
  readonly whenMatched?: readonly MatchedClause[];
  /** WHEN NOT MATCHED clauses. */
  readonly whenNotMatched?: readonly NotMatchedClause[];
  /** WHEN NOT MATCHED BY SOURCE clauses. */
  readonly whenNotMatchedBySource?: readonly NotMatchedBySourceClause[];
  /** Add source columns the target lacks to the table schema. */
  readonly mergeSchema?: boolean;
  /** Stream the source instead of materialising it (less memory, less file pruning). */
  readonly streaming?: boolean;
}

/** delta-rs's merge metrics, plus the committed version. */
export interface MergeResult {
  readonly version: number;
  readonly numSourceRows: number;
  readonly numTargetRowsInserted: number;
  readonly numTargetRowsUpdated: number;
  readonly numTargetRowsDeleted: number;
  readonly numTargetRowsCopied: number;
  readonly numOutputRows: number;
  readonly numTargetFilesScanned: number;
  readonly numTargetFilesSkippedDuringScan: number;
  readonly numTargetFilesAdded: number;
  readonly numTargetFilesRemoved: number;
  readonly executionTimeMs: number;
  readonly scanTimeMs: number;
  readonly rewriteTimeMs: number;
}

function copy(set: Readonly<Record<string, string>>): Record<string, string> {
  return { ...set };
}

function matched(clause: MatchedClause): NativeMergeClause {
  const { predicate } = clause;
  if ('update' in clause) return { action: 'update', predicate, set: copy(clause.update) };
  if ('updateAll' in clause) return { action: 'updateAll', predicate };
  return { action: 'delete', predicate };
}

function notMatched(clause: NotMatchedClause): NativeMergeClause {
  const { predicate } = clause;
  if ('insert' in clause) return { action: 'insert', predicate, set: copy(clause.insert) };
  return { action: 'insertAll', predicate };
}

function notMatchedBySource(clause: NotMatchedBySourceClause): NativeMergeClause {
  const { predicate } = clause;
  if ('update' in clause) return { action: 'update', predicate, set: copy(clause.update) };
  return { action: 'delete', predicate };
}

/** Converts merge options into the native shape, one tagged clause per WHEN. */
export function toNativeMerge(options: MergeOptions): NativeMergeOptions {
  return {
    predicate: options.predicate,
    sourceAlias: options.sourceAlias,
    targetAlias: options.targetAlias,
    whenMatched: options.whenMatched?.map(matched),
    whenNotMatched: options.whenNotMatched?.map(notMatched),
    whenNotMatchedBySource: options.whenNotMatchedBySource?.map(notMatchedBySource),
    mergeSchema: options.mergeSchema,
    streaming: options.streaming,
    commit: toNativeCommit(options),
  };
}
