//! MERGE INTO: upserts and deletes driven by a source Arrow stream, in one commit.

use std::collections::HashMap;
use std::sync::Arc;

use deltalake::datafusion::datasource::MemTable;
use deltalake::operations::merge::MergeBuilder;
use napi::bindgen_prelude::Buffer;
use napi_derive::napi;

use crate::arrow_ipc;
use crate::error::{guard, BindingError, Result};
use crate::query::new_session;
use crate::runtime::{checkpoint_behind, in_background};
use crate::table::{version_to_js, NativeTable};
use crate::write::{commit_properties, to_i64, CommitOptions};

/// Alias of the source rows in predicates and expressions, unless overridden.
const DEFAULT_SOURCE_ALIAS: &str = "source";
/// Alias of the target table in predicates and expressions, unless overridden.
const DEFAULT_TARGET_ALIAS: &str = "target";

/// One WHEN clause. `action` is `update`, `updateAll` or `delete` for matched and
/// not-matched-by-source clauses, `insert` or `insertAll` for not-matched clauses.
#[napi(object)]
#[derive(Clone)]
pub struct MergeClause {
    /// What to do with the row.
    pub action: String,
    /// Only apply this clause to rows satisfying this SQL predicate.
    pub predicate: Option<String>,
    /// Column → SQL expression, for `update` and `insert`.
    pub set: Option<HashMap<String, String>>,
}

/// Options for [`NativeTable::merge`].
#[napi(object)]
pub struct MergeOptions {
    /// The join predicate, e.g. `target.id = source.id AND target.date = source.date`.
    pub predicate: String,
    /// Alias of the source rows (default `source`).
    pub source_alias: Option<String>,
    /// Alias of the target table (default `target`).
    pub target_alias: Option<String>,
    /// Clauses for rows present on both sides, first match wins.
    pub when_matched: Option<Vec<MergeClause>>,
    /// Clauses for source rows with no target row, first match wins.
    pub when_not_matched: Option<Vec<MergeClause>>,
    /// Clauses for target rows with no source row, first match wins.
    pub when_not_matched_by_source: Option<Vec<MergeClause>>,
    /// Add source columns missing from the target to the table schema.
    pub merge_schema: Option<bool>,
    /// Stream the source instead of materialising it (lower memory, less file pruning).
    pub streaming: Option<bool>,
    /// Commit options: application transactions, metadata, retries.
    pub commit: Option<CommitOptions>,
}

/// delta-rs's merge metrics plus the committed version.
#[napi(object)]
pub struct MergeResult {
    /// The version the merge committed.
    pub version: i64,
    /// Rows in the source.
    pub num_source_rows: i64,
    /// Target rows inserted.
    pub num_target_rows_inserted: i64,
    /// Target rows updated.
    pub num_target_rows_updated: i64,
    /// Target rows deleted.
    pub num_target_rows_deleted: i64,
    /// Target rows copied unchanged into rewritten files.
    pub num_target_rows_copied: i64,
    /// Rows written in total.
    pub num_output_rows: i64,
    /// Target files scanned.
    pub num_target_files_scanned: i64,
    /// Target files pruned before the scan.
    pub num_target_files_skipped_during_scan: i64,
    /// Files added.
    pub num_target_files_added: i64,
    /// Files removed.
    pub num_target_files_removed: i64,
    /// Wall time of the whole merge.
    pub execution_time_ms: i64,
    /// Time scanning for matches.
    pub scan_time_ms: i64,
    /// Time rewriting files.
    pub rewrite_time_ms: i64,
}

fn quote_ident(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// `col = alias.col` for every source column: the expansion of `updateAll` / `insertAll`.
fn all_columns(columns: &[String], source_alias: &str) -> HashMap<String, String> {
    columns
        .iter()
        .map(|c| (c.clone(), format!("{source_alias}.{}", quote_ident(c))))
        .collect()
}

fn assignments(
    clause: &MergeClause,
    columns: &[String],
    source_alias: &str,
    all_action: &str,
) -> Result<HashMap<String, String>> {
    if clause.action == all_action {
        if clause.set.is_some() {
            return Err(BindingError::invalid(format!(
                "{all_action} takes no `set`; use {} with `set` instead",
                all_action.trim_end_matches("All")
            )));
        }
        return Ok(all_columns(columns, source_alias));
    }
    match &clause.set {
        Some(set) if !set.is_empty() => Ok(set.clone()),
        _ => Err(BindingError::invalid(format!(
            "a {} clause needs a non-empty `set`",
            clause.action
        ))),
    }
}

struct Clauses<'a> {
    columns: &'a [String],
    source_alias: &'a str,
}

impl Clauses<'_> {
    fn matched(
        &self,
        mut builder: MergeBuilder,
        clauses: Vec<MergeClause>,
    ) -> Result<MergeBuilder> {
        for clause in clauses {
            let predicate = clause.predicate.clone();
            builder = match clause.action.as_str() {
                "update" | "updateAll" => {
                    let set = assignments(&clause, self.columns, self.source_alias, "updateAll")?;
                    builder.when_matched_update(|mut u| {
                        if let Some(p) = predicate {
                            u = u.predicate(p);
                        }
                        set.into_iter().fold(u, |u, (c, e)| u.update(c, e))
                    })?
                }
                "delete" => builder.when_matched_delete(|mut d| {
                    if let Some(p) = predicate {
                        d = d.predicate(p);
                    }
                    d
                })?,
                other => return Err(unknown_action("whenMatched", other)),
            };
        }
        Ok(builder)
    }

    fn not_matched(
        &self,
        mut builder: MergeBuilder,
        clauses: Vec<MergeClause>,
    ) -> Result<MergeBuilder> {
        for clause in clauses {
            let predicate = clause.predicate.clone();
            builder = match clause.action.as_str() {
                "insert" | "insertAll" => {
                    let set = assignments(&clause, self.columns, self.source_alias, "insertAll")?;
                    builder.when_not_matched_insert(|mut i| {
                        if let Some(p) = predicate {
                            i = i.predicate(p);
                        }
                        set.into_iter().fold(i, |i, (c, e)| i.set(c, e))
                    })?
                }
                other => return Err(unknown_action("whenNotMatched", other)),
            };
        }
        Ok(builder)
    }

    fn not_matched_by_source(
        &self,
        mut builder: MergeBuilder,
        clauses: Vec<MergeClause>,
    ) -> Result<MergeBuilder> {
        for clause in clauses {
            let predicate = clause.predicate.clone();
            builder = match clause.action.as_str() {
                "update" => {
                    // Only target columns exist here: there is no source row to copy from.
                    let set = assignments(&clause, self.columns, self.source_alias, "-")?;
                    builder.when_not_matched_by_source_update(|mut u| {
                        if let Some(p) = predicate {
                            u = u.predicate(p);
                        }
                        set.into_iter().fold(u, |u, (c, e)| u.update(c, e))
                    })?
                }
                "delete" => builder.when_not_matched_by_source_delete(|mut d| {
                    if let Some(p) = predicate {
                        d = d.predicate(p);
                    }
                    d
                })?,
                other => return Err(unknown_action("whenNotMatchedBySource", other)),
            };
        }
        Ok(builder)
    }
}

fn unknown_action(place: &str, action: &str) -> BindingError {
    BindingError::invalid(format!("{place} does not accept the action {action:?}"))
}

#[napi]
impl NativeTable {
    /// MERGE the rows of an Arrow IPC stream into the table, in one commit.
    #[napi]
    pub async fn merge(&self, source: Buffer, options: MergeOptions) -> napi::Result<MergeResult> {
        let this = self.detached();
        guard(in_background(async move {
            if options.predicate.trim().is_empty() {
                return Err(BindingError::invalid("merge needs a predicate"));
            }
            let matched = options.when_matched.unwrap_or_default();
            let not_matched = options.when_not_matched.unwrap_or_default();
            let by_source = options.when_not_matched_by_source.unwrap_or_default();
            if matched.is_empty() && not_matched.is_empty() && by_source.is_empty() {
                return Err(BindingError::invalid(
                    "merge needs at least one WHEN clause",
                ));
            }
            let source_alias = options
                .source_alias
                .unwrap_or_else(|| DEFAULT_SOURCE_ALIAS.to_string());
            let target_alias = options
                .target_alias
                .unwrap_or_else(|| DEFAULT_TARGET_ALIAS.to_string());
            let decoded = arrow_ipc::decode(&source)?;
            let columns: Vec<String> = decoded
                .schema
                .fields()
                .iter()
                .map(|f| f.name().clone())
                .collect();
            let read_version = options.commit.as_ref().and_then(|c| c.read_version);
            let props = commit_properties(options.commit)?.with_create_checkpoint(false);

            let ctx = new_session();
            let mem = MemTable::try_new(decoded.schema.clone(), vec![decoded.batches])?;
            let frame = ctx.read_table(Arc::new(mem))?;

            let table = this.for_write(read_version).await?;
            let mut builder = table
                .merge(frame, options.predicate)
                .with_source_alias(source_alias.clone())
                .with_target_alias(target_alias)
                .with_merge_schema(options.merge_schema.unwrap_or(false))
                .with_streaming(options.streaming.unwrap_or(false))
                .with_commit_properties(props);
            let clauses = Clauses {
                columns: &columns,
                source_alias: &source_alias,
            };
            builder = clauses.matched(builder, matched)?;
            builder = clauses.not_matched(builder, not_matched)?;
            builder = clauses.not_matched_by_source(builder, by_source)?;

            let (table, m) = builder.await?;
            let version = table.version().unwrap_or_default();
            checkpoint_behind(&table, version, |_| ());
            this.store(table)?;
            Ok(MergeResult {
                version: version_to_js(version),
                num_source_rows: to_i64(m.num_source_rows),
                num_target_rows_inserted: to_i64(m.num_target_rows_inserted),
                num_target_rows_updated: to_i64(m.num_target_rows_updated),
                num_target_rows_deleted: to_i64(m.num_target_rows_deleted),
                num_target_rows_copied: to_i64(m.num_target_rows_copied),
                num_output_rows: to_i64(m.num_output_rows),
                num_target_files_scanned: to_i64(m.num_target_files_scanned),
                num_target_files_skipped_during_scan: to_i64(
                    m.num_target_files_skipped_during_scan,
                ),
                num_target_files_added: to_i64(m.num_target_files_added),
                num_target_files_removed: to_i64(m.num_target_files_removed),
                execution_time_ms: i64::try_from(m.execution_time_ms).unwrap_or(i64::MAX),
                scan_time_ms: i64::try_from(m.scan_time_ms).unwrap_or(i64::MAX),
                rewrite_time_ms: i64::try_from(m.rewrite_time_ms).unwrap_or(i64::MAX),
            })
        }))
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clause(action: &str, set: Option<&[(&str, &str)]>) -> MergeClause {
        MergeClause {
            action: action.to_string(),
            predicate: None,
            set: set.map(|pairs| {
                pairs
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect()
            }),
        }
    }

    #[test]
    fn update_all_assigns_every_source_column_from_the_source_alias() {
        let columns = vec!["id".to_string(), "price".to_string()];
        let set = assignments(&clause("updateAll", None), &columns, "s", "updateAll").expect("ok");
        assert_eq!(set.get("price").map(String::as_str), Some("s.`price`"));
        assert_eq!(set.len(), columns.len());
    }

    #[test]
    fn an_update_without_assignments_is_rejected() {
        let columns = vec!["id".to_string()];
        assert!(assignments(&clause("update", None), &columns, "s", "updateAll").is_err());
    }

    #[test]
    fn update_all_with_explicit_assignments_is_rejected() {
        let columns = vec!["id".to_string()];
        let bad = clause("updateAll", Some(&[("id", "1")]));
        assert!(assignments(&bad, &columns, "s", "updateAll").is_err());
    }

    #[test]
    fn backticks_in_column_names_are_escaped() {
        assert_eq!(quote_ident("a`b"), "`a``b`");
    }
}
