//! The change data feed: rows changed by the commits in a version range, with the commit version.
//! This is how a downstream stage tails a table by version.
//!
//! Two ways to the same rows:
//! - **The tail read** ([`appended_rows`]), for ranges that only appended: it reads the range's commit entries and
//!   the Parquet files they added, and nothing else. Its cost is the range's, whatever the table's size and however
//!   long ago the handle last loaded the table.
//! - **delta-rs's CDF scan**, for everything else (updates and deletes with their `_change_data` files, a metadata
//!   or protocol change, deletion vectors, column mapping, partition columns other than strings, a pinned handle).
//!   It needs the table's file list at the latest version: loading it replays every commit since the handle's
//!   last load, and delta-rs 1.1 then lists the whole table's files again (about 50 ms for a table of a few
//!   hundred files, 350 ms for a handle 600 commits behind, on the dev machine; that is what a tailing reader paid
//!   for every read of a version it was not handed).
//!
//! The tail read gives what the scan gives for such a range: the table's columns as delta-rs's scan types them
//! (the loaded state's schema), `_change_type = 'insert'` for every row a data-changing `add` wrote,
//! `_commit_version`, and `_commit_timestamp` from the commit's (in-commit) timestamp. A compaction (`add`s and
//! `remove`s with `dataChange: false`) adds no rows. Rows come in version order, then file order within a commit;
//! the scan's order is unspecified.
//!
//! The loaded state's schema is only used where no commit after it changed the metadata or protocol: the handle
//! remembers the newest version that is known to hold ([`NativeTable::schema_holds_to`]); the versions between it
//! and the range are checked for such actions first, so a tailing reader reads each commit entry about once.

use std::sync::Arc;

use bytes::Bytes;
use deltalake::arrow::array::{
    new_null_array, Array, ArrayRef, RecordBatch, StringArray, TimestampMillisecondArray,
    UInt64Array,
};
use deltalake::arrow::compute::cast;
use deltalake::arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use deltalake::datafusion::physical_plan::collect;
use deltalake::delta_datafusion::DataFusionMixins as _;
use deltalake::kernel::transaction::PROTOCOL;
use deltalake::kernel::{Action, Add};
use deltalake::logstore::get_actions;
use deltalake::logstore::object_store::ObjectStoreExt as _;
use deltalake::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use deltalake::{DeltaTable, DeltaTableError, Path};
use futures::{stream, StreamExt as _, TryStreamExt as _};
use napi::bindgen_prelude::Buffer;
use napi_derive::napi;
use serde_json::Value;

use crate::arrow_ipc;
use crate::error::{guard, BindingError, Result};
use crate::query::new_session;
use crate::table::{log_actions, version_from_js, NativeTable};

/// The version range of [`NativeTable::changes`]: commits in `(afterVersion, toVersion]`.
#[napi(object)]
pub struct ChangesRange {
    /// Exclusive lower bound: the last version the caller already processed.
    pub after_version: i64,
    /// Inclusive upper bound (default: the latest version).
    pub to_version: Option<i64>,
}

/// Commit entries the tail read checks for a metadata or protocol change before its range, at most; a handle
/// further behind takes the CDF scan, which loads the table afresh.
const MAX_SCHEMA_CHECKS: u64 = 10_000;

/// Commit entries the tail read reads at once (in order).
const COMMIT_READS_IN_FLIGHT: usize = 16;

#[napi]
impl NativeTable {
    /// Rows changed by the commits in `(afterVersion, toVersion]`, as Arrow IPC with the table's
    /// columns plus `_change_type` (`insert`, `delete`, `update_preimage`, `update_postimage`),
    /// `_commit_version` and `_commit_timestamp`. Needs the table property
    /// `delta.enableChangeDataFeed=true` from the first version read.
    #[napi]
    pub async fn changes(&self, range: ChangesRange) -> napi::Result<Buffer> {
        guard(async move {
            let start = version_from_js(range.after_version)? + 1;
            let end = range.to_version.map(version_from_js).transpose()?;
            let (schema, batches) = match self.tail(start, end).await? {
                Some(rows) => rows,
                None => cdf_scan(&self.for_read().await?, start, end, range.after_version).await?,
            };
            Ok(arrow_ipc::encode_with_fallback(schema, &batches)?.into())
        })
        .await
    }
}

/// delta-rs's CDF scan of `[start, end]` on `table` (its version when `end` is absent).
async fn cdf_scan(
    table: &DeltaTable,
    start: u64,
    end: Option<u64>,
    after_version: i64,
) -> Result<(SchemaRef, Vec<RecordBatch>)> {
    let latest = table.version().unwrap_or_default();
    let end = end.unwrap_or(latest);
    if end > latest {
        return Err(BindingError::invalid(format!(
            "toVersion {end} is after the latest version {latest}"
        )));
    }
    if start > end {
        return Err(BindingError::invalid(format!(
            "empty range: afterVersion {after_version} is not below toVersion {end}"
        )));
    }
    let ctx = new_session();
    table.update_datafusion_session(&ctx.state())?;
    let plan = table
        .clone()
        .scan_cdf()
        .with_starting_version(start)
        .with_ending_version(end)
        .build(&ctx.state(), None)
        .await?;
    let schema = plan.schema();
    Ok((schema, collect(plan, ctx.task_ctx()).await?))
}

impl NativeTable {
    /// The tail read of `[start, end]` (`end`: the latest version when absent), or `None` where the CDF scan must
    /// answer: a pinned handle, a range it cannot read (see the module comment), a version that does not exist (the
    /// scan reports it), or a handle too far behind.
    async fn tail(
        &self,
        start: u64,
        end: Option<u64>,
    ) -> Result<Option<(SchemaRef, Vec<RecordBatch>)>> {
        let Some((table, holds_to)) = self.for_tail()? else {
            return Ok(None);
        };
        let end = match end {
            Some(end) => end,
            None => self.newest_version().await?,
        };
        if start > end || start.saturating_sub(holds_to) > MAX_SCHEMA_CHECKS {
            return Ok(None);
        }
        let log_store = table.log_store();
        let mut entries = stream::iter((holds_to + 1).min(start)..=end)
            .map(|version| {
                let log_store = Arc::clone(&log_store);
                async move {
                    Ok::<_, BindingError>((version, log_store.read_commit_entry(version).await?))
                }
            })
            .buffered(COMMIT_READS_IN_FLIGHT);
        let mut commits = Vec::new();
        while let Some((version, entry)) = entries.try_next().await? {
            let Some(entry) = entry else {
                return Ok(None);
            };
            if version < start {
                if changes_schema(&entry)? {
                    return Ok(None);
                }
                continue;
            }
            match appended_files(version, &entry)? {
                Some(commit) => commits.push(commit),
                None => return Ok(None),
            }
        }
        let Some(rows) = appended_rows(&table, &commits).await? else {
            return Ok(None);
        };
        self.schema_holds_to(end);
        Ok(Some(rows))
    }
}

/// What one commit appended: its version, (in-commit) timestamp and data-changing `add`s.
#[derive(Debug)]
struct Appended {
    version: u64,
    timestamp_ms: i64,
    adds: Vec<Add>,
}

/// Whether a commit entry holds a metadata or protocol action. Only lines that name one are parsed, so a commit of
/// `add`s with statistics is scanned, not parsed.
fn changes_schema(entry: &[u8]) -> Result<bool> {
    let mentions = |line: &[u8], key: &[u8]| line.windows(key.len()).any(|w| w == key);
    for line in entry.split(|b| *b == b'\n') {
        if !(mentions(line, b"\"metaData\"") || mentions(line, b"\"protocol\"")) {
            continue;
        }
        for action in log_actions(line) {
            let action: Value = action?;
            if action.get("metaData").is_some() || action.get("protocol").is_some() {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// The data-changing `add`s of a commit that only appended (or compacted, which appends nothing); `None` for a
/// commit the CDF scan must read: change data files, a data-changing `remove`, a metadata or protocol change, or an
/// `add` with a deletion vector.
fn appended_files(version: u64, entry: &Bytes) -> Result<Option<Appended>> {
    let mut commit = Appended {
        version,
        timestamp_ms: 0,
        adds: Vec::new(),
    };
    for action in get_actions(version, entry)? {
        match action {
            Action::CommitInfo(info) => {
                commit.timestamp_ms = info.in_commit_timestamp.or(info.timestamp).unwrap_or(0);
            }
            Action::Add(add) if add.data_change => {
                if add.deletion_vector.is_some() {
                    return Ok(None);
                }
                commit.adds.push(add);
            }
            Action::Remove(remove) if remove.data_change => return Ok(None),
            Action::Cdc(_) | Action::Metadata(_) | Action::Protocol(_) => return Ok(None),
            _ => {}
        }
    }
    Ok(Some(commit))
}

/// The rows the commits' `add`s wrote, in the CDF scan's schema; `None` where the loaded state cannot read them
/// as the scan would (see the module comment).
async fn appended_rows(
    table: &DeltaTable,
    commits: &[Appended],
) -> Result<Option<(SchemaRef, Vec<RecordBatch>)>> {
    let state = table.snapshot()?;
    let snapshot = state.snapshot();
    let column_mapping = snapshot
        .metadata()
        .configuration()
        .get("delta.columnMapping.mode")
        .is_some_and(|mode| mode != "none");
    if column_mapping || PROTOCOL.can_read_from(state).is_err() {
        return Ok(None);
    }
    let columns = snapshot.input_schema();
    let partitions = snapshot.metadata().partition_columns();
    if partitions.iter().any(|p| {
        columns
            .field_with_name(p)
            .map_or(true, |f| f.data_type() != &DataType::Utf8)
    }) {
        return Ok(None);
    }
    let mut fields: Vec<Field> = columns
        .fields()
        .iter()
        .map(|f| f.as_ref().clone())
        .collect();
    fields.push(Field::new("_change_type", DataType::Utf8, true));
    fields.push(Field::new("_commit_version", DataType::UInt64, true));
    fields.push(Field::new(
        "_commit_timestamp",
        DataType::Timestamp(TimeUnit::Millisecond, None),
        true,
    ));
    let schema: SchemaRef = Arc::new(Schema::new(fields));
    let store = table.log_store().object_store(None);
    let mut batches = Vec::new();
    for commit in commits {
        for add in &commit.adds {
            let path = Path::from(add.path.as_str());
            let bytes = async { store.get(&path).await?.bytes().await }
                .await
                .map_err(DeltaTableError::from)?;
            let reader = ParquetRecordBatchReaderBuilder::try_new(bytes)
                .and_then(|builder| builder.build())
                .map_err(DeltaTableError::from)?;
            for batch in reader {
                let batch = batch?;
                let mut arrays: Vec<ArrayRef> = Vec::with_capacity(schema.fields().len());
                for field in columns.fields() {
                    let array = if partitions.contains(field.name()) {
                        let value = add.partition_values.get(field.name()).cloned().flatten();
                        Arc::new(StringArray::from(vec![value; batch.num_rows()])) as ArrayRef
                    } else {
                        match batch.column_by_name(field.name()) {
                            Some(column) if column.data_type() == field.data_type() => {
                                Arc::clone(column)
                            }
                            Some(column) => match cast(column, field.data_type()) {
                                Ok(cast) => cast,
                                Err(_) => return Ok(None),
                            },
                            None if field.is_nullable() => {
                                new_null_array(field.data_type(), batch.num_rows())
                            }
                            None => return Ok(None),
                        }
                    };
                    arrays.push(array);
                }
                let rows = batch.num_rows();
                arrays.push(Arc::new(StringArray::from(vec!["insert"; rows])));
                arrays.push(Arc::new(UInt64Array::from(vec![commit.version; rows])));
                arrays.push(Arc::new(TimestampMillisecondArray::from(
                    vec![commit.timestamp_ms; rows],
                )));
                batches.push(
                    RecordBatch::try_new(Arc::clone(&schema), arrays)
                        .map_err(BindingError::from)?,
                );
            }
        }
    }
    Ok(Some((schema, batches)))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use deltalake::arrow::array::{Float64Array, TimestampMicrosecondArray};
    use deltalake::arrow::compute::concat_batches;
    use deltalake::arrow::util::display::{ArrayFormatter, FormatOptions};

    use super::*;
    use crate::table::{create, CreateOptions};

    fn schema() -> Schema {
        Schema::new(vec![
            Field::new("symbol", DataType::Utf8, false),
            Field::new("price", DataType::Float64, true),
            Field::new(
                "at",
                DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
                false,
            ),
            Field::new("event_date", DataType::Utf8, false),
        ])
    }

    /// One row per symbol, on two dates (two partitions, so two files a commit).
    fn rows(symbols: &[&str], price: f64) -> RecordBatch {
        let n = symbols.len();
        let dates: Vec<&str> = (0..n)
            .map(|i| {
                if i % 2 == 0 {
                    "2026-11-25"
                } else {
                    "2026-11-26"
                }
            })
            .collect();
        RecordBatch::try_new(
            Arc::new(schema()),
            vec![
                Arc::new(StringArray::from(symbols.to_vec())),
                Arc::new(Float64Array::from(vec![price; n])),
                Arc::new(
                    TimestampMicrosecondArray::from(vec![1_795_700_000_000_000; n])
                        .with_timezone("UTC"),
                ),
                Arc::new(StringArray::from(dates)),
            ],
        )
        .expect("batch")
    }

    async fn table(dir: &tempfile::TempDir) -> DeltaTable {
        let options = CreateOptions {
            partition_by: Some(vec!["event_date".into()]),
            properties: Some(HashMap::from([(
                "delta.enableChangeDataFeed".to_string(),
                "true".to_string(),
            )])),
            ..Default::default()
        };
        create(dir.path().to_str().expect("utf8"), &schema(), options)
            .await
            .expect("created")
    }

    async fn append(table: DeltaTable, symbols: &[&str], price: f64) -> DeltaTable {
        table
            .write(vec![rows(symbols, price)])
            .await
            .expect("appended")
    }

    /// The schema and the rows as sorted lines: the scan's order is unspecified.
    fn contents((schema, batches): &(SchemaRef, Vec<RecordBatch>)) -> (SchemaRef, Vec<String>) {
        let all = concat_batches(schema, batches).expect("concat");
        let options = FormatOptions::default();
        let columns: Vec<ArrayFormatter> = all
            .columns()
            .iter()
            .map(|c| ArrayFormatter::try_new(c.as_ref(), &options).expect("formatter"))
            .collect();
        let mut lines: Vec<String> = (0..all.num_rows())
            .map(|row| {
                columns
                    .iter()
                    .map(|c| c.value(row).to_string())
                    .collect::<Vec<_>>()
                    .join("|")
            })
            .collect();
        lines.sort();
        (Arc::clone(schema), lines)
    }

    /// Asserts that `handle`'s tail read of `[start, end]` gives what the CDF scan of `latest` gives; returns it.
    async fn tail_is_scan(
        handle: &NativeTable,
        latest: &DeltaTable,
        start: u64,
        end: Option<u64>,
    ) -> Vec<String> {
        let tail = handle
            .tail(start, end)
            .await
            .expect("reads")
            .expect("the tail read takes it");
        let scan = cdf_scan(latest, start, end, 0).await.expect("scans");
        assert_eq!(contents(&tail), contents(&scan));
        contents(&tail).1
    }

    fn handle(dir: &tempfile::TempDir, table: DeltaTable, pinned: bool) -> NativeTable {
        NativeTable::from_table(
            dir.path().to_string_lossy().into(),
            HashMap::new(),
            pinned,
            table,
        )
    }

    #[tokio::test]
    async fn the_tail_read_gives_the_cdf_scan_s_rows_for_appends() {
        let dir = tempfile::tempdir().expect("tempdir");
        let first = append(table(&dir).await, &["A", "B"], 1.0).await;
        // A handle loaded at version 1 that falls behind: the tail read does not load what follows.
        let behind = handle(&dir, first.clone(), false);
        let mut latest = first;
        for (i, symbols) in [["C", "D"], ["E", "F"], ["G", "H"]].iter().enumerate() {
            latest = append(latest, symbols, i as f64).await;
        }
        assert_eq!(
            tail_is_scan(&behind, &latest, 3, Some(4)).await.len(),
            4,
            "two rows a commit"
        );
        assert_eq!(
            tail_is_scan(&behind, &latest, 2, None).await.len(),
            6,
            "to the latest version"
        );
        assert!(
            behind.tail(9, Some(9)).await.expect("reads").is_none(),
            "a missing version is the scan's to report"
        );
        assert!(
            handle(&dir, latest, true)
                .tail(2, Some(3))
                .await
                .expect("reads")
                .is_none(),
            "pinned"
        );
    }

    #[tokio::test]
    async fn a_compaction_adds_no_rows() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut latest = table(&dir).await;
        for price in [1.0, 2.0, 3.0] {
            latest = append(latest, &["A", "B"], price).await;
        }
        let behind = handle(&dir, latest.clone(), false);
        let (latest, metrics) = latest.optimize().await.expect("compacted");
        assert!(metrics.num_files_removed > 0, "something was compacted");
        let version = latest.version().expect("version");
        assert!(tail_is_scan(&behind, &latest, version, Some(version))
            .await
            .is_empty());
    }

    #[tokio::test]
    async fn updates_and_schema_changes_are_left_to_the_cdf_scan() {
        let dir = tempfile::tempdir().expect("tempdir");
        let latest = append(table(&dir).await, &["A", "B"], 1.0).await;
        let behind = handle(&dir, latest.clone(), false);
        let (latest, _) = latest
            .update()
            .with_update("price", "price + 1")
            .await
            .expect("updated");
        assert!(
            behind.tail(2, Some(2)).await.expect("reads").is_none(),
            "an update"
        );

        // A column added after the handle loaded: a range after it still needs the new schema.
        let latest = latest
            .write(vec![wide_rows(&["C", "D"], [Some("X"), None])])
            .with_schema_mode(deltalake::operations::write::SchemaMode::Merge)
            .await
            .expect("schema merged");
        let latest = latest
            .write(vec![wide_rows(&["E", "F"], [None, Some("Y")])])
            .await
            .expect("appended");
        let version = latest.version().expect("version");
        assert!(
            behind
                .tail(version, Some(version))
                .await
                .expect("reads")
                .is_none(),
            "the metadata change before the range is found"
        );
        let fresh = handle(&dir, latest.clone(), false);
        tail_is_scan(&fresh, &latest, version, Some(version)).await;
    }

    /// `rows` with a `venue` column after the table's.
    fn wide_rows(symbols: &[&str; 2], venues: [Option<&str>; 2]) -> RecordBatch {
        let batch = rows(symbols, 5.0);
        let mut fields = schema().fields().to_vec();
        fields.push(Arc::new(Field::new("venue", DataType::Utf8, true)));
        let mut columns = batch.columns().to_vec();
        columns.push(Arc::new(StringArray::from(venues.to_vec())));
        RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).expect("batch")
    }

    #[test]
    fn commits_are_sorted_into_appends_and_the_rest() {
        let entry = |s: &str| Bytes::from(s.to_string());
        let append = entry(concat!(
            r#"{"commitInfo":{"timestamp":1700000000000,"operation":"WRITE"}}"#,
            "\n",
            r#"{"add":{"path":"a.parquet","partitionValues":{},"size":1,"modificationTime":1,"dataChange":true}}"#,
            "\n",
        ));
        let commit = appended_files(7, &append)
            .expect("reads")
            .expect("an append");
        assert_eq!(
            (commit.version, commit.timestamp_ms, commit.adds.len()),
            (7, 1_700_000_000_000, 1)
        );
        let compaction = entry(concat!(
            r#"{"add":{"path":"b.parquet","partitionValues":{},"size":1,"modificationTime":1,"dataChange":false}}"#,
            "\n",
            r#"{"remove":{"path":"a.parquet","dataChange":false}}"#,
            "\n",
        ));
        assert!(appended_files(8, &compaction)
            .expect("reads")
            .expect("no rows")
            .adds
            .is_empty());
        for other in [
            r#"{"remove":{"path":"a.parquet","dataChange":true}}"#,
            r#"{"cdc":{"path":"_change_data/c.parquet","partitionValues":{},"size":1,"dataChange":false}}"#,
            r#"{"metaData":{"id":"x","format":{"provider":"parquet","options":{}},"schemaString":"{}","partitionColumns":[],"configuration":{}}}"#,
        ] {
            assert!(
                appended_files(9, &entry(other)).expect("reads").is_none(),
                "{other}"
            );
        }
    }

    #[test]
    fn a_schema_change_is_found_by_its_action_not_by_a_mention() {
        let add = br#"{"add":{"path":"a.parquet","partitionValues":{"metaData":"protocol"},"dataChange":true}}"#;
        assert!(
            !changes_schema(add).expect("reads"),
            "a column and a value that mention them"
        );
        let metadata = br#"{"commitInfo":{}}
{"metaData":{"id":"x"}}"#;
        assert!(changes_schema(metadata).expect("reads"));
        assert!(changes_schema(br#"{"protocol":{"minReaderVersion":1}}"#).expect("reads"));
        assert!(
            changes_schema(b"{\"metaData\": oops").is_err(),
            "an unreadable line is an error"
        );
    }
}
