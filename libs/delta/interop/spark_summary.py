"""Reads Delta tables with Spark + delta-spark (the reference implementation) in ONE JVM and prints one
summary per table as JSON lines. Usage: spark_summary.py <table-path>..."""
import os
import sys

from delta import configure_spark_with_delta_pip
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from summary import SPARK_TO_DELTA, emit, summary


def session() -> SparkSession:
    builder = (
        SparkSession.builder.master("local[1]")
        .appName("delta-interop")
        .config("spark.jars.ivy", os.environ.get("SPARK_IVY_DIR", os.path.expanduser("~/.cache/fin-lakehouse/ivy2")))
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.ui.showConsoleProgress", "false")
    )
    return configure_spark_with_delta_pip(builder).getOrCreate()


def describe(spark: SparkSession, path: str) -> dict:
    df = spark.read.format("delta").load(path)
    columns = [[f.name, SPARK_TO_DELTA.get(f.dataType.simpleString(), f.dataType.simpleString())] for f in df.schema.fields]
    ids = [row.id for row in df.select("id").collect()]
    price_sum = df.agg(F.sum("price")).collect()[0][0] or 0.0
    history_rows = spark.sql(f"DESCRIBE HISTORY delta.`{path}`").select("version", "operation").collect()
    history = [[row.version, row.operation] for row in history_rows]
    detail = spark.sql(f"DESCRIBE DETAIL delta.`{path}`").collect()[0]
    return summary(
        version=max(h[0] for h in history),
        columns=columns,
        ids=ids,
        price_sum=price_sum,
        history=history,
        partition_columns=list(detail.partitionColumns),
    )


if __name__ == "__main__":
    spark = session()
    spark.sparkContext.setLogLevel("ERROR")
    try:
        for table_path in sys.argv[1:]:
            emit({"path": table_path, **describe(spark, table_path)})
    finally:
        spark.stop()
