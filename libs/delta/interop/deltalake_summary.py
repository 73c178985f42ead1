"""Reads a Delta table with Python deltalake (delta-rs) and prints its summary as JSON.
Usage: deltalake_summary.py <table-path> [<app-id>]"""
import sys

import pyarrow.compute as pc
from deltalake import DeltaTable

from summary import delta_type_name, emit_and_exit, summary


def describe(path: str, app_id: str | None) -> dict:
    dt = DeltaTable(path)
    table = dt.to_pyarrow_table()
    columns = [[f.name, delta_type_name(f.type)] for f in dt.schema().fields]
    history = [[h["version"], h.get("operation")] for h in dt.history()]
    return summary(
        version=dt.version(),
        columns=columns,
        ids=table.column("id").to_pylist(),
        price_sum=pc.sum(table.column("price")).as_py() or 0.0,
        history=history,
        txn=dt.transaction_version(app_id) if app_id else None,
        partition_columns=dt.metadata().partition_columns,
    )


if __name__ == "__main__":
    emit_and_exit(describe(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None))
