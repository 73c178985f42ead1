"""The Python deltalake baseline (same Rust core): the same steps as delta-bench.mjs, one JSON line out.
  append <dir> <rows>         build <rows> ticks in Python and append them to an empty table: one commit
  merge <dir> <source-rows>   MERGE <source-rows> ticks (half updates, half inserts) into the last date
  small-commits <dir> <n> <rows>  n appends of <rows> ticks (CDF on): CPU and wall per commit by file count
                                  (small-commits.mjs is the binding's side)"""
import json
import resource
import sys
import time

import pyarrow as pa

from deltalake import DeltaTable, write_deltalake

from ticks import date_of, ticks


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def append(path: str, rows: int) -> dict:
    # The table exists before the batch arrives, as in the pipeline: only building and appending are timed.
    DeltaTable.create(path, schema=ticks(1, 0, date_of(0)).schema, partition_by=["date"])
    t0 = time.perf_counter()
    data = ticks(rows, 0, date_of(0))
    t1 = time.perf_counter()
    write_deltalake(path, data, mode="append")
    t2 = time.perf_counter()
    return {"rows": rows, "version": DeltaTable(path).version(), "buildS": t1 - t0, "appendS": t2 - t1, "peakRssMb": peak_rss_mb()}


def merge(path: str, source_rows: int) -> dict:
    dt = DeltaTable(path)
    actions = pa.table(dt.get_add_actions(flatten=True))
    dates = actions.column("partition.date").to_pylist()
    counts = actions.column("num_records").to_pylist()
    last = sorted(dates)[-1]
    partition_rows = sum(c for d, c in zip(dates, counts) if d == last)
    max_id = sum(counts) - 1
    source = ticks(source_rows, max_id + 1 - source_rows // 2, last, 1)
    t0 = time.perf_counter()
    metrics = (
        dt.merge(
            source,
            predicate=f"target.date = '{last}' AND target.date = source.date AND target.id = source.id",
            source_alias="source",
            target_alias="target",
        )
        .when_matched_update_all()
        .when_not_matched_insert_all()
        .execute()
    )
    t1 = time.perf_counter()
    return {
        "mergeS": t1 - t0,
        "partitionRows": partition_rows,
        "updated": metrics["num_target_rows_updated"],
        "inserted": metrics["num_target_rows_inserted"],
        "filesScanned": metrics["num_target_files_scanned"],
        "filesSkipped": metrics["num_target_files_skipped_during_scan"],
        "peakRssMb": peak_rss_mb(),
    }


def small_commits(path: str, n: int, rows: int) -> dict:
    DeltaTable.create(
        path,
        schema=ticks(1, 0, date_of(0)).schema,
        partition_by=["date"],
        configuration={"delta.enableChangeDataFeed": "true"},
    )
    table = DeltaTable(path)
    steps = []
    for done in range(0, n, 50):
        c0, w0 = time.process_time(), time.perf_counter()
        for i in range(done, done + 50):
            write_deltalake(table, ticks(rows, i * rows, date_of(0)), mode="append")
        steps.append(
            {
                "files": done + 50,
                "cpuMs": round((time.process_time() - c0) * 1000 / 50, 1),
                "wallMs": round((time.perf_counter() - w0) * 1000 / 50, 1),
            }
        )
    return {"bench": "small-commits", "rowsPerCommit": rows, "perCommitByFiles": steps}


if __name__ == "__main__":
    command, path, *args = sys.argv[1:]
    steps = {
        "append": lambda: append(path, int(args[0])),
        "merge": lambda: merge(path, int(args[0])),
        "small-commits": lambda: small_commits(path, int(args[0]), int(args[1])),
    }
    print(json.dumps(steps[command]()))
