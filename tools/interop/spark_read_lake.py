"""Reads a lake's events and summary tables with Spark: a manual check, not part of npm test (Spark is large).

    python3 -m venv /tmp/spark-venv && /tmp/spark-venv/bin/pip install pyspark==4.1.1   # Java 17 on the PATH
    /tmp/spark-venv/bin/python tools/interop/spark_read_lake.py /path/to/lake

Run it while no compaction runs (it reads the folders, see README "Compaction"). Prints, for Spark's vectorized
reader and for parquet-mr's record reader, the event count, distinct ids, sum of revenue_cents and events per hour
folder, and the summary tables' totals read as a Hive dataset (hour_start against the folder's hour); compare with DuckDB:
    SELECT count(*), count(DISTINCT event_id), sum(revenue_cents)
    FROM read_parquet('<lake>/events/**/*.parquet', hive_partitioning=true)
"""

import json
import sys

from pyspark.sql import SparkSession
from pyspark.sql import functions as F


def events_summary(spark, lake):
    events = spark.read.parquet(f"{lake}/events")  # Hive folders become year/month/day/hour columns
    totals = events.agg(
        F.count("*").alias("events"),
        F.countDistinct("event_id").alias("distinct_ids"),
        F.sum("revenue_cents").alias("revenue_cents"),
        F.min("event_time").alias("first_event_time"),
        F.max("event_time").alias("last_event_time"),
    ).collect()[0].asDict()
    per_hour = events.groupBy("year", "month", "day", "hour").count().orderBy("year", "month", "day", "hour").collect()
    return {
        "schema": {field.name: field.dataType.simpleString() for field in events.schema.fields},
        "totals": {key: str(value) for key, value in totals.items()},
        "events_per_hour_folder": [list(row) for row in per_hour],
        "hour_folder_differs_from_event_time": events.where(F.hour("event_time") != F.col("hour")).count(),
    }


def summary_tables(spark, lake):
    """The summary tables as one Hive dataset: the file's hour_start timestamp next to the folder's year/month/day/hour.

    Only the *.parquet files (the CSV twins share the folders). A lake written before the column rename still holds
    tables whose timestamp column is `hour`, which partition discovery replaces with the folder's integer (they get
    `hour_start` at their hour's next rollup): while any is left, the tables are read without partitions, the hour
    start taken from `hour_start`, else `hour`.
    """
    path = f"{lake}/metrics/summary"
    parquet = spark.read.option("pathGlobFilter", "*.parquet").option("mergeSchema", "true")
    try:
        summary = parquet.parquet(path)
        types = dict(summary.dtypes)
        hive = types.get("hour_start") == "timestamp" and types.get("hour") == "int"
        hive = hive and summary.where(F.col("hour_start").isNull()).count() == 0
    except Exception:  # noqa: BLE001 -- an older table's `hour` timestamp against the folder's hour=HH
        hive = False
    if not hive:
        files = parquet.option("recursiveFileLookup", "true").parquet(path)
        start = F.coalesce(*[F.col(c) for c in ("hour_start", "hour") if c in files.columns]).alias("hour_start")
        totals = files.agg(F.sum("events").alias("events"), F.sum("revenue_cents").alias("revenue_cents")).collect()[0]
        return {"hive": False, "hour_start_type": dict(files.select(start).dtypes)["hour_start"], **{k: str(v) for k, v in totals.asDict().items()}}
    totals = summary.agg(F.sum("events").alias("events"), F.sum("revenue_cents").alias("revenue_cents")).collect()[0]
    differs = summary.where(
        (F.hour("hour_start") != F.col("hour"))
        | (F.dayofmonth("hour_start") != F.col("day"))
        | (F.month("hour_start") != F.col("month"))
        | (F.year("hour_start") != F.col("year"))
    ).count()
    return {
        "hive": True,
        "hour_start_type": types["hour_start"],
        "hour_type": types["hour"],
        "hour_start_differs_from_folder": differs,
        **{k: str(v) for k, v in totals.asDict().items()},
    }


def main():
    lake = sys.argv[1]
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("lake-interop")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    result = {"spark": spark.version}
    for vectorized in ("true", "false"):
        spark.conf.set("spark.sql.parquet.enableVectorizedReader", vectorized)
        result["vectorized" if vectorized == "true" else "parquet-mr"] = events_summary(spark, lake)
    result["summary_tables"] = summary_tables(spark, lake)
    result["readers_agree"] = result["vectorized"] == result["parquet-mr"]
    print(json.dumps(result, indent=1))
    spark.stop()


if __name__ == "__main__":
    main()
