"""The table summary every interop script prints, so the TS side compares like with like."""
import json
import os
import sys

# Delta primitive type names, the common vocabulary of delta-rs (Python), Spark and the binding.
SPARK_TO_DELTA = {"bigint": "long", "int": "integer", "string": "string", "double": "double", "timestamp": "timestamp"}


def delta_type_name(field_type) -> str:
    text = str(field_type)
    # deltalake's PrimitiveType prints as PrimitiveType("long").
    if text.startswith('PrimitiveType("'):
        return text[len('PrimitiveType("') : -2]
    return text


def summary(version, columns, ids, price_sum, history, txn=None, partition_columns=None) -> dict:
    return {
        "version": version,
        "columns": columns,
        "numRows": len(ids),
        "ids": sorted(ids),
        "priceSum": price_sum,
        "history": sorted(history),
        "txn": txn,
        "partitionColumns": partition_columns,
    }


def emit(obj) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def emit_and_exit(obj) -> None:
    """Emits the summary and ends the process without the interpreter's teardown.

    deltalake's native threads can abort that teardown ("terminate called without an active exception", SIGABRT),
    as one CI run showed after a complete, correct summary had been written: the work is done by then, so nothing
    is skipped but the crash.
    """
    emit(obj)
    os._exit(0)
