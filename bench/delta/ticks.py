"""Tick rows built in Python, the same shape and values as ticks.mjs builds in JS."""
from datetime import date, timedelta

import pyarrow as pa

SYMBOL_COUNT = 50
SYMBOLS = [f"SYM{i:03d}" for i in range(SYMBOL_COUNT)]
FIRST_TICK_MS = 1704205800000  # Date.UTC(2024, 0, 2, 14, 30)
FIRST_DATE = date(2024, 1, 1)


def date_of(index: int) -> str:
    return (FIRST_DATE + timedelta(days=index)).isoformat()


def ticks(count: int, first_id: int, day: str, price_offset: float = 0) -> pa.Table:
    ids = range(first_id, first_id + count)
    return pa.table(
        {
            "id": pa.array(ids, pa.int64()),
            "symbol": pa.array([SYMBOLS[n % SYMBOL_COUNT] for n in ids], pa.string()),
            "price": pa.array([100 + (n % 1000) / 10 + price_offset for n in ids], pa.float64()),
            "volume": pa.array([(n % 500) + 1 for n in ids], pa.int64()),
            "event_time": pa.array([FIRST_TICK_MS + n for n in ids], pa.timestamp("ms", tz="UTC")),
            "date": pa.array([day] * count, pa.string()),
        }
    )
