//! VACUUM, OPTIMIZE, checkpoints and expired-log cleanup.

use std::num::NonZeroU64;

use deltalake::checkpoints::{cleanup_metadata, create_checkpoint};
use deltalake::operations::optimize::OptimizeType;
use deltalake::operations::vacuum::VacuumMode;
use deltalake::table::config::TablePropertiesExt as _;
use napi_derive::napi;

use crate::error::{guard, BindingError, Result};
use crate::runtime::in_background;
use crate::table::{version_to_js, NativeTable};
use crate::write::{commit_properties, to_i64, CommitOptions};
use std::future::Future;

/// Milliseconds in an hour: vacuum retention is given in hours, like Delta's own settings.
const MS_PER_HOUR: i64 = 3_600_000;

/// Options for [`NativeTable::vacuum`].
#[napi(object)]
#[derive(Default, Clone)]
pub struct VacuumOptions {
    /// Keep files removed less than this many hours ago (default: the table's
    /// `delta.deletedFileRetentionDuration`, 7 days unless set).
    pub retention_hours: Option<f64>,
    /// Only list what would be deleted.
    pub dry_run: Option<bool>,
    /// Refuse a retention shorter than the table's configured one (default true).
    pub enforce_retention: Option<bool>,
    /// `lite` (default): only files the log marks as removed; `full`: also files the log never
    /// mentions (e.g. from failed writes).
    pub mode: Option<String>,
    /// Commit options recorded on the VACUUM commits.
    pub commit: Option<CommitOptions>,
}

/// The outcome of a vacuum.
#[napi(object)]
pub struct VacuumResult {
    /// Whether nothing was actually deleted.
    pub dry_run: bool,
    /// Paths (relative to the table root) deleted, or that would be.
    pub files_deleted: Vec<String>,
}

/// Options for [`NativeTable::optimize`].
#[napi(object)]
#[derive(Default, Clone)]
pub struct OptimizeOptions {
    /// `compact` (default) or `zorder`.
    pub kind: Option<String>,
    /// Columns to z-order by (required for `zorder`).
    pub zorder_columns: Option<Vec<String>>,
    /// Target file size in bytes (default: `delta.targetFileSize`, else 100 MiB).
    pub target_size: Option<i64>,
    /// How many bins to rewrite at once.
    pub max_concurrent_tasks: Option<u32>,
    /// Only files in partitions matching all of these `(column, op, value)` filters (e.g. every
    /// `event_date < today`, so closed partitions are compacted while writers append to today's).
    pub partition_filters: Option<Vec<PartitionFilter>>,
    /// Commit options recorded on the OPTIMIZE commit.
    pub commit: Option<CommitOptions>,
}

/// A partition filter of [`OptimizeOptions`]: `column op value`, or `column in|not in values`.
/// Values are partition values as the log stores them (strings).
#[napi(object)]
#[derive(Clone)]
pub struct PartitionFilter {
    pub column: String,
    /// One of `=`, `!=`, `<`, `<=`, `>`, `>=`, `in`, `not in`.
    pub op: String,
    /// The value compared with `=`, `!=`, `<`, `<=`, `>`, `>=`.
    pub value: Option<String>,
    /// The set of `in` / `not in`.
    pub values: Option<Vec<String>>,
}

fn filter_literals(filters: &[PartitionFilter]) -> Result<Vec<deltalake::FilterLiteral<'_>>> {
    filters
        .iter()
        .map(|f| {
            let value = match (&f.value, &f.values) {
                (Some(v), None) => deltalake::FilterValue::Scalar(v.as_str()),
                (None, Some(vs)) => {
                    deltalake::FilterValue::Set(vs.iter().map(String::as_str).collect())
                }
                _ => {
                    return Err(BindingError::invalid(format!(
                        "partition filter on {:?} needs exactly one of value or values",
                        f.column
                    )))
                }
            };
            deltalake::filter_literal(&f.column, &f.op, value)
                .map_err(|e| BindingError::invalid(e.to_string()))
        })
        .collect()
}

/// File statistics of one side of an optimize.
#[napi(object)]
pub struct FileSizeStats {
    /// Number of files.
    pub total_files: i64,
    /// Sum of file sizes in bytes.
    pub total_size: i64,
    /// Smallest file in bytes.
    pub min: i64,
    /// Largest file in bytes.
    pub max: i64,
    /// Mean file size in bytes.
    pub avg: f64,
}

/// delta-rs's optimize metrics plus the resulting version.
#[napi(object)]
pub struct OptimizeResult {
    /// The table version after the optimize (unchanged if there was nothing to do).
    pub version: i64,
    /// Files written.
    pub num_files_added: i64,
    /// Files replaced.
    pub num_files_removed: i64,
    /// Sizes of the files written.
    pub files_added: FileSizeStats,
    /// Sizes of the files replaced.
    pub files_removed: FileSizeStats,
    /// Partitions that had at least one file rewritten.
    pub partitions_optimized: i64,
    /// Record batches written.
    pub num_batches: i64,
    /// Files considered.
    pub total_considered_files: i64,
    /// Files considered but left alone.
    pub total_files_skipped: i64,
}

fn vacuum_mode(mode: Option<&str>) -> Result<VacuumMode> {
    match mode.unwrap_or("lite") {
        "lite" => Ok(VacuumMode::Lite),
        "full" => Ok(VacuumMode::Full),
        other => Err(BindingError::invalid(format!(
            "vacuum mode must be lite or full, not {other}"
        ))),
    }
}

fn optimize_type(kind: Option<&str>, columns: Option<Vec<String>>) -> Result<OptimizeType> {
    match (kind.unwrap_or("compact"), columns) {
        ("compact", None) => Ok(OptimizeType::Compact),
        ("compact", Some(_)) => Err(BindingError::invalid(
            "zorderColumns only apply to kind zorder",
        )),
        ("zorder", Some(columns)) if !columns.is_empty() => Ok(OptimizeType::ZOrder(columns)),
        ("zorder", _) => Err(BindingError::invalid("zorder needs zorderColumns")),
        (other, _) => Err(BindingError::invalid(format!(
            "optimize kind must be compact or zorder, not {other}"
        ))),
    }
}

fn size_stats(details: &deltalake::operations::optimize::MetricDetails) -> FileSizeStats {
    FileSizeStats {
        total_files: to_i64(details.total_files),
        total_size: details.total_size,
        min: details.min,
        max: details.max,
        avg: details.avg,
    }
}

#[napi]
impl NativeTable {
    /// Deletes data files no longer referenced by versions inside the retention window.
    /// Time travel to versions older than the window stops working for their removed files.
    #[napi]
    pub async fn vacuum(&self, options: Option<VacuumOptions>) -> napi::Result<VacuumResult> {
        let this = self.detached();
        let options = options.unwrap_or_default();
        guard(in_background(again_if_listing_raced(move || {
            vacuum_once(this.detached(), options.clone())
        })))
        .await
    }

    /// Rewrites small files into larger ones (compact) or clusters them by columns (z-order).
    #[napi]
    pub async fn optimize(&self, options: Option<OptimizeOptions>) -> napi::Result<OptimizeResult> {
        let this = self.detached();
        let options = options.unwrap_or_default();
        guard(in_background(again_if_listing_raced(move || {
            optimize_once(this.detached(), options.clone())
        })))
        .await
    }

    /// Writes a checkpoint for the latest version, so readers need not replay the JSON log.
    /// Returns the checkpointed version.
    #[napi]
    pub async fn create_checkpoint(&self) -> napi::Result<i64> {
        let this = self.detached();
        guard(in_background(again_if_listing_raced(move || {
            let this = this.detached();
            async move {
                let table = this.latest_for_write().await?;
                create_checkpoint(&table, None).await?;
                Ok(version_to_js(table.version().unwrap_or_default()))
            }
        })))
        .await
    }

    /// Deletes log files older than `delta.logRetentionDuration` that a checkpoint makes
    /// redundant. Returns how many files were deleted.
    #[napi]
    pub async fn cleanup_metadata(&self) -> napi::Result<i64> {
        let this = self.detached();
        guard(in_background(again_if_listing_raced(move || {
            let this = this.detached();
            async move {
                let table = this.latest_for_write().await?;
                Ok(to_i64(cleanup_metadata(&table, None).await?))
            }
        })))
        .await
    }
}

/// Times a maintenance operation runs again after failing on a listing of the log that raced a commit.
const MAINTENANCE_RETRIES: usize = 5;

/// Runs `operation` again when it failed because one of delta-rs's own listings of the log raced a commit (the gap
/// `table::load` lists again for; delta-rs lists inside an operation too, e.g. when its commit catches up with the
/// commits made meanwhile). Each maintenance operation plans from the table as it finds it, so running one again is
/// safe: an OPTIMIZE that had committed finds its files compacted, a VACUUM its files gone.
async fn again_if_listing_raced<T, F, Fut>(mut operation: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let mut retries = 0;
    loop {
        match operation().await {
            Err(err) if retries < MAINTENANCE_RETRIES && err.is_listing_race() => retries += 1,
            done => return done,
        }
    }
}

async fn vacuum_once(this: NativeTable, options: VacuumOptions) -> Result<VacuumResult> {
    let mode = vacuum_mode(options.mode.as_deref())?;
    let enforce = options.enforce_retention.unwrap_or(true);
    let dry_run = options.dry_run.unwrap_or(false);
    let props = commit_properties(options.commit)?;
    let table = this.latest_for_write().await?;
    let mut builder = table
        .clone()
        .vacuum()
        .with_mode(mode)
        .with_dry_run(dry_run)
        .with_enforce_retention_duration(enforce)
        .with_commit_properties(props);
    if let Some(hours) = options.retention_hours {
        if !hours.is_finite() || hours < 0.0 {
            return Err(BindingError::invalid("retentionHours must be >= 0"));
        }
        let retention_ms = (hours * MS_PER_HOUR as f64).round() as i64;
        let minimum = table
            .snapshot()?
            .table_config()
            .deleted_file_retention_duration();
        if enforce && u128::from(retention_ms.unsigned_abs()) < minimum.as_millis() {
            return Err(BindingError::invalid(format!(
                "retention of {hours} h is below the table's deletedFileRetentionDuration \
                 ({} h); pass enforceRetention: false to override",
                minimum.as_secs() / 3600
            )));
        }
        builder = builder.with_retention_period(chrono::Duration::milliseconds(retention_ms));
    }
    let (table, metrics) = builder.await?;
    if !dry_run {
        this.store(table)?;
    }
    Ok(VacuumResult {
        dry_run: metrics.dry_run,
        files_deleted: metrics.files_deleted,
    })
}

async fn optimize_once(this: NativeTable, options: OptimizeOptions) -> Result<OptimizeResult> {
    let kind = optimize_type(options.kind.as_deref(), options.zorder_columns)?;
    let props = commit_properties(options.commit)?;
    let filters = filter_literals(options.partition_filters.as_deref().unwrap_or(&[]))?;
    let table = this.latest_for_write().await?;
    let mut builder = table
        .optimize()
        .with_type(kind)
        .with_filters(&filters)
        .with_commit_properties(props);
    if let Some(size) = options.target_size {
        let size = u64::try_from(size)
            .ok()
            .and_then(NonZeroU64::new)
            .ok_or_else(|| BindingError::invalid("targetSize must be positive"))?;
        builder = builder.with_target_size(size);
    }
    if let Some(tasks) = options.max_concurrent_tasks {
        builder = builder.with_max_concurrent_tasks(tasks.max(1) as usize);
    }
    let (table, m) = builder.await?;
    let version = table.version().unwrap_or_default();
    this.store(table)?;
    Ok(OptimizeResult {
        version: version_to_js(version),
        num_files_added: i64::try_from(m.num_files_added).unwrap_or(i64::MAX),
        num_files_removed: i64::try_from(m.num_files_removed).unwrap_or(i64::MAX),
        files_added: size_stats(&m.files_added),
        files_removed: size_stats(&m.files_removed),
        partitions_optimized: i64::try_from(m.partitions_optimized).unwrap_or(i64::MAX),
        num_batches: i64::try_from(m.num_batches).unwrap_or(i64::MAX),
        total_considered_files: to_i64(m.total_considered_files),
        total_files_skipped: to_i64(m.total_files_skipped),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ErrorCode, LISTING_RACE};

    fn attempts_until(results: Vec<Result<u32>>) -> (Result<u32>, usize) {
        let results = std::sync::Mutex::new(results.into_iter());
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let done = futures::executor::block_on(again_if_listing_raced(|| {
            calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let next = results
                .lock()
                .expect("lock")
                .next()
                .expect("an outcome per call");
            async move { next }
        }));
        (done, calls.into_inner())
    }

    fn raced() -> Result<u32> {
        Err(BindingError::new(
            ErrorCode::Internal,
            format!("Kernel error: {LISTING_RACE}: 4 -> 6"),
        ))
    }

    #[test]
    fn a_maintenance_operation_runs_again_after_a_listing_race_only() {
        let (done, calls) = attempts_until(vec![raced(), raced(), Ok(7)]);
        assert_eq!(done.expect("third time"), 7);
        assert_eq!(calls, 3);
        let (done, calls) = attempts_until(vec![Err(BindingError::invalid("bad filter")), Ok(7)]);
        assert_eq!(
            done.expect_err("not retried").code(),
            ErrorCode::InvalidArgument
        );
        assert_eq!(calls, 1);
        let (done, calls) = attempts_until((0..=MAINTENANCE_RETRIES).map(|_| raced()).collect());
        assert!(done.expect_err("gives up").is_listing_race());
        assert_eq!(calls, MAINTENANCE_RETRIES + 1);
    }

    #[test]
    fn zorder_without_columns_is_rejected() {
        assert!(optimize_type(Some("zorder"), None).is_err());
        assert!(optimize_type(Some("zorder"), Some(vec![])).is_err());
    }

    #[test]
    fn compact_is_the_default_optimize() {
        assert!(matches!(
            optimize_type(None, None),
            Ok(OptimizeType::Compact)
        ));
    }

    #[test]
    fn an_unknown_vacuum_mode_is_rejected() {
        assert!(vacuum_mode(Some("deep")).is_err());
        assert_eq!(vacuum_mode(None).expect("lite"), VacuumMode::Lite);
    }
}
