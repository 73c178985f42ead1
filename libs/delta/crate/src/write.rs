//! Appends, overwrites, DELETE and UPDATE, each one atomic commit that can carry application
//! transactions (the exactly-once marker: a Kafka consumer stores its offsets in the same commit).

use std::collections::HashMap;
use std::num::NonZeroU64;
use std::sync::Arc;

use deltalake::arrow::array::RecordBatch;
use deltalake::arrow::datatypes::SchemaRef;
use deltalake::datafusion::execution::SessionState;
use deltalake::kernel::transaction::CommitProperties;
use deltalake::kernel::Transaction;
use deltalake::operations::write::SchemaMode;
use deltalake::parquet::basic::Compression;
use deltalake::parquet::file::properties::WriterProperties;
use deltalake::protocol::SaveMode;
use napi::bindgen_prelude::Buffer;
use napi_derive::napi;

use crate::append;
use crate::arrow_columns::{self, ColumnarBatch};
use crate::arrow_ipc;
use crate::error::{guard, BindingError, Result};
use crate::query::new_session;
use crate::runtime::checkpoint_behind;
use crate::table::{version_to_js, NativeTable};

/// An application transaction: `(appId, version)` committed atomically with the data.
#[napi(object)]
#[derive(Clone)]
pub struct Txn {
    /// The application's id, e.g. `ingestor:ticks:partition-3`.
    pub app_id: String,
    /// The application's monotonic version, e.g. the next Kafka offset to consume.
    pub version: i64,
}

/// What every committing operation accepts.
#[napi(object)]
#[derive(Default, Clone)]
pub struct CommitOptions {
    /// Application transactions recorded in the commit.
    pub txns: Option<Vec<Txn>>,
    /// Extra key/values recorded in the commit info.
    pub metadata: Option<HashMap<String, String>>,
    /// How many times to retry a commit that lost a race before failing with COMMIT_CONFLICT.
    pub max_retries: Option<u32>,
    /// The table version the caller's decision was based on (e.g. where it read its stored offsets). The commit is
    /// checked against every commit since then, so another writer having recorded a transaction for one of the
    /// same app ids fails this one with COMMIT_CONFLICT (`ConcurrentTransaction`). Default: the latest version.
    pub read_version: Option<i64>,
}

/// Options for [`NativeTable::write`].
#[napi(object)]
#[derive(Default)]
pub struct WriteOptions {
    /// `append` (default) or `overwrite`.
    pub mode: Option<String>,
    /// `merge` to add new columns, `overwrite` to replace the schema (overwrite mode only);
    /// absent means a schema difference is an error.
    pub schema_mode: Option<String>,
    /// With `overwrite`: replace only the rows matching this SQL predicate.
    pub replace_where: Option<String>,
    /// Target size of written files in bytes.
    pub target_file_size: Option<i64>,
    /// Commit options: application transactions, metadata, retries.
    pub commit: Option<CommitOptions>,
}

/// The outcome of a write.
#[napi(object)]
pub struct WriteResult {
    /// The version the write committed.
    pub version: i64,
    /// Rows in the written data.
    pub rows_written: i64,
}

/// The outcome of a DELETE.
#[napi(object)]
pub struct DeleteResult {
    /// The version the delete committed.
    pub version: i64,
    /// Rows deleted, when delta-rs could count them.
    pub num_deleted_rows: Option<i64>,
    /// Files added by rewriting.
    pub num_added_files: i64,
    /// Files removed.
    pub num_removed_files: i64,
}

/// The outcome of an UPDATE.
#[napi(object)]
pub struct UpdateResult {
    /// The version the update committed.
    pub version: i64,
    /// Rows updated.
    pub num_updated_rows: i64,
    /// Rows copied unchanged into rewritten files.
    pub num_copied_rows: i64,
    /// Files added.
    pub num_added_files: i64,
    /// Files removed.
    pub num_removed_files: i64,
}

pub(crate) fn to_i64(value: usize) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// What a commit records besides its data, checked: the caller's application transactions and commit-info
/// metadata, and how often to retry a lost race.
pub(crate) struct CommitSpec {
    pub(crate) txns: Vec<Transaction>,
    pub(crate) metadata: HashMap<String, serde_json::Value>,
    pub(crate) max_retries: Option<usize>,
}

/// Checks the JS commit options.
pub(crate) fn commit_spec(options: Option<CommitOptions>) -> Result<CommitSpec> {
    let options = options.unwrap_or_default();
    let now_ms = chrono::Utc::now().timestamp_millis();
    let mut txns = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for txn in options.txns.unwrap_or_default() {
        if txn.app_id.is_empty() {
            return Err(BindingError::invalid("a txn needs a non-empty appId"));
        }
        if txn.version < 0 {
            return Err(BindingError::invalid(format!(
                "txn {} has a negative version {}",
                txn.app_id, txn.version
            )));
        }
        if !seen.insert(txn.app_id.clone()) {
            return Err(BindingError::invalid(format!(
                "txn {} appears twice in one commit",
                txn.app_id
            )));
        }
        txns.push(Transaction::new_with_last_update(
            txn.app_id,
            txn.version,
            Some(now_ms),
        ));
    }
    let metadata = options
        .metadata
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k, serde_json::Value::String(v)))
        .collect();
    Ok(CommitSpec {
        txns,
        metadata,
        max_retries: options.max_retries.map(|r| r as usize),
    })
}

/// Builds delta-rs commit properties from the JS options.
///
/// Expired-log cleanup is off for every commit: with `delta.enableExpiredLogCleanup` (on by default) delta-rs lists
/// and stats the whole `_delta_log` directory after each commit to find expired entries, which costs a streaming
/// writer O(log entries) per commit (a Bronze table gains about half a million a day). The cleanup is an explicit,
/// scheduled operation instead (`cleanupMetadata`, run by the maintainer).
pub(crate) fn commit_properties(options: Option<CommitOptions>) -> Result<CommitProperties> {
    let spec = commit_spec(options)?;
    let mut props = CommitProperties::default()
        .with_cleanup_expired_logs(Some(false))
        .with_application_transactions(spec.txns)
        .with_metadata(spec.metadata);
    if let Some(retries) = spec.max_retries {
        props = props.with_max_retries(retries);
    }
    Ok(props)
}

fn save_mode(mode: Option<&str>) -> Result<SaveMode> {
    match mode.unwrap_or("append") {
        "append" => Ok(SaveMode::Append),
        "overwrite" => Ok(SaveMode::Overwrite),
        other => Err(BindingError::invalid(format!(
            "mode must be append or overwrite, not {other}"
        ))),
    }
}

fn schema_mode(mode: Option<&str>) -> Result<Option<SchemaMode>> {
    match mode {
        None => Ok(None),
        Some("merge") => Ok(Some(SchemaMode::Merge)),
        Some("overwrite") => Ok(Some(SchemaMode::Overwrite)),
        Some(other) => Err(BindingError::invalid(format!(
            "schemaMode must be merge or overwrite, not {other}"
        ))),
    }
}

fn non_empty_predicate(predicate: Option<String>) -> Result<Option<String>> {
    match predicate {
        Some(p) if p.trim().is_empty() => Err(BindingError::invalid("an empty predicate")),
        other => Ok(other),
    }
}

#[napi]
impl NativeTable {
    /// Appends or overwrites with the rows of an Arrow IPC stream, in one commit.
    #[napi]
    pub async fn write(
        &self,
        data: Buffer,
        options: Option<WriteOptions>,
    ) -> napi::Result<WriteResult> {
        guard(async move {
            let decoded = arrow_ipc::decode(&data)?;
            self.write_batches(decoded.schema, decoded.batches, options)
                .await
        })
        .await
    }

    /// Appends or overwrites with record batches handed over as their column buffers (see `ColumnarBatch`), in
    /// one commit: no IPC stream is encoded or decoded, and the buffers are read where they are. `schema` is an
    /// Arrow IPC stream holding the batches' schema (no rows). The caller must leave the buffers unchanged until
    /// the returned promise settles.
    #[napi]
    pub async fn write_columns(
        &self,
        schema: Buffer,
        batches: Vec<ColumnarBatch>,
        options: Option<WriteOptions>,
    ) -> napi::Result<WriteResult> {
        guard(async move {
            let schema = arrow_ipc::decode(&schema)?.schema;
            let batches = arrow_columns::to_record_batches(&schema, batches)?;
            self.write_batches(schema, batches, options).await
        })
        .await
    }

    /// Deletes the rows matching a SQL predicate (all rows when absent), in one commit.
    #[napi]
    pub async fn delete(
        &self,
        predicate: Option<String>,
        commit: Option<CommitOptions>,
    ) -> napi::Result<DeleteResult> {
        guard(async move {
            let predicate = non_empty_predicate(predicate)?;
            let props = commit_properties(commit)?;
            let table = self.latest_for_write().await?;
            let mut builder = table.delete().with_commit_properties(props);
            if let Some(predicate) = predicate {
                builder = builder.with_predicate(predicate);
            }
            let (table, metrics) = builder.await?;
            let version = table.version().unwrap_or_default();
            self.store(table)?;
            Ok(DeleteResult {
                version: version_to_js(version),
                num_deleted_rows: metrics.num_deleted_rows.map(to_i64),
                num_added_files: to_i64(metrics.num_added_files),
                num_removed_files: to_i64(metrics.num_removed_files),
            })
        })
        .await
    }

    /// Sets columns to SQL expressions on the rows matching a predicate (all rows when absent).
    #[napi]
    pub async fn update(
        &self,
        updates: HashMap<String, String>,
        predicate: Option<String>,
        commit: Option<CommitOptions>,
    ) -> napi::Result<UpdateResult> {
        guard(async move {
            if updates.is_empty() {
                return Err(BindingError::invalid("update needs at least one column"));
            }
            let predicate = non_empty_predicate(predicate)?;
            let props = commit_properties(commit)?;
            let table = self.latest_for_write().await?;
            let mut builder = table.update().with_commit_properties(props);
            if let Some(predicate) = predicate {
                builder = builder.with_predicate(predicate);
            }
            for (column, expression) in updates {
                builder = builder.with_update(column, expression);
            }
            let (table, metrics) = builder.await?;
            let version = table.version().unwrap_or_default();
            self.store(table)?;
            Ok(UpdateResult {
                version: version_to_js(version),
                num_updated_rows: to_i64(metrics.num_updated_rows),
                num_copied_rows: to_i64(metrics.num_copied_rows),
                num_added_files: to_i64(metrics.num_added_files),
                num_removed_files: to_i64(metrics.num_removed_files),
            })
        })
        .await
    }
}

impl NativeTable {
    /// One write commit of `batches`. They reach delta-rs in slices of [`WRITE_SLICE_ROWS`] rows (views, not
    /// copies), and its Parquet writer closes a row group every [`ROW_GROUP_ROWS`] rows: what the write holds
    /// besides the caller's batches is a few slices and one row group, not a copy and an encoding of the whole
    /// commit.
    async fn write_batches(
        &self,
        schema: SchemaRef,
        batches: Vec<RecordBatch>,
        options: Option<WriteOptions>,
    ) -> Result<WriteResult> {
        let options = options.unwrap_or_default();
        let mode = save_mode(options.mode.as_deref())?;
        let schema_mode = schema_mode(options.schema_mode.as_deref())?;
        let replace_where = non_empty_predicate(options.replace_where)?;
        if replace_where.is_some() && mode != SaveMode::Overwrite {
            return Err(BindingError::invalid("replaceWhere needs mode overwrite"));
        }
        let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
        let batches = if rows == 0 {
            vec![RecordBatch::new_empty(schema)]
        } else {
            sliced(&batches, WRITE_SLICE_ROWS)
        };
        let read_version = options.commit.as_ref().and_then(|c| c.read_version);
        if mode == SaveMode::Append && schema_mode.is_none() && options.target_file_size.is_none() {
            let (base, after) = self.for_blind_append(read_version).await?;
            if let Some(blind) = append::blind_rows(&base, &batches) {
                let committed =
                    append::append(&base, after, blind, commit_spec(options.commit)?).await;
                if committed.as_ref().is_err_and(append::changed_the_table) {
                    // The caller's retry must see the new metadata or protocol: the handle catches up now.
                    self.latest_for_write().await?;
                }
                let version = committed?;
                self.appended(version);
                // A due checkpoint also brings the handle's loaded state up to it, so that catching up later (a
                // read, `version()`) starts at most one checkpoint interval back.
                let handle = self.detached();
                checkpoint_behind(&base, version, move |table| drop(handle.store(table)));
                return Ok(WriteResult {
                    version: version_to_js(version),
                    rows_written: to_i64(rows),
                });
            }
        }
        let props = commit_properties(options.commit)?.with_create_checkpoint(false);
        let table = self.for_write(read_version).await?;
        let mut builder = table
            .write(batches)
            .with_save_mode(mode)
            .with_commit_properties(props)
            .with_writer_properties(writer_properties())
            .with_session_state(Arc::new(single_stream_session()));
        if let Some(schema_mode) = schema_mode {
            builder = builder.with_schema_mode(schema_mode);
        }
        if let Some(predicate) = replace_where {
            builder = builder.with_replace_where(predicate);
        }
        if let Some(size) = options.target_file_size {
            let size = u64::try_from(size)
                .ok()
                .and_then(NonZeroU64::new)
                .ok_or_else(|| BindingError::invalid("targetFileSize must be positive"))?;
            builder = builder.with_target_file_size(Some(size));
        }
        let table = builder.await?;
        let version = table.version().unwrap_or_default();
        checkpoint_behind(&table, version, |_| ());
        self.store(table)?;
        Ok(WriteResult {
            version: version_to_js(version),
            rows_written: to_i64(rows),
        })
    }
}

/// Rows per slice handed to delta-rs. It copies each slice once to split it by partition, so this bounds that
/// copy (a few hundred KB, which the allocator reuses in place rather than returning and faulting in again); the
/// size delta-rs itself feeds its Parquet writer with, so per-slice overhead stays negligible.
pub(crate) const WRITE_SLICE_ROWS: usize = 1024;

/// Rows per Parquet row group. delta-rs's default leaves it to parquet's (about a million rows), so a commit is
/// encoded whole in memory before any of it reaches the file; this bounds that buffer to a few MB.
pub(crate) const ROW_GROUP_ROWS: usize = 64 * 1024;

/// A DataFusion session that plans a write as one stream. With more target partitions, DataFusion may spread the
/// slices round-robin and delta-rs then hash-repartitions them by partition value, copying every slice into
/// queues between threads; a load of one day feeds one of those queues only, which does not bound them. One
/// stream keeps the slices as views all the way to the Parquet writer.
fn single_stream_session() -> SessionState {
    let mut state = new_session().state();
    state.config_mut().options_mut().execution.target_partitions = 1;
    state
}

/// delta-rs's own defaults (Snappy, its `created_by`) with bounded row groups.
pub(crate) fn writer_properties() -> WriterProperties {
    WriterProperties::builder()
        .set_created_by(format!("delta-rs version {}", deltalake::crate_version()))
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .build()
}

/// `batches` as views of at most `rows` rows each, in order.
fn sliced(batches: &[RecordBatch], rows: usize) -> Vec<RecordBatch> {
    let mut slices = Vec::new();
    for batch in batches {
        let mut offset = 0;
        while offset < batch.num_rows() {
            let length = rows.min(batch.num_rows() - offset);
            slices.push(batch.slice(offset, length));
            offset += length;
        }
    }
    slices
}

#[cfg(test)]
mod tests {
    use super::*;

    fn txn(app_id: &str, version: i64) -> Txn {
        Txn {
            app_id: app_id.to_string(),
            version,
        }
    }

    #[test]
    fn a_duplicate_app_id_in_one_commit_is_rejected() {
        let options = CommitOptions {
            txns: Some(vec![txn("a", 1), txn("a", 2)]),
            ..Default::default()
        };
        assert!(commit_properties(Some(options)).is_err());
    }

    #[test]
    fn a_negative_txn_version_is_rejected() {
        let options = CommitOptions {
            txns: Some(vec![txn("a", -1)]),
            ..Default::default()
        };
        assert!(commit_properties(Some(options)).is_err());
    }

    #[test]
    fn batches_are_sliced_into_views_of_at_most_the_slice_size_in_order() {
        use deltalake::arrow::array::{Array, Int64Array};
        use deltalake::arrow::datatypes::{DataType, Field, Schema};
        let schema =
            std::sync::Arc::new(Schema::new(vec![Field::new("n", DataType::Int64, false)]));
        let batch = |values: Vec<i64>| {
            RecordBatch::try_new(
                schema.clone(),
                vec![std::sync::Arc::new(Int64Array::from(values))],
            )
            .expect("batch")
        };
        let slices = sliced(&[batch((0..5).collect()), batch(vec![5, 6])], 2);
        let sizes: Vec<usize> = slices.iter().map(RecordBatch::num_rows).collect();
        assert_eq!(sizes, vec![2, 2, 1, 2]);
        let values: Vec<i64> = slices
            .iter()
            .flat_map(|s| {
                let column = s
                    .column(0)
                    .as_any()
                    .downcast_ref::<Int64Array>()
                    .expect("i64");
                column.values().to_vec()
            })
            .collect();
        assert_eq!(values, (0..7).collect::<Vec<_>>());
    }

    #[test]
    fn replace_where_only_parses_known_modes() {
        assert!(save_mode(Some("upsert")).is_err());
        assert!(schema_mode(Some("merge")).expect("ok").is_some());
        assert!(schema_mode(None).expect("ok").is_none());
    }
}
