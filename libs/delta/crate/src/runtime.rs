//! Where the binding's work runs. Reads, appends and change feeds run on napi's shared tokio runtime, as every
//! export did before; MERGE and the maintenance operations (OPTIMIZE, VACUUM, checkpoints, log cleanup) run on a
//! second runtime whose threads have a lower scheduling priority (nice [`BACKGROUND_NICE`]).
//!
//! Why: a writer's MERGE and the maintainer's rewrites are the binding's heaviest work and, in this lakehouse, off
//! the latency path (the refiner announces before its Silver MERGE; Gold trails the live sockets). On a busy machine
//! they took the cores from the appends and change-feed reads the live path waits on. At a lower priority they use
//! what the latency path leaves and still get a share when the machine is saturated (nice 10 weighs about a tenth of
//! nice 0 in Linux's scheduler), so they are slowed, never stopped. Elsewhere than Linux the priority is unchanged.
//!
//! The checkpoint a write is due (every `delta.checkpointInterval` versions) is written here too, after the write
//! returned ([`checkpoint_behind`]): delta-rs writes it inside the commit, where it held up every 100th append of a
//! streaming writer for as long as it took to write the whole table's state.

use std::collections::HashSet;
use std::future::Future;
use std::sync::{Mutex, OnceLock};

use deltalake::checkpoints::create_checkpoint;
use deltalake::table::config::TablePropertiesExt as _;
use deltalake::DeltaTable;
use tokio::runtime::{Builder, Runtime};

use crate::error::{BindingError, ErrorCode, Result};
use crate::table::{load, Load};

/// The niceness of the background runtime's threads (0 = normal, 19 = lowest).
pub const BACKGROUND_NICE: i32 = 10;

fn background() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        Builder::new_multi_thread()
            .worker_threads(threads)
            .thread_name("delta-background")
            .on_thread_start(lower_this_thread)
            .enable_all()
            .build()
            .expect("the background runtime starts")
    })
}

/// Lowers the calling thread's priority: on Linux, niceness is per thread and `setpriority` with the thread's id
/// changes only that thread. A refusal (a sandbox without the right) leaves the thread at normal priority.
#[cfg(target_os = "linux")]
fn lower_this_thread() {
    // SAFETY: gettid and setpriority take no pointers and act only on the calling thread.
    unsafe {
        let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, tid, BACKGROUND_NICE);
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_this_thread() {}

/// Starts `future` on the background runtime without waiting for it.
pub fn spawn_background<F>(future: F)
where
    F: Future<Output = ()> + Send + 'static,
{
    drop(background().spawn(future));
}

/// Runs `future` on the background runtime and waits for it (a panic in it becomes an `INTERNAL` error).
pub async fn in_background<T, F>(future: F) -> Result<T>
where
    F: Future<Output = Result<T>> + Send + 'static,
    T: Send + 'static,
{
    match background().spawn(future).await {
        Ok(result) => result,
        Err(join) if join.is_panic() => Err(BindingError::from_panic(join.into_panic())),
        Err(join) => Err(BindingError::new(
            ErrorCode::Internal,
            format!("background task ended: {join}"),
        )),
    }
}

/// Writes the checkpoint `version` of `table` is due, if any, on the background runtime, then hands the state it
/// wrote it from to `caught_up`. `table` is the table at that version, or an older state of it (a blind append does
/// not load its own commit): then the state is loaded at `version` from the checkpoint before it, which bounds the
/// work to the table's files and one checkpoint interval of commits. The commit is already in the log, so a
/// checkpoint that fails loses nothing: it is reported on stderr, and the next due one (or the maintainer's scheduled
/// one) covers the table. Commits that call this must turn delta-rs's own off
/// (`CommitProperties::with_create_checkpoint(false)`).
pub fn checkpoint_behind(
    table: &DeltaTable,
    version: u64,
    caught_up: impl FnOnce(DeltaTable) + Send + 'static,
) {
    let Ok(state) = table.snapshot() else {
        return;
    };
    if !(version + 1).is_multiple_of(state.table_config().checkpoint_interval().get()) {
        return;
    }
    let log_store = table.log_store();
    let Some(slot) = CheckpointSlot::take(log_store.root_url().as_str()) else {
        return;
    };
    let ready = (table.version() == Some(version)).then(|| table.clone());
    spawn_background(async move {
        let _slot = slot;
        let written = async {
            let table = match ready {
                Some(table) => table,
                None => {
                    let mut table = DeltaTable::new(log_store);
                    load(&mut table, Load::UpTo(Some(version))).await?;
                    table
                }
            };
            create_checkpoint(&table, None).await?;
            Ok::<_, BindingError>(table)
        };
        match written.await {
            Ok(table) => caught_up(table),
            Err(err) => eprintln!(
                "lakehouse-delta: the checkpoint of version {version} was not written ({err}); the next one covers it"
            ),
        }
    });
}

/// The tables a background checkpoint is being written for: one at a time per table. A due checkpoint that finds
/// one in flight is skipped (the one in flight, or the next due, covers the table), so a writer committing faster
/// than checkpoints are written never queues them up.
struct CheckpointSlot(String);

impl CheckpointSlot {
    fn in_flight() -> &'static Mutex<HashSet<String>> {
        static IN_FLIGHT: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
        IN_FLIGHT.get_or_init(Default::default)
    }

    fn take(table: &str) -> Option<Self> {
        let mut in_flight = Self::in_flight().lock().unwrap_or_else(|e| e.into_inner());
        in_flight
            .insert(table.to_string())
            .then(|| Self(table.to_string()))
    }
}

impl Drop for CheckpointSlot {
    fn drop(&mut self) {
        let mut in_flight = Self::in_flight().lock().unwrap_or_else(|e| e.into_inner());
        in_flight.remove(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn background_work_runs_at_the_lower_priority() {
        let nice = in_background(async {
            // SAFETY: reads the calling thread's niceness.
            Ok(unsafe {
                libc::getpriority(
                    libc::PRIO_PROCESS,
                    libc::syscall(libc::SYS_gettid) as libc::id_t,
                )
            })
        })
        .await
        .expect("runs");
        if cfg!(target_os = "linux") {
            assert_eq!(nice, BACKGROUND_NICE);
        }
    }

    #[test]
    fn one_checkpoint_at_a_time_per_table() {
        let first = CheckpointSlot::take("file:///t/a").expect("free");
        assert!(CheckpointSlot::take("file:///t/a").is_none(), "in flight");
        let other = CheckpointSlot::take("file:///t/b");
        assert!(other.is_some(), "another table has its own");
        drop(first);
        assert!(CheckpointSlot::take("file:///t/a").is_some(), "free again");
    }

    #[tokio::test]
    async fn a_panic_in_background_work_is_an_internal_error() {
        let err = in_background::<(), _>(async { panic!("boom") })
            .await
            .expect_err("fails");
        assert_eq!(err.code(), ErrorCode::Internal);
    }
}
