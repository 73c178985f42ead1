//! The blind append: how a plain append commits without delta-rs's write operation.
//!
//! A streaming writer (the ingestor's Bronze appends, several a second) pays delta-rs's `WriteBuilder` for far more
//! than its rows: a DataFusion plan per write, two listings of `_delta_log` (one to catch up, one inside the commit
//! loop), and, after the commit, an update of the handle's snapshot that replays the table's whole materialized file
//! list. That replay is O(files in the table) on every commit and was most of the ingestor's CPU.
//!
//! A blind append reads nothing from the table, so none of that is needed:
//! - the rows are written as Parquet files by delta-rs's `RecordBatchWriter` (the same statistics and partition
//!   values as the write operation's files);
//! - the commit (`commitInfo`, the `add`s, the caller's `txn`s) is put at the next version with put-if-absent, the
//!   log store's own atomic commit, and nothing is listed;
//! - when that version exists (another writer won it), its entry is read and checked as delta-rs checks a blind
//!   append (every version after the caller's `readVersion`, when it gives one, is checked the same way): a winner that changed the metadata or the protocol, or that recorded a transaction for one of this
//!   commit's app ids, is a `COMMIT_CONFLICT` (`MetadataChanged`, `ProtocolChanged`, `ConcurrentTransaction`);
//!   anything else (appends, compactions, deletes) does not touch what this commit wrote, so it moves to the next
//!   version;
//! - the handle does not replay its state after the commit: it records the version, and the next operation that
//!   needs the state catches up with it ([`NativeTable::current`]), so a writer that only appends never does.
//!
//! Anything else goes through the write operation: overwrites, schema modes, `replaceWhere`, a target file size,
//! rows whose schema is not the table's (so its errors and casts are unchanged; only timestamps of a coarser unit
//! are widened here), tables with constraints, generated columns or column mapping, and log stores that commit
//! through a temporary file. A conflict with a metadata or protocol change makes the handle catch up, so that the
//! caller's retry builds on the new table.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Instant;

use deltalake::arrow::array::{Array, ArrayRef, RecordBatch};
use deltalake::arrow::compute::cast;
use deltalake::arrow::datatypes::{DataType, SchemaRef, TimeUnit};
use deltalake::kernel::transaction::{CommitConflictError, CommitData, TransactionError, PROTOCOL};
use deltalake::kernel::Action;
use deltalake::logstore::CommitOrBytes;
use deltalake::protocol::{DeltaOperation, SaveMode};
use deltalake::writer::{DeltaWriter as _, RecordBatchWriter};
use deltalake::DeltaTable;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::error::{BindingError, ErrorCode, Result};
use crate::table::log_actions;
use crate::write::{writer_properties, CommitSpec};

/// Versions a blind append moves past (each another writer's commit, read and checked) before it gives up with
/// `COMMIT_CONFLICT` (`MaxCommitAttempts`). delta-rs checks every commit since its read version in one attempt, so a
/// caller's `maxRetries` does not bound this; `maxRetries: 0` does refuse any commit since, as delta-rs does.
const MAX_WINNERS: usize = 1000;

/// `batches` as the table's rows (its column order and types), when they can be appended to `table` blindly; `None`
/// when the write operation must take them (see the module documentation).
pub(crate) fn blind_rows(table: &DeltaTable, batches: &[RecordBatch]) -> Option<Vec<RecordBatch>> {
    let state = table.snapshot().ok()?;
    if batches.iter().all(|b| b.num_rows() == 0)
        || table.log_store().name() != "DefaultLogStore"
        || PROTOCOL.can_write_to(state).is_err()
    {
        return None;
    }
    let metadata = state.metadata();
    if metadata
        .configuration()
        .keys()
        .any(|key| key.starts_with("delta.constraints.") || key == "delta.columnMapping.mode")
    {
        return None;
    }
    let schema = state.snapshot().arrow_schema();
    let special = |key: &String| {
        key.starts_with("delta.generationExpression") || key.starts_with("delta.invariants")
    };
    if schema
        .fields()
        .iter()
        .any(|f| f.metadata().keys().any(special))
    {
        return None;
    }
    batches
        .iter()
        .map(|batch| conformed(&schema, batch))
        .collect()
}

/// `batch` with the table's columns in the table's order: the same names, the same types (or timestamps of a coarser
/// unit, widened losslessly), and no nulls where the table allows none; `None` otherwise.
fn conformed(table: &SchemaRef, batch: &RecordBatch) -> Option<RecordBatch> {
    if batch.num_columns() != table.fields().len() {
        return None;
    }
    let columns = table
        .fields()
        .iter()
        .map(|target| {
            let column = batch.column_by_name(target.name())?;
            if !target.is_nullable() && column.null_count() > 0 {
                return None;
            }
            match (column.data_type(), target.data_type()) {
                (from, to) if from == to => Some(Arc::clone(column)),
                (
                    DataType::Timestamp(from, from_tz),
                    DataType::Timestamp(TimeUnit::Microsecond, to_tz),
                ) if from_tz == to_tz
                    && matches!(from, TimeUnit::Second | TimeUnit::Millisecond) =>
                {
                    cast(column, target.data_type()).ok()
                }
                _ => None,
            }
        })
        .collect::<Option<Vec<ArrayRef>>>()?;
    RecordBatch::try_new(Arc::clone(table), columns).ok()
}

/// Appends `batches` to the table `base` is a loaded state of, in one commit at the first free version after
/// `after` (the newest version this handle knows). Returns the committed version.
pub(crate) async fn append(
    base: &DeltaTable,
    after: u64,
    batches: Vec<RecordBatch>,
    spec: CommitSpec,
) -> Result<u64> {
    let started = Instant::now();
    let state = base.snapshot()?;
    let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
    let mut writer =
        RecordBatchWriter::for_table(base)?.with_writer_properties(writer_properties());
    for batch in batches {
        writer.write(batch).await?;
    }
    let adds = writer.flush().await?;
    let partition_columns: Vec<String> = state.metadata().partition_columns().to_vec();
    let partitions: HashSet<_> = adds
        .iter()
        .map(|add| format!("{:?}", add.partition_values))
        .collect();
    let mut app_metadata = spec.metadata;
    app_metadata.insert(
        "operationMetrics".to_owned(),
        // The keys delta-rs's write operation records.
        json!({
            "num_added_files": adds.len(),
            "num_removed_files": 0,
            "num_partitions": partitions.len(),
            "num_added_rows": rows,
            "execution_time_ms": started.elapsed().as_millis() as u64,
            "num_retries": 0,
        }),
    );
    let operation = DeltaOperation::Write {
        mode: SaveMode::Append,
        partition_by: (!partition_columns.is_empty()).then_some(partition_columns),
        predicate: None,
    };
    let actions = adds.into_iter().map(Action::Add).collect();
    let data = CommitData::new(actions, operation, app_metadata, spec.txns.clone());
    PROTOCOL.can_commit(state, &data.actions, &data.operation)?;
    let bytes = data.get_bytes()?;
    let apps: HashSet<&str> = spec.txns.iter().map(|t| t.app_id.as_str()).collect();
    let log_store = base.log_store();
    let operation_id = Uuid::new_v4();
    let mut version = after + 1;
    for _ in 0..=MAX_WINNERS {
        match log_store
            .write_commit_entry(
                version,
                CommitOrBytes::LogBytes(bytes.clone()),
                operation_id,
            )
            .await
        {
            Ok(()) => return Ok(version),
            Err(TransactionError::VersionAlreadyExists(_)) if spec.max_retries == Some(0) => {
                return Err(TransactionError::MaxCommitAttempts(0).into());
            }
            Err(TransactionError::VersionAlreadyExists(_)) => {
                let entry = log_store.read_commit_entry(version).await?.ok_or_else(|| {
                    BindingError::from(TransactionError::VersionAlreadyExists(version))
                })?;
                check_winner(&entry, &apps)?;
                version += 1;
            }
            Err(err) => return Err(err.into()),
        }
    }
    Err(TransactionError::MaxCommitAttempts(MAX_WINNERS as i32).into())
}

/// Whether a blind append failed because another writer changed the table's metadata or protocol.
pub(crate) fn changed_the_table(error: &BindingError) -> bool {
    error.code() == ErrorCode::CommitConflict
        && matches!(error.kind(), Some("MetadataChanged" | "ProtocolChanged"))
}

/// What a blind append conflicts with in another writer's commit (delta-rs's rules for a commit that read nothing):
/// a metadata or protocol change, or a transaction for one of its app ids.
fn check_winner(entry: &[u8], apps: &HashSet<&str>) -> Result<()> {
    for action in log_actions(entry) {
        let action = action?;
        let conflict = if action.get("metaData").is_some() {
            Some(CommitConflictError::MetadataChanged)
        } else if let Some(protocol) = action.get("protocol") {
            Some(CommitConflictError::ProtocolChanged(protocol.to_string()))
        } else {
            action
                .get("txn")
                .and_then(|txn| txn.get("appId"))
                .and_then(Value::as_str)
                .filter(|app| apps.contains(app))
                .map(|_| CommitConflictError::ConcurrentTransaction)
        };
        if let Some(conflict) = conflict {
            return Err(TransactionError::CommitConflict(conflict).into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use deltalake::arrow::array::{Int64Array, StringArray, TimestampMillisecondArray};
    use deltalake::arrow::datatypes::{Field, Schema};

    fn apps(ids: &[&'static str]) -> HashSet<&'static str> {
        ids.iter().copied().collect()
    }

    fn kind_of(entry: &str, ours: &[&'static str]) -> Option<String> {
        check_winner(entry.as_bytes(), &apps(ours)).err().map(|e| {
            assert_eq!(e.code(), ErrorCode::CommitConflict);
            e.kind().unwrap_or_default().to_string()
        })
    }

    #[test]
    fn another_writer_s_appends_and_compactions_do_not_conflict() {
        let entry = concat!(
            r#"{"commitInfo":{"operation":"OPTIMIZE"}}"#,
            "\n",
            r#"{"add":{"path":"a.parquet","dataChange":false}}"#,
            "\n",
            r#"{"remove":{"path":"b.parquet","dataChange":false}}"#,
            "\n",
            r#"{"txn":{"appId":"ingestor:p1","version":7}}"#,
        );
        assert_eq!(kind_of(entry, &["ingestor:p0"]), None);
    }

    #[test]
    fn a_transaction_for_one_of_the_commit_s_app_ids_conflicts() {
        let entry = r#"{"txn":{"appId":"ingestor:p0","version":7}}"#;
        assert_eq!(
            kind_of(entry, &["ingestor:p0"]).as_deref(),
            Some("ConcurrentTransaction")
        );
    }

    #[test]
    fn a_metadata_or_protocol_change_conflicts() {
        let metadata = r#"{"metaData":{"id":"x","schemaString":"{}"}}"#;
        assert_eq!(kind_of(metadata, &[]).as_deref(), Some("MetadataChanged"));
        let protocol = r#"{"protocol":{"minReaderVersion":3,"minWriterVersion":7}}"#;
        assert_eq!(kind_of(protocol, &[]).as_deref(), Some("ProtocolChanged"));
    }

    #[test]
    fn an_unreadable_winner_is_an_error_not_a_pass() {
        let err = check_winner(b"{not json", &apps(&[])).expect_err("fails");
        assert_eq!(err.code(), ErrorCode::Internal);
    }

    fn table_schema() -> SchemaRef {
        Arc::new(Schema::new(vec![
            Field::new("id", DataType::Int64, false),
            Field::new(
                "at",
                DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
                true,
            ),
            Field::new("date", DataType::Utf8, true),
        ]))
    }

    fn batch(fields: Vec<Field>, columns: Vec<ArrayRef>) -> RecordBatch {
        RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).expect("batch")
    }

    fn millis() -> ArrayRef {
        Arc::new(TimestampMillisecondArray::from(vec![Some(1_500), None]).with_timezone("UTC"))
    }

    #[test]
    fn rows_are_put_in_the_table_s_order_and_coarser_timestamps_widened() {
        let rows = batch(
            vec![
                Field::new("date", DataType::Utf8, true),
                Field::new(
                    "at",
                    DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())),
                    true,
                ),
                Field::new("id", DataType::Int64, true),
            ],
            vec![
                Arc::new(StringArray::from(vec!["d", "d"])),
                millis(),
                Arc::new(Int64Array::from(vec![1, 2])),
            ],
        );
        let out = conformed(&table_schema(), &rows).expect("conforms");
        assert_eq!(out.schema(), table_schema());
        let at = out
            .column(1)
            .as_any()
            .downcast_ref::<deltalake::arrow::array::TimestampMicrosecondArray>()
            .expect("µs");
        assert_eq!(at.value(0), 1_500_000);
        assert!(at.is_null(1));
    }

    #[test]
    fn anything_else_is_left_to_the_write_operation() {
        let ts = Field::new(
            "at",
            DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())),
            true,
        );
        let ids: ArrayRef = Arc::new(Int64Array::from(vec![Some(1), None]));
        let dates: ArrayRef = Arc::new(StringArray::from(vec!["d", "d"]));
        // A null where the table allows none.
        let nulls = batch(
            vec![
                Field::new("id", DataType::Int64, true),
                ts.clone(),
                Field::new("date", DataType::Utf8, true),
            ],
            vec![ids, millis(), Arc::clone(&dates)],
        );
        assert!(conformed(&table_schema(), &nulls).is_none());
        // Another type.
        let strings = batch(
            vec![
                Field::new("id", DataType::Utf8, false),
                ts.clone(),
                Field::new("date", DataType::Utf8, true),
            ],
            vec![
                Arc::new(StringArray::from(vec!["1", "2"])),
                millis(),
                Arc::clone(&dates),
            ],
        );
        assert!(conformed(&table_schema(), &strings).is_none());
        // A missing column, and an extra one.
        let two = batch(
            vec![Field::new("id", DataType::Int64, false), ts.clone()],
            vec![Arc::new(Int64Array::from(vec![1, 2])), millis()],
        );
        assert!(conformed(&table_schema(), &two).is_none());
        let four = batch(
            vec![
                Field::new("id", DataType::Int64, false),
                ts,
                Field::new("date", DataType::Utf8, true),
                Field::new("extra", DataType::Utf8, true),
            ],
            vec![
                Arc::new(Int64Array::from(vec![1, 2])),
                millis(),
                Arc::clone(&dates),
                dates,
            ],
        );
        assert!(conformed(&table_schema(), &four).is_none());
    }
}
