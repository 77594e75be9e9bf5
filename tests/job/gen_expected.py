#!/usr/bin/env python3
"""Expected outputs of tests/job/cases/ops.yaml, computed by PySpark.

    python3 tests/job/gen_expected.py      (from the repository root)

Runs the same operations as the job file, step by step, with PySpark 3.5
(local mode, ansi off, UTC), writes each sink as CSV and normalizes it with
tests/golden/drivendata/compare_outputs.py into tests/job/cases/ops/NAME.csv
(the header, then the rows sorted).  Keep it in step with ops.yaml.
"""
import os
import subprocess
import sys
import tempfile

from pyspark.sql import SparkSession
from pyspark.sql.functions import col, expr

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "tests/job/data")
OUT = os.path.join(ROOT, "tests/job/cases/ops")


def main():
    spark = (SparkSession.builder.master("local[1]")
             .config("spark.sql.ansi.enabled", "false")
             .config("spark.sql.session.timeZone", "UTC")
             .config("spark.ui.enabled", "false").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    people = spark.read.csv(f"{DATA}/people.csv", header=True, inferSchema=True)
    depts = spark.read.csv(f"{DATA}/depts.csv", header=True, schema="dept STRING, floor INT")
    extra = spark.sql("SELECT 9 AS id, 'Zed' AS name, 'hr' AS dept, 60 AS salary, 1 AS bonus")
    for n, df in (("people", people), ("depts", depts), ("extra", extra)):
        df.createOrReplaceTempView(n)

    unique_people = people.dropDuplicates(["id"])
    filled = unique_people.na.fill(0, subset=["bonus"])
    labelled = filled.na.fill({"dept": "none"})
    paid = labelled.withColumns({"total": expr("salary + bonus"), "salary": expr("salary * 2")})
    renamed = paid.withColumnRenamed("name", "person")
    trimmed = renamed.drop("bonus")
    joined = trimmed.alias("trimmed").join(depts.alias("depts"),
                                           expr("trimmed.dept = depts.dept"), "left")
    located = joined.selectExpr("id", "person", "trimmed.dept AS dept", "floor", "total")
    located.createOrReplaceTempView("located")
    everyone = people.union(extra)
    by_name = extra.unionByName(people)
    per_dept = everyone.groupBy("dept").agg(expr("count(*) AS n"), expr("sum(salary) AS salaries"),
                                            expr("max(name) AS last_name"))
    complete = people.na.drop("any")
    some = people.na.drop(thresh=5)
    top = paid.orderBy(col("total").desc_nulls_last(), col("id")).limit(3)
    summary = people.agg({"salary": "max", "bonus": "sum"})
    report = spark.sql("""SELECT l.dept, count(*) AS people, sum(d.floor) AS floors
      FROM located l JOIN depts d USING (dept)
      GROUP BY l.dept""")
    using_join = people.join(depts, ["dept"], "full")
    kinds = people.selectExpr("dept", "salary > 75 AS high")
    distinct_kinds = kinds.distinct()
    kinds_eng = kinds.filter("dept = 'eng'")
    no_eng = distinct_kinds.subtract(kinds_eng)
    typed = people.withColumn("salary", col("salary").cast("double")) \
                  .withColumn("id", col("id").cast("string"))

    sinks = {"located": located, "everyone": everyone, "by_name": by_name, "per_dept": per_dept,
             "complete": complete, "some": some, "top": top, "summary": summary,
             "report": report, "using_join": using_join, "no_eng": no_eng}
    os.makedirs(OUT, exist_ok=True)
    cmp = os.path.join(ROOT, "tests/golden/drivendata/compare_outputs.py")
    with tempfile.TemporaryDirectory() as tmp:
        for name, df in sinks.items():
            df.write.csv(f"{tmp}/{name}", header=True, mode="overwrite")
            subprocess.run([sys.executable, cmp, "normalize", f"{tmp}/{name}",
                            f"{OUT}/{name}.csv"], check=True)
        typed.write.csv(f"{tmp}/typed", header=True, mode="overwrite", sep="|")
        subprocess.run([sys.executable, cmp, "normalize", f"{tmp}/typed", f"{OUT}/typed.csv"],
                       check=True)
    spark.stop()


if __name__ == "__main__":
    main()
