//! SQL over Delta tables through DataFusion, collected or streamed as Arrow IPC.

use std::future::Future;
use std::sync::Arc;

use deltalake::datafusion::execution::SendableRecordBatchStream;
use deltalake::datafusion::prelude::SessionContext;
use deltalake::delta_datafusion::DeltaSessionContext;
use deltalake::DeltaTable;
use futures::StreamExt;
use napi::bindgen_prelude::Buffer;
use napi_derive::napi;
use tokio::sync::Mutex;

use crate::arrow_ipc;
use crate::error::{guard, BindingError, Result};
use crate::runtime::in_background;
use crate::table::{open, OpenOptions};

/// A fresh DataFusion session with delta-rs's planner and settings.
pub(crate) fn new_session() -> SessionContext {
    DeltaSessionContext::new().into_inner()
}

/// Registers a loaded table under `name` in `ctx`.
pub(crate) async fn register(ctx: &SessionContext, name: &str, table: &DeltaTable) -> Result<()> {
    table.update_datafusion_session(&ctx.state())?;
    let provider = table.table_provider().await?;
    ctx.register_table(name, provider)?;
    Ok(())
}

/// A session with exactly one table registered under `name`.
pub(crate) async fn single_table_session(table: &DeltaTable, name: &str) -> Result<SessionContext> {
    let ctx = new_session();
    register(&ctx, name, table).await?;
    Ok(ctx)
}

/// Runs one query to completion and encodes the result as an IPC stream.
pub(crate) async fn collect_sql(ctx: &SessionContext, sql: &str) -> Result<Vec<u8>> {
    let frame = ctx.sql(sql).await?;
    let schema = Arc::new(frame.schema().as_arrow().clone());
    let batches = frame.collect().await?;
    arrow_ipc::encode_with_fallback(schema, &batches)
}

fn valid_table_name(name: &str) -> Result<()> {
    let first_ok = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if first_ok && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(())
    } else {
        Err(BindingError::invalid(format!(
            "table name {name:?} must be a plain SQL identifier ([A-Za-z_][A-Za-z0-9_]*)"
        )))
    }
}

/// Options of [`SqlSession::new`].
#[napi(object)]
#[derive(Default)]
pub struct SessionOptions {
    /// Run `register` and `sql` on the background runtime (see `runtime.rs`): for batch work that must not take
    /// the cores from a latency path. Default false.
    pub background: Option<bool>,
}

/// A SQL session over one or more registered Delta tables, each optionally pinned to a version.
#[napi]
pub struct SqlSession {
    ctx: SessionContext,
    background: bool,
}

impl Default for SqlSession {
    fn default() -> Self {
        Self::new(None)
    }
}

/// Runs `future` where the session runs its work.
async fn on_runtime<T, F>(background: bool, future: F) -> Result<T>
where
    F: Future<Output = Result<T>> + Send + 'static,
    T: Send + 'static,
{
    if background {
        in_background(future).await
    } else {
        future.await
    }
}

#[napi]
impl SqlSession {
    /// Creates an empty session.
    #[napi(constructor)]
    pub fn new(options: Option<SessionOptions>) -> Self {
        Self {
            ctx: new_session(),
            background: options.and_then(|o| o.background).unwrap_or(false),
        }
    }

    /// Registers the table at `uri` under `name` (latest version unless `options` pins one).
    #[napi]
    pub async fn register(
        &self,
        name: String,
        uri: String,
        options: Option<OpenOptions>,
    ) -> napi::Result<()> {
        let ctx = self.ctx.clone();
        guard(on_runtime(self.background, async move {
            valid_table_name(&name)?;
            let table = open(&uri, &options.unwrap_or_default()).await?;
            if ctx.table_exist(name.as_str())? {
                ctx.deregister_table(name.as_str())?;
            }
            register(&ctx, &name, &table).await
        }))
        .await
    }

    /// Runs a query and returns the whole result as one Arrow IPC stream.
    #[napi]
    pub async fn sql(&self, query: String) -> napi::Result<Buffer> {
        let ctx = self.ctx.clone();
        let ipc = guard(on_runtime(self.background, async move {
            collect_sql(&ctx, &query).await
        }))
        .await?;
        Ok(ipc.into())
    }

    /// Starts a query whose result is pulled batch by batch.
    #[napi]
    pub async fn sql_stream(&self, query: String) -> napi::Result<RecordBatchStream> {
        guard(async move {
            let frame = self.ctx.sql(&query).await?;
            let stream = frame.execute_stream().await?;
            Ok(RecordBatchStream {
                inner: Mutex::new(Some(stream)),
            })
        })
        .await
    }
}

/// A query result pulled one record batch at a time, so large results never sit in memory whole.
#[napi]
pub struct RecordBatchStream {
    inner: Mutex<Option<SendableRecordBatchStream>>,
}

#[napi]
impl RecordBatchStream {
    /// The next batch as a one-batch Arrow IPC stream, or null at the end.
    #[napi]
    pub async fn next(&self) -> napi::Result<Option<Buffer>> {
        guard(async move {
            let mut slot = self.inner.lock().await;
            let Some(stream) = slot.as_mut() else {
                return Ok(None);
            };
            match stream.next().await {
                Some(batch) => {
                    let batch = batch?;
                    Ok(Some(
                        arrow_ipc::encode(&batch.schema(), std::slice::from_ref(&batch))?.into(),
                    ))
                }
                None => {
                    *slot = None;
                    Ok(None)
                }
            }
        })
        .await
    }

    /// Stops the query early and releases its resources.
    #[napi]
    pub async fn close(&self) -> napi::Result<()> {
        self.inner.lock().await.take();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_identifiers_are_valid_table_names() {
        assert!(valid_table_name("bronze_ticks").is_ok());
        assert!(valid_table_name("_t1").is_ok());
    }

    #[test]
    fn names_that_need_quoting_are_rejected() {
        for bad in ["", "1abc", "a-b", "a b", "x;drop"] {
            assert!(valid_table_name(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[tokio::test]
    async fn invalid_sql_is_an_invalid_argument() {
        let ctx = new_session();
        let err = collect_sql(&ctx, "SELEC nonsense")
            .await
            .expect_err("must fail");
        assert_eq!(err.code(), crate::error::ErrorCode::InvalidArgument);
    }
}
