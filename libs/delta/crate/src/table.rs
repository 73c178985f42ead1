//! Opening, creating and reading a Delta table: the handle every other operation hangs off.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};
use deltalake::arrow::datatypes::Schema;
use deltalake::kernel::engine::arrow_conversion::TryIntoKernel;
use deltalake::kernel::{CommitInfo, StructType};
use deltalake::logstore::commit_uri_from_version;
use deltalake::logstore::object_store::ObjectStoreExt as _;
use deltalake::protocol::SaveMode;
use deltalake::{DeltaTable, DeltaTableBuilder};
use napi::bindgen_prelude::Buffer;
use napi_derive::napi;
use url::Url;

use crate::arrow_ipc;
use crate::error::{guard, BindingError, ErrorCode, Result, LISTING_RACE};
use crate::query::{collect_sql, single_table_session};

/// Options for opening an existing table.
#[napi(object)]
#[derive(Default, Clone)]
pub struct OpenOptions {
    /// Object-store options (e.g. `AWS_ENDPOINT_URL`, `AWS_ALLOW_HTTP`); empty for local paths.
    pub storage_options: Option<HashMap<String, String>>,
    /// Load this version instead of the latest (time travel).
    pub version: Option<i64>,
    /// Load the latest version committed at or before this instant, in ms since the epoch.
    pub timestamp_ms: Option<i64>,
}

/// Options for creating a table.
#[napi(object)]
#[derive(Default)]
pub struct CreateOptions {
    /// Object-store options; empty for local paths.
    pub storage_options: Option<HashMap<String, String>>,
    /// Partition columns, in order.
    pub partition_by: Option<Vec<String>>,
    /// Table properties, e.g. `delta.checkpointInterval`, `delta.logRetentionDuration`.
    pub properties: Option<HashMap<String, String>>,
    /// Table name recorded in the metadata.
    pub name: Option<String>,
    /// Table description recorded in the metadata.
    pub description: Option<String>,
    /// What to do when a table already exists: `error` (default), `ignore` or `overwrite`.
    pub if_exists: Option<String>,
}

/// Table metadata from the current snapshot.
#[napi(object)]
pub struct TableMetadata {
    /// The table's unique id.
    pub id: String,
    /// The table name, if one was set.
    pub name: Option<String>,
    /// The table description, if one was set.
    pub description: Option<String>,
    /// Partition columns, in order.
    pub partition_columns: Vec<String>,
    /// Table properties.
    pub configuration: HashMap<String, String>,
    /// Creation time in ms since the epoch, if recorded.
    pub created_time: Option<i64>,
    /// Minimum reader protocol version.
    pub min_reader_version: i32,
    /// Minimum writer protocol version.
    pub min_writer_version: i32,
}

/// One commit of the table's history.
#[napi(object)]
pub struct CommitSummary {
    /// The table version this commit produced.
    pub version: i64,
    /// Commit time in ms since the epoch.
    pub timestamp: Option<i64>,
    /// The operation name, e.g. `WRITE`, `MERGE`, `VACUUM END`.
    pub operation: Option<String>,
    /// Operation parameters as a JSON object string.
    pub operation_parameters: Option<String>,
    /// Operation metrics and other provenance as a JSON object string.
    pub info: Option<String>,
    /// Version the writer read before committing.
    pub read_version: Option<i64>,
    /// Whether the commit was a blind append.
    pub is_blind_append: Option<bool>,
}

/// A handle on one Delta table. A handle opened at a version or timestamp is pinned there and
/// rejects writes; a live handle refreshes itself to the latest version before each operation.
#[napi]
pub struct NativeTable {
    uri: String,
    storage_options: HashMap<String, String>,
    pinned: bool,
    inner: Arc<RwLock<DeltaTable>>,
    /// The newest version this handle committed by a blind append (`append.rs`), which does not load what it
    /// commits; 0 for none (version 0 creates the table, so no append has it).
    appended: Arc<AtomicU64>,
    /// The newest version up to which the loaded state's schema and protocol are known to hold: the loaded version,
    /// or later where the change feed's tail read (`changes.rs`) found no metadata or protocol change since.
    schema_holds_to: Arc<AtomicU64>,
    /// The newest version [`NativeTable::latest_version`] found in the log; where its next probe starts.
    probed: Arc<AtomicU64>,
}

pub(crate) fn version_to_js(version: u64) -> i64 {
    i64::try_from(version).unwrap_or(i64::MAX)
}

pub(crate) fn version_from_js(version: i64) -> Result<u64> {
    u64::try_from(version).map_err(|_| BindingError::invalid(format!("invalid version {version}")))
}

fn read_version_from_js(version: i64) -> Result<u64> {
    u64::try_from(version)
        .map_err(|_| BindingError::invalid(format!("readVersion {version} is negative")))
}

fn read_version_missing(version: u64, latest: u64) -> BindingError {
    BindingError::invalid(format!(
        "readVersion {version} does not exist: the latest version is {latest}"
    ))
}

fn lock_poisoned() -> BindingError {
    BindingError::new(
        ErrorCode::Internal,
        "table handle lock poisoned by an earlier panic",
    )
}

/// Resolves a path or URL. A plain path that does not exist is reported as missing rather than
/// created, which `ensure_table_uri` would do.
fn resolve_uri(uri: &str, create: bool) -> Result<Url> {
    let looks_like_url = uri.contains("://");
    if !looks_like_url && !create && !Path::new(uri).exists() {
        return Err(BindingError::new(
            ErrorCode::TableNotFound,
            format!("no Delta table at {uri}: the path does not exist"),
        ));
    }
    Ok(deltalake::ensure_table_uri(uri)?)
}

fn timestamp_from_ms(ms: i64) -> Result<DateTime<Utc>> {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .ok_or_else(|| BindingError::invalid(format!("invalid timestamp {ms} ms")))
}

/// The newest version of `table`'s log, `known` being one that existed. On a local filesystem the commit files
/// after `known` are probed one by one (versions are contiguous: each commit is put-if-absent at the version after an
/// existing one), because a listing reads the whole `_delta_log` directory, which a writer committing 20 times a
/// second grows by 1.7 M entries a day (20–45 ms a listing at 1,200 entries, on the dev machine under load). Where
/// `known` is gone (the table was replaced, or its log cleaned up past it), and on other stores, the log is listed.
pub(crate) async fn latest_after(table: &DeltaTable, known: u64) -> Result<u64> {
    let log_store = table.log_store();
    if log_store.root_url().scheme() != "file" {
        return Ok(table.get_latest_version().await?);
    }
    let store = log_store.object_store(None);
    let exists = |version: u64| {
        let store = Arc::clone(&store);
        async move {
            match store.head(&commit_uri_from_version(Some(version))).await {
                Ok(_) => Ok(true),
                Err(deltalake::ObjectStoreError::NotFound { .. }) => Ok(false),
                Err(err) => Err(BindingError::from(deltalake::DeltaTableError::from(err))),
            }
        }
    };
    if !exists(known).await? {
        return Ok(table.get_latest_version().await?);
    }
    let mut latest = known;
    while exists(latest + 1).await? {
        latest += 1;
    }
    Ok(latest)
}

/// Which state [`load`] brings a table to.
#[derive(Clone, Copy)]
pub(crate) enum Load {
    /// The latest version, or at most the given one (forward only, from the loaded state).
    UpTo(Option<u64>),
    /// Exactly this version (backwards too).
    Version(u64),
    /// The version current at this instant.
    At(DateTime<Utc>),
}

/// Times [`load`] lists the log again after a listing that raced with commits. Each listing is a fresh chance: at a
/// few commits a second a race is rare; a writer committing every millisecond into a log of thousands of entries
/// (a stress test) races about every other listing.
const LISTING_RETRIES: usize = 50;

/// Loads `table` to `what`, listing the log again when the listing raced with commits. A directory listed while
/// commits land may show a version without the one before it (POSIX leaves entries created during a `readdir`
/// unspecified, and a blind append commits every millisecond or two), which delta-kernel refuses as a gap in the
/// log. The log has no gap (each commit is put-if-absent at the version after an existing one), so the next
/// listing, which starts after the missing entry exists, sees it.
pub(crate) async fn load(table: &mut DeltaTable, what: Load) -> Result<()> {
    let mut retries = 0;
    loop {
        let loaded = match what {
            Load::UpTo(version) => table.update_incremental(version).await,
            Load::Version(version) => table.load_version(version).await,
            Load::At(instant) => table.load_with_datetime(instant).await,
        };
        match loaded {
            Err(err) if retries < LISTING_RETRIES && listing_raced(&err) => retries += 1,
            loaded => return Ok(loaded?),
        }
    }
}

/// delta-kernel's refusal of a log listing with a gap between commit files.
fn listing_raced(err: &deltalake::DeltaTableError) -> bool {
    err.to_string().contains(LISTING_RACE)
}

/// Opens a table, latest version unless the options pin one.
pub(crate) async fn open(uri: &str, options: &OpenOptions) -> Result<DeltaTable> {
    let url = resolve_uri(uri, false)?;
    let storage = options.storage_options.clone().unwrap_or_default();
    let mut table = DeltaTableBuilder::from_url(url)?
        .with_storage_options(storage)
        .build()?;
    match (options.version, options.timestamp_ms) {
        (Some(_), Some(_)) => {
            return Err(BindingError::invalid(
                "pass either a version or a timestamp, not both",
            ))
        }
        (Some(version), None) => {
            let wanted = version_from_js(version)?;
            load(&mut table, Load::UpTo(None)).await?;
            let latest = table.get_latest_version().await?;
            if wanted > latest {
                return Err(BindingError::invalid(format!(
                    "version {wanted} does not exist: the latest version is {latest}"
                )));
            }
            load(&mut table, Load::Version(wanted)).await?;
        }
        (None, Some(ms)) => load(&mut table, Load::At(timestamp_from_ms(ms)?)).await?,
        (None, None) => load(&mut table, Load::UpTo(None)).await?,
    }
    Ok(table)
}

fn save_mode(if_exists: Option<&str>) -> Result<SaveMode> {
    match if_exists.unwrap_or("error") {
        "error" => Ok(SaveMode::ErrorIfExists),
        "ignore" => Ok(SaveMode::Ignore),
        "overwrite" => Ok(SaveMode::Overwrite),
        other => Err(BindingError::invalid(format!(
            "ifExists must be error, ignore or overwrite, not {other}"
        ))),
    }
}

pub(crate) async fn create(
    uri: &str,
    schema: &Schema,
    options: CreateOptions,
) -> Result<DeltaTable> {
    let mode = save_mode(options.if_exists.as_deref())?;
    let url = resolve_uri(uri, true)?;
    let storage = options.storage_options.clone().unwrap_or_default();
    let existing = DeltaTableBuilder::from_url(url.clone())?
        .with_storage_options(storage.clone())
        .build()?;
    if mode == SaveMode::ErrorIfExists && existing.verify_deltatable_existence().await? {
        return Err(BindingError::invalid(format!(
            "a Delta table already exists at {uri}"
        )));
    }
    let struct_type: StructType = schema
        .try_into_kernel()
        .map_err(|e| BindingError::invalid(format!("unsupported Arrow schema: {e}")))?;
    let mut builder = existing
        .create()
        .with_columns(struct_type.fields().cloned())
        .with_save_mode(mode)
        .with_partition_columns(options.partition_by.unwrap_or_default())
        .with_configuration(
            options
                .properties
                .unwrap_or_default()
                .into_iter()
                .map(|(k, v)| (k, Some(v))),
        );
    if let Some(name) = options.name {
        builder = builder.with_table_name(name);
    }
    if let Some(description) = options.description {
        builder = builder.with_comment(description);
    }
    Ok(builder.await?)
}

impl NativeTable {
    pub(crate) fn from_table(
        uri: String,
        storage_options: HashMap<String, String>,
        pinned: bool,
        table: DeltaTable,
    ) -> Self {
        Self {
            uri,
            storage_options,
            pinned,
            schema_holds_to: Arc::new(AtomicU64::new(table.version().unwrap_or_default())),
            inner: Arc::new(RwLock::new(table)),
            appended: Arc::new(AtomicU64::new(0)),
            probed: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Another handle on the same table state (shared, not copied), for work moved to another runtime.
    pub(crate) fn detached(&self) -> NativeTable {
        Self {
            uri: self.uri.clone(),
            storage_options: self.storage_options.clone(),
            pinned: self.pinned,
            inner: Arc::clone(&self.inner),
            appended: Arc::clone(&self.appended),
            schema_holds_to: Arc::clone(&self.schema_holds_to),
            probed: Arc::clone(&self.probed),
        }
    }

    /// The newest version in the log ([`latest_after`] the newest this handle knows of).
    pub(crate) async fn newest_version(&self) -> Result<u64> {
        let table = self.loaded()?;
        let known = [
            table.version().unwrap_or_default(),
            self.appended.load(Ordering::Acquire),
            self.probed.load(Ordering::Acquire),
        ];
        let latest = latest_after(&table, known.into_iter().max().unwrap_or_default()).await?;
        self.probed.fetch_max(latest, Ordering::AcqRel);
        Ok(latest)
    }

    /// For the change feed's tail read: the loaded table of a live handle (none for a pinned one) and the newest
    /// version its schema and protocol are known to hold to.
    pub(crate) fn for_tail(&self) -> Result<Option<(DeltaTable, u64)>> {
        if self.pinned {
            return Ok(None);
        }
        let table = self.loaded()?;
        Ok(Some((table, self.schema_holds_to.load(Ordering::Acquire))))
    }

    /// Records that no metadata or protocol change happened up to `version` since the loaded state.
    pub(crate) fn schema_holds_to(&self, version: u64) {
        self.schema_holds_to.fetch_max(version, Ordering::AcqRel);
    }

    /// A clone of the loaded table; cheap, the snapshot is shared.
    fn loaded(&self) -> Result<DeltaTable> {
        Ok(self.inner.read().map_err(|_| lock_poisoned())?.clone())
    }

    /// The handle's state: the loaded table, caught up first with the handle's own blind appends, if any are newer.
    pub(crate) async fn current(&self) -> Result<DeltaTable> {
        let mut table = self.loaded()?;
        let appended = self.appended.load(Ordering::Acquire);
        if table.version().is_some_and(|v| v < appended) {
            load(&mut table, Load::UpTo(Some(appended))).await?;
            self.store(table.clone())?;
        }
        Ok(table)
    }

    /// What a blind append builds on: the loaded state (the table's schema and configuration) and the version its
    /// commit is checked from, the caller's `read_version` or else the newest version this handle knows. Every
    /// version between the loaded one and the handle's newest was committed or checked by one of its blind appends;
    /// a `read_version` beyond them is loaded first (so no unchecked metadata change lies behind it). Pinned
    /// handles refuse.
    pub(crate) async fn for_blind_append(
        &self,
        read_version: Option<i64>,
    ) -> Result<(DeltaTable, u64)> {
        self.refuse_pinned()?;
        let mut table = self.loaded()?;
        let known = table
            .version()
            .unwrap_or_default()
            .max(self.appended.load(Ordering::Acquire));
        let Some(version) = read_version else {
            return Ok((table, known));
        };
        let version = read_version_from_js(version)?;
        if version > known {
            let latest = table.get_latest_version().await?;
            if version > latest {
                return Err(read_version_missing(version, latest));
            }
            load(&mut table, Load::UpTo(Some(version))).await?;
            self.store(table.clone())?;
        }
        Ok((table, version))
    }

    /// Records a version this handle committed by a blind append.
    pub(crate) fn appended(&self, version: u64) {
        self.appended.fetch_max(version, Ordering::AcqRel);
    }

    fn refuse_pinned(&self) -> Result<()> {
        if self.pinned {
            return Err(BindingError::invalid(
                "this handle is pinned to a past version (time travel); open the table again to write",
            ));
        }
        Ok(())
    }

    /// Stores the table state an operation returned, unless another operation already stored a
    /// newer one.
    pub(crate) fn store(&self, table: DeltaTable) -> Result<()> {
        let mut guard = self.inner.write().map_err(|_| lock_poisoned())?;
        if table.version() >= guard.version() {
            self.schema_holds_to
                .fetch_max(table.version().unwrap_or_default(), Ordering::AcqRel);
            *guard = table;
        }
        Ok(())
    }

    /// The latest table state, for an operation about to commit. Pinned handles refuse.
    pub(crate) async fn latest_for_write(&self) -> Result<DeltaTable> {
        self.refuse_pinned()?;
        let mut table = self.loaded()?;
        load(&mut table, Load::UpTo(None)).await?;
        self.store(table.clone())?;
        Ok(table)
    }

    /// The state a commit is based on: the latest one, or the caller's `read_version` so that delta-rs checks the
    /// commit against everything committed since (see `CommitOptions::read_version`).
    pub(crate) async fn for_write(&self, read_version: Option<i64>) -> Result<DeltaTable> {
        let Some(version) = read_version else {
            return self.latest_for_write().await;
        };
        self.refuse_pinned()?;
        let version = read_version_from_js(version)?;
        let mut table = self.loaded()?;
        if table.version() != Some(version) {
            let latest = table.get_latest_version().await?;
            if version > latest {
                return Err(read_version_missing(version, latest));
            }
            load(&mut table, Load::Version(version)).await?;
        }
        Ok(table)
    }

    /// The table to read: the pinned state, or the latest one for a live handle.
    pub(crate) async fn for_read(&self) -> Result<DeltaTable> {
        if self.pinned {
            return self.loaded();
        }
        let mut table = self.loaded()?;
        load(&mut table, Load::UpTo(None)).await?;
        self.store(table.clone())?;
        Ok(table)
    }
}

/// Opens an existing Delta table at a path or URL, optionally at a past version or timestamp.
#[napi]
pub async fn open_table(uri: String, options: Option<OpenOptions>) -> napi::Result<NativeTable> {
    guard(async move {
        let options = options.unwrap_or_default();
        let pinned = options.version.is_some() || options.timestamp_ms.is_some();
        let table = open(&uri, &options).await?;
        Ok(NativeTable::from_table(
            uri,
            options.storage_options.unwrap_or_default(),
            pinned,
            table,
        ))
    })
    .await
}

/// Creates a Delta table (version 0) with the schema of an Arrow IPC stream (its batches are ignored).
#[napi]
pub async fn create_table(
    uri: String,
    schema_ipc: Buffer,
    options: Option<CreateOptions>,
) -> napi::Result<NativeTable> {
    guard(async move {
        let decoded = arrow_ipc::decode(&schema_ipc)?;
        let options = options.unwrap_or_default();
        let storage = options.storage_options.clone().unwrap_or_default();
        let table = create(&uri, &decoded.schema, options).await?;
        Ok(NativeTable::from_table(uri, storage, false, table))
    })
    .await
}

#[napi]
impl NativeTable {
    /// The path or URL the table was opened with.
    #[napi]
    pub async fn uri(&self) -> napi::Result<String> {
        Ok(self.uri.clone())
    }

    /// Whether this handle is pinned to a past version.
    #[napi]
    pub async fn is_pinned(&self) -> napi::Result<bool> {
        Ok(self.pinned)
    }

    /// The version this handle has loaded.
    #[napi]
    pub async fn version(&self) -> napi::Result<i64> {
        guard(async move {
            let table = self.current().await?;
            let version = table.version().ok_or_else(|| {
                BindingError::new(ErrorCode::TableNotFound, "the table is not loaded")
            })?;
            Ok(version_to_js(version))
        })
        .await
    }

    /// The latest committed version in the log, without loading it.
    #[napi]
    pub async fn latest_version(&self) -> napi::Result<i64> {
        guard(async move { Ok(version_to_js(self.newest_version().await?)) }).await
    }

    /// Loads the latest version into a live handle; returns it.
    #[napi]
    pub async fn refresh(&self) -> napi::Result<i64> {
        guard(async move {
            let table = self.for_read().await?;
            Ok(version_to_js(table.version().unwrap_or_default()))
        })
        .await
    }

    /// The table schema as an Arrow IPC stream with no batches.
    #[napi]
    pub async fn schema(&self) -> napi::Result<Buffer> {
        guard(async move {
            let table = self.current().await?;
            let schema = table.snapshot()?.snapshot().arrow_schema();
            Ok(arrow_ipc::encode(&schema, &[])?.into())
        })
        .await
    }

    /// Metadata of the loaded version.
    #[napi]
    pub async fn metadata(&self) -> napi::Result<TableMetadata> {
        guard(async move {
            let table = self.current().await?;
            let snapshot = table.snapshot()?;
            let metadata = snapshot.metadata();
            let protocol = snapshot.protocol();
            Ok(TableMetadata {
                id: metadata.id().to_string(),
                name: metadata.name().map(str::to_string),
                description: metadata.description().map(str::to_string),
                partition_columns: metadata.partition_columns().to_vec(),
                configuration: metadata.configuration().clone(),
                created_time: metadata.created_time(),
                min_reader_version: protocol.min_reader_version(),
                min_writer_version: protocol.min_writer_version(),
            })
        })
        .await
    }

    /// The active data files of the loaded version with their statistics, as Arrow IPC
    /// (columns `path`, `size_bytes`, `modification_time`, `num_records`, `null_count.*`,
    /// `min.*`, `max.*`, `partition.*`).
    #[napi]
    pub async fn files(&self) -> napi::Result<Buffer> {
        guard(async move {
            let table = self.current().await?;
            let batches = table.snapshot()?.add_actions_batches(true)?;
            let schema = match batches.first() {
                Some(batch) => batch.schema(),
                None => table.snapshot()?.add_actions_table(true)?.schema(),
            };
            Ok(arrow_ipc::encode(&schema, &batches)?.into())
        })
        .await
    }

    /// Commits of the table, newest first, at most `limit` of them, each under its own version. A live handle first
    /// catches up with the log; each commit is read from its own log entry, so a commit that lands meanwhile can
    /// never shift the numbering. Versions whose entries log cleanup removed end the list.
    #[napi]
    pub async fn history(&self, limit: Option<u32>) -> napi::Result<Vec<CommitSummary>> {
        guard(async move {
            let table = self.for_read().await?;
            let latest = table.version().unwrap_or_default();
            let wanted = limit.map_or(u64::MAX, u64::from);
            let store = table.log_store();
            let mut summaries = Vec::new();
            let mut version = Some(latest);
            while let Some(v) = version.filter(|_| (summaries.len() as u64) < wanted) {
                let Some(entry) = store.read_commit_entry(v).await? else {
                    break;
                };
                summaries.push(commit_summary(v, commit_info_of(&entry)?));
                version = v.checked_sub(1);
            }
            Ok(summaries)
        })
        .await
    }

    /// The latest application-transaction version committed for `app_id` (e.g. a Kafka
    /// consumer's partition offset), or null if the app never committed.
    #[napi]
    pub async fn txn_version(&self, app_id: String) -> napi::Result<Option<i64>> {
        guard(async move {
            let table = self.for_read().await?;
            let version = table
                .snapshot()?
                .transaction_version(table.log_store().as_ref(), app_id)
                .await?;
            Ok(version)
        })
        .await
    }

    /// Opens another handle on the same table pinned at a version or timestamp.
    #[napi]
    pub async fn checkout(&self, options: OpenOptions) -> napi::Result<NativeTable> {
        guard(async move {
            if options.version.is_none() && options.timestamp_ms.is_none() {
                return Err(BindingError::invalid(
                    "checkout needs a version or a timestamp",
                ));
            }
            let options = OpenOptions {
                storage_options: Some(self.storage_options.clone()),
                ..options
            };
            let table = open(&self.uri, &options).await?;
            Ok(NativeTable::from_table(
                self.uri.clone(),
                self.storage_options.clone(),
                true,
                table,
            ))
        })
        .await
    }

    /// Reads the table (optionally some columns, optionally filtered by a SQL predicate) as Arrow IPC.
    #[napi]
    pub async fn scan(
        &self,
        columns: Option<Vec<String>>,
        filter: Option<String>,
    ) -> napi::Result<Buffer> {
        guard(async move {
            let table = self.for_read().await?;
            let ctx = single_table_session(&table, SCAN_TABLE_NAME).await?;
            let projection = match columns {
                Some(cols) if !cols.is_empty() => cols
                    .iter()
                    .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
                    .collect::<Vec<_>>()
                    .join(", "),
                _ => "*".to_string(),
            };
            let mut sql = format!("SELECT {projection} FROM {SCAN_TABLE_NAME}");
            if let Some(filter) = filter {
                sql.push_str(&format!(" WHERE {filter}"));
            }
            Ok(collect_sql(&ctx, &sql).await?.into())
        })
        .await
    }
}

/// The name a scanned table is registered under in its private SQL session.
const SCAN_TABLE_NAME: &str = "scanned";

/// The actions of a log entry (newline-delimited JSON), as JSON values.
pub(crate) fn log_actions(entry: &[u8]) -> impl Iterator<Item = Result<serde_json::Value>> + '_ {
    entry
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|line| {
            serde_json::from_slice(line).map_err(|e| {
                BindingError::new(ErrorCode::Internal, format!("unreadable log entry: {e}"))
            })
        })
}

/// The `commitInfo` action of a log entry; an empty one when it has none.
fn commit_info_of(entry: &[u8]) -> Result<CommitInfo> {
    for action in log_actions(entry) {
        let action = action?;
        if let Some(info) = action.get("commitInfo") {
            return serde_json::from_value(info.clone()).map_err(|e| {
                BindingError::new(ErrorCode::Internal, format!("unreadable commitInfo: {e}"))
            });
        }
    }
    Ok(CommitInfo::default())
}

fn commit_summary(version: u64, info: CommitInfo) -> CommitSummary {
    CommitSummary {
        version: version_to_js(version),
        timestamp: info.timestamp,
        operation: info.operation.clone(),
        operation_parameters: info
            .operation_parameters
            .as_ref()
            .and_then(|p| serde_json::to_string(p).ok()),
        info: serde_json::to_string(&info.info).ok(),
        read_version: info.read_version.map(version_to_js),
        is_blind_append: info.is_blind_append,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_commit_info_is_found_among_a_log_entry_s_actions() {
        let entry = b"{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}\n\
{\"commitInfo\":{\"timestamp\":1700000000000,\"operation\":\"MERGE\",\"readVersion\":4}}\n";
        let info = commit_info_of(entry).expect("parses");
        assert_eq!(info.timestamp, Some(1_700_000_000_000));
        assert_eq!(info.operation.as_deref(), Some("MERGE"));
        assert_eq!(info.read_version, Some(4));
        assert!(commit_info_of(b"not json\n").is_err());
    }

    use super::*;

    #[test]
    fn a_missing_local_path_is_table_not_found_and_is_not_created() {
        let dir = tempfile::tempdir().expect("tempdir");
        let missing = dir.path().join("nope");
        let err = resolve_uri(missing.to_str().expect("utf8"), false).expect_err("must fail");
        assert_eq!(err.code(), ErrorCode::TableNotFound);
        assert!(!missing.exists());
    }

    #[tokio::test]
    async fn the_latest_version_is_probed_from_a_known_one_and_listed_without_one() {
        use deltalake::arrow::array::{Int64Array, RecordBatch};
        use deltalake::arrow::datatypes::{DataType, Field};
        let dir = tempfile::tempdir().expect("tempdir");
        let schema = Schema::new(vec![Field::new("n", DataType::Int64, false)]);
        let mut table = create(
            dir.path().to_str().expect("utf8"),
            &schema,
            CreateOptions::default(),
        )
        .await
        .expect("created");
        for n in 0..3 {
            let batch = RecordBatch::try_new(
                Arc::new(schema.clone()),
                vec![Arc::new(Int64Array::from(vec![n]))],
            )
            .expect("batch");
            table = table.write(vec![batch]).await.expect("appended");
        }
        assert_eq!(latest_after(&table, 1).await.expect("probed"), 3);
        assert_eq!(latest_after(&table, 3).await.expect("probed"), 3);
        assert_eq!(
            latest_after(&table, 40).await.expect("listed"),
            3,
            "a version that is not there"
        );
        std::fs::remove_dir_all(dir.path().join("_delta_log")).expect("log removed");
        let listed = BindingError::from(table.get_latest_version().await.expect_err("gone"));
        let probed = latest_after(&table, 3)
            .await
            .expect_err("gone: the listing's error");
        assert_eq!(probed.code(), listed.code());
    }

    #[test]
    fn a_negative_version_is_an_invalid_argument() {
        assert_eq!(
            version_from_js(-1).expect_err("must fail").code(),
            ErrorCode::InvalidArgument
        );
    }

    #[test]
    fn an_unknown_if_exists_mode_is_an_invalid_argument() {
        assert!(save_mode(Some("replace")).is_err());
        assert!(save_mode(None).is_ok());
    }
}
