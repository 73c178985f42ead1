//! `@lakehouse/delta`'s native half: a napi-rs binding over delta-rs.
//!
//! Each module is mirrored by a TS file in `../src` (`table.rs` ↔ `delta-table.ts`,
//! `error.rs` ↔ `errors.ts`, …). Every export is async, runs on napi's shared tokio runtime,
//! and goes through [`error::guard`], so a panic becomes an `INTERNAL` error instead of a crash.
//! Table data crosses the boundary as Arrow IPC streams, and appends can hand over record batches as their
//! column buffers instead (`arrow_columns`), so a large write is neither encoded nor copied on its way in.
#![deny(clippy::all)]

pub mod append;
pub mod arrow_columns;
pub mod arrow_ipc;
pub mod changes;
pub mod error;
pub mod maintenance;
pub mod merge;
pub mod process_memory;
pub mod query;
pub mod runtime;
pub mod table;
pub mod write;

use napi_derive::napi;

/// Rust-side allocations of the binding (not Node's) go through mimalloc, as in delta-rs's Python wheel.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The binding's crate version and the delta-rs version it wraps.
#[napi(object)]
pub struct BindingVersion {
    /// This crate's version.
    pub binding: String,
    /// The deltalake crate version.
    pub deltalake: String,
}

/// Versions of the binding and of delta-rs.
#[napi]
pub async fn binding_version() -> napi::Result<BindingVersion> {
    Ok(BindingVersion {
        binding: env!("CARGO_PKG_VERSION").to_string(),
        deltalake: deltalake::crate_version().to_string(),
    })
}
