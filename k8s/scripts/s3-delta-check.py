"""delta-rs on the local S3 server: commits, two concurrent writer processes, time travel, optimize and vacuum, and
storage options taken from the environment alone.

Uses the `deltalake` Python package of the delta-rs line that libs/delta/crate pins, so it checks the server and the
storage options (the same AWS_* keys the services get) independently of our napi binding. Prints one JSON object.

    AWS_ENDPOINT_URL=... (the s3-server.sh environment) python s3-delta-check.py
"""

import json
import multiprocessing
import os
import sys
import time

import pyarrow as pa
from deltalake import DeltaTable, write_deltalake

ROUNDS = 10
ROWS = 10
STORAGE_KEYS = ["AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_ALLOW_HTTP",
                "AWS_CONDITIONAL_PUT"]


def storage_options() -> dict:
    return {key: os.environ[key] for key in STORAGE_KEYS}


def batch(writer: int, round_: int) -> pa.Table:
    return pa.table({"writer": [writer] * ROWS, "round": [round_] * ROWS, "x": list(range(ROWS))})


def append_rounds(args: tuple) -> int:
    uri, writer = args
    for round_ in range(ROUNDS):
        write_deltalake(uri, batch(writer, round_), mode="append", storage_options=storage_options())
    return ROUNDS


def main() -> None:
    options = storage_options()
    uri = f"{os.environ['LAKE_ROOT']}/s3-delta-check-{time.time_ns()}"
    write_deltalake(uri, batch(-1, 0), storage_options=options)
    # Two processes append at once: every commit races for the next _delta_log file via If-None-Match.
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        pool.map(append_rounds, [(uri, 0), (uri, 1)])
    table = DeltaTable(uri, storage_options=options)
    versions = [commit["version"] for commit in table.history()]
    result = {
        "version": table.version(),
        "rows": table.to_pyarrow_table().num_rows,
        "distinctVersions": len(set(versions)),
        "rowsAtVersion0": DeltaTable(uri, version=0, storage_options=options).to_pyarrow_table().num_rows,
    }
    table.optimize.compact()
    table = DeltaTable(uri, storage_options=options)
    result["versionAfterOptimize"] = table.version()
    result["vacuumed"] = len(table.vacuum(retention_hours=0, enforce_retention_duration=False, dry_run=False))
    result["rowsAfterVacuum"] = DeltaTable(uri, storage_options=options).to_pyarrow_table().num_rows
    try:
        DeltaTable(uri, version=1, storage_options=options).to_pyarrow_table()
        result["version1AfterVacuum"] = "readable"
    except Exception as error:  # the files of version 1 are gone: that is what vacuum is for
        result["version1AfterVacuum"] = type(error).__name__
    # The services may pass no storage options at all: delta-rs reads the AWS_* variables from the environment.
    env_only = f"{os.environ['LAKE_ROOT']}/s3-delta-check-env-{time.time_ns()}"
    write_deltalake(env_only, batch(-1, 0))
    result["rowsEnvOnly"] = DeltaTable(env_only).to_pyarrow_table().num_rows
    print(json.dumps(result))


if __name__ == "__main__":
    main()
    sys.stdout.flush()
    # Skip interpreter teardown: delta-rs's runtime threads can abort the process there ("terminate called without
    # an active exception") after all work is done, which would turn a passed check into a failed exit status.
    os._exit(0)
