"""Writes a tick table with Python deltalake, the way another engine in the lake would, then prints its summary.
Commits: v0 create+append ids 0..49 (partitioned by date), v1 append ids 50..99 with an app transaction,
v2 delete id < 10. Usage: deltalake_write.py <table-path> <app-id> <app-version>"""
import sys
from datetime import datetime, timedelta, timezone

import pyarrow as pa
from deltalake import CommitProperties, Transaction, write_deltalake

from deltalake_summary import describe
from summary import emit_and_exit

SYMBOLS = ["AAPL", "MSFT", "NVDA"]
FIRST_TICK = datetime(2024, 1, 2, 14, 30, tzinfo=timezone.utc)
SCHEMA = pa.schema(
    [
        pa.field("id", pa.int64(), nullable=False),
        pa.field("symbol", pa.string(), nullable=False),
        pa.field("price", pa.float64(), nullable=False),
        pa.field("volume", pa.int64(), nullable=False),
        pa.field("event_time", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("date", pa.string(), nullable=False),
    ]
)


def ticks(first: int, count: int) -> pa.Table:
    ids = list(range(first, first + count))
    return pa.table(
        {
            "id": ids,
            "symbol": [SYMBOLS[i % len(SYMBOLS)] for i in ids],
            "price": [float(i) for i in ids],
            "volume": [i * 10 for i in ids],
            "event_time": [FIRST_TICK + timedelta(milliseconds=i) for i in ids],
            "date": ["2024-01-02"] * count,
        },
        schema=SCHEMA,
    )


if __name__ == "__main__":
    path, app_id, app_version = sys.argv[1], sys.argv[2], int(sys.argv[3])
    write_deltalake(path, ticks(0, 50), partition_by=["date"], mode="append")
    write_deltalake(
        path,
        ticks(50, 50),
        mode="append",
        commit_properties=CommitProperties(app_transactions=[Transaction(app_id, app_version)]),
    )
    from deltalake import DeltaTable

    DeltaTable(path).delete("id < 10")
    emit_and_exit(describe(path, app_id))
