//! The change data feed: rows changed by the commits in a version range, with the commit version.
//! This is how a downstream stage tails a table by version.

use deltalake::datafusion::physical_plan::collect;
use napi::bindgen_prelude::Buffer;
use napi_derive::napi;

use crate::arrow_ipc;
use crate::error::{guard, BindingError};
use crate::query::new_session;
use crate::table::{version_from_js, NativeTable};

/// The version range of [`NativeTable::changes`]: commits in `(afterVersion, toVersion]`.
#[napi(object)]
pub struct ChangesRange {
    /// Exclusive lower bound: the last version the caller already processed.
    pub after_version: i64,
    /// Inclusive upper bound (default: the latest version).
    pub to_version: Option<i64>,
}

#[napi]
impl NativeTable {
    /// Rows changed by the commits in `(afterVersion, toVersion]`, as Arrow IPC with the table's
    /// columns plus `_change_type` (`insert`, `delete`, `update_preimage`, `update_postimage`),
    /// `_commit_version` and `_commit_timestamp`. Needs the table property
    /// `delta.enableChangeDataFeed=true` from the first version read.
    #[napi]
    pub async fn changes(&self, range: ChangesRange) -> napi::Result<Buffer> {
        guard(async move {
            let table = self.for_read().await?;
            let latest = table.version().unwrap_or_default();
            let start = version_from_js(range.after_version)? + 1;
            let end = match range.to_version {
                Some(v) => version_from_js(v)?,
                None => latest,
            };
            if end > latest {
                return Err(BindingError::invalid(format!(
                    "toVersion {end} is after the latest version {latest}"
                )));
            }
            if start > end {
                return Err(BindingError::invalid(format!(
                    "empty range: afterVersion {} is not below toVersion {end}",
                    range.after_version
                )));
            }
            let ctx = new_session();
            table.update_datafusion_session(&ctx.state())?;
            let builder = table
                .scan_cdf()
                .with_starting_version(start)
                .with_ending_version(end);
            let plan = builder.build(&ctx.state(), None).await?;
            let schema = plan.schema();
            let batches = collect(plan, ctx.task_ctx()).await?;
            Ok(arrow_ipc::encode_with_fallback(schema, &batches)?.into())
        })
        .await
    }
}
