"""Starts one local Spark session with Delta so spark.jars.packages resolves into the Ivy cache."""
import os

from delta import configure_spark_with_delta_pip
from pyspark.sql import SparkSession

builder = (
    SparkSession.builder.master("local[1]")
    .appName("warm-delta-jars")
    .config("spark.jars.ivy", os.environ["SPARK_IVY_DIR"])
    .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
    .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
    .config("spark.ui.enabled", "false")
)
spark = configure_spark_with_delta_pip(builder).getOrCreate()
spark.range(1).count()
spark.stop()
