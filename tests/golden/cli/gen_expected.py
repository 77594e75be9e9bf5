#!/usr/bin/env python3
"""Expected output of `smelt schema` / `smelt head` / `smelt convert` from PySpark.

    python3 tests/golden/cli/gen_expected.py

For each case below, PySpark 3.5 (ansi off, UTC) reads the same input as the
smelt command in tests/golden/run_convert.sh does and writes
tests/golden/cli/<case>.expected with printSchema()'s tree or show()'s table
(converted datasets are written by Spark the way `smelt convert` writes them,
then read back).  run_convert.sh compares smelt's output with these files and
does not need Spark.
"""
import os
import shutil
import tempfile

from pyspark.sql import SparkSession

HERE = os.path.dirname(os.path.abspath(__file__))
spark = (SparkSession.builder.master("local[1]")
         .config("spark.sql.ansi.enabled", "false")
         .config("spark.sql.session.timeZone", "UTC").getOrCreate())
tmp = tempfile.mkdtemp()


def csv(name, **opts):
    o = {"header": "true", "inferSchema": "true", **opts}
    return spark.read.options(**o).csv(os.path.join(HERE, name))


def schema(df):
    return df._jdf.schema().treeString()


def show(df, n=20, truncate=20):
    return df._jdf.showString(n, truncate, False)


def write(case, text):
    # what printSchema() and show() print: the text and a newline
    with open(os.path.join(HERE, case + ".expected"), "w") as f:
        f.write(text + "\n")


people = csv("people.csv")
# smelt schema people.csv / smelt head people.csv [-n 2]
write("csv_schema", schema(people))
write("csv_head", show(people))
write("csv_head_n2", show(people, 2))
# smelt head people_semi.csv -o sep=;
write("semi_head", show(csv("people_semi.csv", sep=";")))

# smelt convert people.csv p.parquet; smelt schema|head p.parquet
people.coalesce(1).write.parquet(os.path.join(tmp, "p.parquet"))
p = spark.read.parquet(os.path.join(tmp, "p.parquet"))
write("parquet_schema", schema(p))
write("parquet_head", show(p))

# smelt convert p.parquet back.csv; smelt head back.csv
p.coalesce(1).write.option("header", "true").csv(os.path.join(tmp, "back.csv"))
write("roundtrip_csv_head", show(csv(os.path.join(tmp, "back.csv"))))

# smelt convert people_semi.csv semi.parquet --sep ';' --no-infer-schema
semi = spark.read.options(header="true", sep=";").csv(os.path.join(HERE, "people_semi.csv"))
semi.coalesce(1).write.parquet(os.path.join(tmp, "semi.parquet"))
write("semi_strings_schema", schema(spark.read.parquet(os.path.join(tmp, "semi.parquet"))))

# smelt convert people.csv part.parquet --partition-by country; smelt schema part.parquet
people.write.partitionBy("country").parquet(os.path.join(tmp, "part.parquet"))
part = spark.read.parquet(os.path.join(tmp, "part.parquet"))
write("partitioned_schema", schema(part))
# ... and the rows of one partition (smelt head part.parquet/country=UK)
write("partition_uk_head", show(spark.read.parquet(os.path.join(tmp, "part.parquet", "country=UK"))))

# smelt schema|head nested.json; smelt convert nested.json j.csv (b dropped: CSV has no struct)
js = spark.read.json(os.path.join(HERE, "nested.json"))
write("json_schema", schema(js))
write("json_head", show(js))
js.drop("b").coalesce(1).write.option("header", "true").csv(os.path.join(tmp, "j.csv"))
write("json_to_csv_head", show(spark.read.options(header="true", inferSchema="true").csv(os.path.join(tmp, "j.csv"))))

shutil.rmtree(tmp)
spark.stop()
