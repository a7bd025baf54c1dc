"""Reads a lake's events and summary tables with Spark: a manual check, not part of npm test (Spark is large).

    python3 -m venv /tmp/spark-venv && /tmp/spark-venv/bin/pip install pyspark==4.1.1   # Java 17 on the PATH
    /tmp/spark-venv/bin/python tools/interop/spark_read_lake.py /path/to/lake

Run it while no compaction runs (it reads the folders, see README "Compaction"). Prints, for Spark's vectorized
reader and for parquet-mr's record reader, the event count, distinct ids, sum of revenue_cents and events per hour
folder, and the summary tables' totals; compare with DuckDB:
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
    # Metric folders hold CSV twins, and the files' `hour` timestamp would be replaced by the folder's hour=HH
    # with partition discovery: read the Parquet files only, without partitions.
    summary = (
        spark.read.option("pathGlobFilter", "*.parquet")
        .option("recursiveFileLookup", "true")
        .parquet(f"{lake}/metrics/summary")
    )
    totals = summary.agg(F.sum("events").alias("events"), F.sum("revenue_cents").alias("revenue_cents")).collect()[0]
    result["summary_tables"] = {"hour_type": dict(summary.dtypes)["hour"], **{k: str(v) for k, v in totals.asDict().items()}}
    result["readers_agree"] = result["vectorized"] == result["parquet-mr"]
    print(json.dumps(result, indent=1))
    spark.stop()


if __name__ == "__main__":
    main()
