//! Maps delta-rs, DataFusion and Arrow errors onto a few stable codes.
//!
//! napi can only throw a message, so the code and its details travel as JSON after
//! [`ERROR_PREFIX`] in the error's message; `src/errors.ts` parses it back into a typed class.

use std::any::Any;
use std::error::Error as StdError;
use std::future::Future;
use std::panic::AssertUnwindSafe;

use deltalake::arrow::error::ArrowError;
use deltalake::datafusion::error::DataFusionError;
use deltalake::kernel::transaction::{CommitConflictError, TransactionError};
use deltalake::DeltaTableError;
use futures::FutureExt;
use serde::Serialize;

/// Marks a message produced by this module, so the TS side never mistakes a foreign error for one.
pub const ERROR_PREFIX: &str = "LAKEHOUSE_DELTA_ERROR:";

/// The stable error codes the TS facade turns into classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    /// No Delta table (no `_delta_log`) at the location.
    TableNotFound,
    /// A concurrent commit won; `kind` names the conflict.
    CommitConflict,
    /// Data does not match the table's schema (and schema merge was not asked for).
    SchemaMismatch,
    /// The caller passed something unusable: bad IPC, bad predicate, bad version, bad option.
    InvalidArgument,
    /// The storage layer failed (permissions, network, missing object).
    ObjectStore,
    /// A bug or an unexpected state, panics included.
    Internal,
}

/// An error on its way to JS: a code, a message, an optional conflict kind and the source chain.
#[derive(Debug, Serialize)]
pub struct BindingError {
    code: ErrorCode,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
    causes: Vec<String>,
}

impl std::fmt::Display for BindingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}: {}", self.code, self.message)
    }
}

/// What delta-kernel says of a listing of the log with a gap in it.
pub(crate) const LISTING_RACE: &str = "Expected contiguous commit files, but found gap";

/// The binding's result type.
pub type Result<T> = std::result::Result<T, BindingError>;

impl BindingError {
    /// Builds an error with no source chain.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            kind: None,
            causes: Vec::new(),
        }
    }

    /// Shorthand for [`ErrorCode::InvalidArgument`].
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidArgument, message)
    }

    /// Whether this is delta-kernel refusing a listing of the log with a gap in it: the listing raced a commit
    /// (see `table::load`), and a new one sees the log whole.
    pub(crate) fn is_listing_race(&self) -> bool {
        std::iter::once(&self.message)
            .chain(&self.causes)
            .any(|m| m.contains(LISTING_RACE))
    }

    /// The code this error maps to.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The conflict kind, for [`ErrorCode::CommitConflict`].
    pub fn kind(&self) -> Option<&str> {
        self.kind.as_deref()
    }

    fn with_kind(mut self, kind: impl Into<String>) -> Self {
        self.kind = Some(kind.into());
        self
    }

    fn with_causes(mut self, err: &(dyn StdError + 'static)) -> Self {
        let mut source = err.source();
        while let Some(cause) = source {
            self.causes.push(cause.to_string());
            source = cause.source();
        }
        self
    }

    pub(crate) fn from_panic(payload: Box<dyn Any + Send>) -> Self {
        let detail = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic payload".to_string());
        Self::new(
            ErrorCode::Internal,
            format!("panic in the delta binding: {detail}"),
        )
    }
}

impl From<BindingError> for napi::Error {
    fn from(err: BindingError) -> Self {
        let json = serde_json::to_string(&err).unwrap_or_else(|_| {
            format!(
                r#"{{"code":"INTERNAL","message":{:?},"causes":[]}}"#,
                err.message
            )
        });
        napi::Error::new(
            napi::Status::GenericFailure,
            format!("{ERROR_PREFIX}{json}"),
        )
    }
}

fn conflict_kind(conflict: &CommitConflictError) -> &'static str {
    match conflict {
        CommitConflictError::ConcurrentAppend => "ConcurrentAppend",
        CommitConflictError::ConcurrentDeleteRead => "ConcurrentDeleteRead",
        CommitConflictError::ConcurrentDeleteDelete => "ConcurrentDeleteDelete",
        CommitConflictError::MetadataChanged => "MetadataChanged",
        CommitConflictError::ConcurrentTransaction => "ConcurrentTransaction",
        CommitConflictError::ProtocolChanged(_) => "ProtocolChanged",
        CommitConflictError::UnsupportedWriterVersion(_) => "UnsupportedWriterVersion",
        CommitConflictError::UnsupportedReaderVersion(_) => "UnsupportedReaderVersion",
        CommitConflictError::CorruptedState { .. } => "CorruptedState",
        CommitConflictError::Predicate { .. } => "Predicate",
        CommitConflictError::NoMetadata => "NoMetadata",
    }
}

/// delta-rs wraps DataFusion and Arrow failures as strings in `Generic`; these prefixes are
/// DataFusion's own message headers for planning errors, i.e. bad SQL or a bad predicate.
const INVALID_DATAFUSION_PREFIXES: [&str; 6] = [
    "SQL error",
    "sql parser error",
    "Error during planning",
    "Schema error",
    "Invalid or Unsupported Configuration",
    "This feature is not implemented",
];

/// How object_store's errors print once flattened into a string by a wrapping error.
const OBJECT_STORE_MARKER: &str = "Object Store error";

fn looks_like_user_error(message: &str) -> bool {
    INVALID_DATAFUSION_PREFIXES
        .iter()
        .any(|prefix| message.contains(prefix))
}

/// The code for an error no variant match recognised: storage failures often arrive wrapped
/// (e.g. a parquet read error around a missing object), planning errors as strings.
fn fallback_code(message: &str, err: &(dyn StdError + 'static)) -> ErrorCode {
    let mut source: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(cause) = source {
        if cause
            .downcast_ref::<deltalake::ObjectStoreError>()
            .is_some()
        {
            return ErrorCode::ObjectStore;
        }
        source = cause.source();
    }
    if message.contains(OBJECT_STORE_MARKER) {
        ErrorCode::ObjectStore
    } else if looks_like_user_error(message) {
        ErrorCode::InvalidArgument
    } else {
        ErrorCode::Internal
    }
}

impl From<TransactionError> for BindingError {
    fn from(err: TransactionError) -> Self {
        DeltaTableError::Transaction { source: err }.into()
    }
}

impl From<DeltaTableError> for BindingError {
    fn from(err: DeltaTableError) -> Self {
        let message = err.to_string();
        let mapped = match &err {
            DeltaTableError::NotATable(_) | DeltaTableError::NotInitialized => {
                BindingError::new(ErrorCode::TableNotFound, message)
            }
            DeltaTableError::SchemaMismatch { .. } => {
                BindingError::new(ErrorCode::SchemaMismatch, message)
            }
            DeltaTableError::Transaction { source } => match source {
                TransactionError::CommitConflict(conflict) => {
                    BindingError::new(ErrorCode::CommitConflict, message)
                        .with_kind(conflict_kind(conflict))
                }
                TransactionError::VersionAlreadyExists(_) => {
                    BindingError::new(ErrorCode::CommitConflict, message)
                        .with_kind("VersionAlreadyExists")
                }
                TransactionError::MaxCommitAttempts(_) => {
                    BindingError::new(ErrorCode::CommitConflict, message)
                        .with_kind("MaxCommitAttempts")
                }
                TransactionError::ObjectStore { .. } => {
                    BindingError::new(ErrorCode::ObjectStore, message)
                }
                _ => BindingError::new(ErrorCode::Internal, message),
            },
            DeltaTableError::VersionAlreadyExists(_) => {
                BindingError::new(ErrorCode::CommitConflict, message)
                    .with_kind("VersionAlreadyExists")
            }
            DeltaTableError::ObjectStore { .. } => {
                BindingError::new(ErrorCode::ObjectStore, message)
            }
            DeltaTableError::InvalidVersion(_)
            | DeltaTableError::VersionDowngrade { .. }
            | DeltaTableError::InvalidDateTimeString { .. }
            | DeltaTableError::InvalidData { .. }
            | DeltaTableError::PartitionError { .. }
            | DeltaTableError::InvalidPartitionFilter { .. }
            | DeltaTableError::InvalidTableLocation(_)
            | DeltaTableError::MissingFeature { .. }
            | DeltaTableError::ChangeDataNotRecorded { .. }
            | DeltaTableError::ChangeDataNotEnabled { .. }
            | DeltaTableError::ChangeDataInvalidVersionRange { .. }
            | DeltaTableError::ChangeDataTimestampGreaterThanCommit { .. }
            | DeltaTableError::NoStartingVersionOrTimestamp
            | DeltaTableError::UnsupportedColumnMapping { .. } => {
                BindingError::new(ErrorCode::InvalidArgument, message)
            }
            DeltaTableError::Arrow { source } => return BindingError::from_arrow(source, &err),
            DeltaTableError::GenericError { source } => {
                if let Some(inner) = source.downcast_ref::<DataFusionError>() {
                    BindingError::new(classify_datafusion(inner), message)
                } else {
                    let code = fallback_code(&message, &err);
                    BindingError::new(code, message)
                }
            }
            _ => {
                let code = fallback_code(&message, &err);
                BindingError::new(code, message)
            }
        };
        mapped.with_causes(&err)
    }
}

impl BindingError {
    fn from_arrow(source: &ArrowError, err: &DeltaTableError) -> Self {
        let code = match source {
            ArrowError::SchemaError(_) | ArrowError::CastError(_) => ErrorCode::SchemaMismatch,
            ArrowError::InvalidArgumentError(_) | ArrowError::ParseError(_) => {
                ErrorCode::InvalidArgument
            }
            _ => fallback_code(&err.to_string(), err),
        };
        BindingError::new(code, err.to_string()).with_causes(err)
    }
}

fn classify_datafusion(err: &DataFusionError) -> ErrorCode {
    match err {
        DataFusionError::SQL(..)
        | DataFusionError::Plan(_)
        | DataFusionError::SchemaError(..)
        | DataFusionError::NotImplemented(_)
        | DataFusionError::Configuration(_) => ErrorCode::InvalidArgument,
        DataFusionError::ObjectStore(_) => ErrorCode::ObjectStore,
        DataFusionError::Context(_, inner) => classify_datafusion(inner),
        DataFusionError::Diagnostic(_, inner) => classify_datafusion(inner),
        DataFusionError::External(inner) => match inner.downcast_ref::<DeltaTableError>() {
            Some(DeltaTableError::SchemaMismatch { .. }) => ErrorCode::SchemaMismatch,
            Some(DeltaTableError::NotATable(_)) => ErrorCode::TableNotFound,
            Some(DeltaTableError::ObjectStore { .. }) => ErrorCode::ObjectStore,
            _ => fallback_code(&err.to_string(), err),
        },
        _ => fallback_code(&err.to_string(), err),
    }
}

impl From<DataFusionError> for BindingError {
    fn from(err: DataFusionError) -> Self {
        BindingError::new(classify_datafusion(&err), err.to_string()).with_causes(&err)
    }
}

impl From<ArrowError> for BindingError {
    fn from(err: ArrowError) -> Self {
        let delta = DeltaTableError::from(err);
        BindingError::from(delta)
    }
}

/// Runs an exported future, turning a panic into an `INTERNAL` error instead of aborting Node.
pub async fn guard<T, F>(future: F) -> napi::Result<T>
where
    F: Future<Output = Result<T>>,
{
    match AssertUnwindSafe(future).catch_unwind().await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => Err(err.into()),
        Err(panic) => Err(BindingError::from_panic(panic).into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_table_maps_to_table_not_found() {
        let err = BindingError::from(DeltaTableError::NotATable("/tmp/x".into()));
        assert_eq!(err.code(), ErrorCode::TableNotFound);
    }

    #[test]
    fn a_concurrent_append_maps_to_commit_conflict_with_its_kind() {
        let err = BindingError::from(DeltaTableError::Transaction {
            source: TransactionError::CommitConflict(CommitConflictError::ConcurrentAppend),
        });
        assert_eq!(err.code(), ErrorCode::CommitConflict);
        assert_eq!(err.kind(), Some("ConcurrentAppend"));
    }

    #[test]
    fn a_schema_mismatch_keeps_its_own_code() {
        let err = BindingError::from(DeltaTableError::SchemaMismatch { msg: "x".into() });
        assert_eq!(err.code(), ErrorCode::SchemaMismatch);
    }

    #[test]
    fn a_sql_planning_error_is_an_invalid_argument() {
        let err = BindingError::from(DataFusionError::Plan("no such column".into()));
        assert_eq!(err.code(), ErrorCode::InvalidArgument);
    }

    #[test]
    fn a_sql_parser_error_flattened_into_a_string_is_an_invalid_argument() {
        let err = BindingError::from(DeltaTableError::Generic(
            "External error: sql parser error: Expected: an expression".into(),
        ));
        assert_eq!(err.code(), ErrorCode::InvalidArgument);
    }

    #[test]
    fn a_missing_object_behind_a_parquet_error_is_an_object_store_error() {
        let err = BindingError::from(DeltaTableError::Generic(
            "Parquet error: Object Store error: Object at location x not found".into(),
        ));
        assert_eq!(err.code(), ErrorCode::ObjectStore);
    }

    #[test]
    fn the_napi_message_carries_the_prefix_and_the_code_as_json() {
        let napi_err: napi::Error = BindingError::invalid("bad").into();
        let json = napi_err.reason.strip_prefix(ERROR_PREFIX).expect("prefix");
        let parsed: serde_json::Value = serde_json::from_str(json).expect("json");
        assert_eq!(parsed["code"], "INVALID_ARGUMENT");
        assert_eq!(parsed["message"], "bad");
    }

    #[tokio::test]
    async fn a_panic_inside_a_guarded_future_becomes_an_internal_error() {
        let result: napi::Result<()> = guard(async { panic!("boom") }).await;
        let reason = result.expect_err("panic must surface as an error").reason;
        assert!(reason.contains("INTERNAL"));
        assert!(reason.contains("boom"));
    }
}
