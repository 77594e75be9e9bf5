#!/usr/bin/env python3
"""The seed's chapter-9 Glue job in PySpark (the reference for drivendata.c).

    drivendata_spark.py RAW_DIR OUT_DIR

Same steps as the Glue script in ../../../shared/seeds/002_*.txt, with the
Glue-specific reader and writer replaced by spark.read.csv / df.write.csv:
reads every *.csv file of RAW_DIR (header, inferSchema), writes
OUT_DIR/filtered and OUT_DIR/grouped as CSV with a header, overwriting.
Runs in local mode with spark.sql.ansi.enabled=false and the UTC session time
zone, as smelt's golden tests assume.
"""
import glob
import os
import sys

from pyspark.sql import SparkSession
from pyspark.sql.functions import col, regexp_replace, to_date, when
from pyspark.sql.types import DateType, IntegerType


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: drivendata_spark.py RAW_DIR OUT_DIR")
    raw_dir, out_dir = sys.argv[1], sys.argv[2]
    files = sorted(glob.glob(os.path.join(raw_dir, "*.csv")))
    if not files:
        sys.exit(f"drivendata_spark.py: no CSV files in {raw_dir}")
    spark = (SparkSession.builder.master("local[2]")
             .appName("DrivenData Distributed Computing")
             .config("spark.sql.ansi.enabled", "false")
             .config("spark.sql.session.timeZone", "UTC")
             .config("spark.ui.enabled", "false")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")

    df = spark.read.csv(files, header=True, inferSchema=True)

    df = df.na.fill({"email": "unknown@example.com", "phone": "000-000-0000"})
    df = df.withColumn("birth_date", col("birth_date").cast(DateType()))
    df = df.withColumn("session_duration", col("session_duration").cast(IntegerType()))
    df = df.dropDuplicates(subset=["unique_id"])

    df_filtered = df.filter((df["session_duration"] > 30) &
                            (to_date(df["accessed_at"]) > "2024-01-01"))
    df_filtered = df_filtered.withColumn("total_bandwidth",
                                         col("download_speed") + col("upload_speed"))
    df_filtered = df_filtered.withColumn("activity_level",
                                         when(col("session_duration") > 120, "active")
                                         .when(col("session_duration").between(30, 120), "moderate")
                                         .otherwise("less_active"))
    df_filtered = df_filtered.withColumn("masked_email",
                                         regexp_replace("email", "(\\w{3})\\w+@(\\w+)", "$1***@$2"))

    df_grouped = df_filtered.groupBy("person_name").agg(
        {"session_duration": "avg", "consumed_traffic": "sum"})

    df_filtered.write.csv(os.path.join(out_dir, "filtered"), header=True, mode="overwrite")
    df_grouped.write.csv(os.path.join(out_dir, "grouped"), header=True, mode="overwrite")
    spark.stop()


if __name__ == "__main__":
    main()
