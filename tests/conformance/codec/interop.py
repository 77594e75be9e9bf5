#!/usr/bin/env python3
"""Compressed CSV and JSON lines between smelt and PySpark, both ways.

    python3 tests/conformance/codec/interop.py [--smelt build/smelt]

Runs where PySpark 3.5 is installed (the unit suite does not need it); the
zstd, gzip and bzip2 command-line tools, when installed, check the files too.

1. smelt -> Spark.  smelt writes one table (40,000 rows: ints, doubles,
   strings with commas and quotes, dates, timestamps, nulls, and for JSON an
   array and a struct; about 2.5 MB of text, so several bzip2 blocks and many
   of Hadoop's lz4/snappy blocks) as CSV and as JSON lines under every codec
   (`INSERT OVERWRITE DIRECTORY ... OPTIONS (compression '<codec>')`), and
   through `smelt convert` with the codec taken from the output name
   (out.csv.bz2).  Part files must be named part-NNNNN-<uuid>-c000.<fmt><ext>.
   PySpark reads each directory (CSV with the schema, JSON inferred: its
   timestamps are then the text written) to the same rows as the
   uncompressed one, and smelt's own reading of it gives the same summary.  Spark 3.5's local build cannot read zstd (no native
   libhadoop): the .zst files are checked with the zstd tool instead.
2. Spark -> smelt.  PySpark writes the same table with each codec Spark has
   for text (bzip2, gzip, deflate, lz4, snappy); smelt reads each to the
   same rows as Spark's uncompressed output (count, and a checksum of every
   column's text, computed by the same SQL on both sides).

Prints one line per check and "N passed, N failed"; exit status 1 on any
failure.
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
EXT = {"none": "", "bzip2": ".bz2", "gzip": ".gz", "deflate": ".deflate", "lz4": ".lz4",
       "snappy": ".snappy", "zstd": ".zst"}
SPARK_CODECS = ["none", "bzip2", "gzip", "deflate", "lz4", "snappy"]

passed = failed = 0


def report(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("PASS", what)
    else:
        failed += 1
        print("FAIL", what, str(detail)[:1500])
    sys.stdout.flush()


TABLE = """SELECT id,
  CAST(id % 1000 AS INT) AS small,
  id * 0.25D AS d,
  CASE WHEN id % 11 = 0 THEN NULL ELSE concat('name ', id % 977, CASE WHEN id % 5 = 0 THEN ', "quoted"' ELSE '' END) END AS s,
  date_add(DATE'2020-01-01', CAST(id % 2000 AS INT)) AS dt,
  CASE WHEN id % 13 = 0 THEN NULL ELSE timestamp_seconds(1600000000 + id * 37) END AS ts,
  id % 3 = 0 AS b
FROM range(0, 40000)"""
JSON_EXTRA = ", array(id % 5, id % 7) AS arr, named_struct('x', id % 9, 'y', concat('y', id % 4)) AS st"
CSV_SCHEMA = "id BIGINT, small INT, d DOUBLE, s STRING, dt DATE, ts TIMESTAMP, b BOOLEAN"
JSON_SCHEMA = CSV_SCHEMA + ", arr ARRAY<BIGINT>, st STRUCT<x: BIGINT, y: STRING>"
# one line that summarises a table's values, the same SQL in smelt and Spark
SUMMARY = ("SELECT count(*), sum(id), sum(small), CAST(sum(d) AS STRING), count(s), sum(length(s)), "
           "sum(hash(s)), min(dt), max(dt), count(ts), sum(hash(CAST(ts AS STRING))), "
           "sum(CAST(b AS INT)){extra} FROM {t}")
JSON_SUMMARY_EXTRA = ", sum(arr[0] * 10 + arr[1]), sum(st.x), sum(hash(st.y))"


def smelt_sql(smelt, sql, cwd):
    p = subprocess.run([smelt, "sql", "--format", "tsv", "-f", "-"], input=sql, cwd=cwd,
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(p.stderr.strip())
    return p.stdout


def part_files(d, fmt, codec):
    pat = re.compile(r"^part-\d{5}-[0-9a-f-]{36}-c000\.%s%s$" % (fmt, re.escape(EXT[codec])))
    names = [n for n in os.listdir(d) if not n.startswith((".", "_"))]
    return names, all(pat.match(n) for n in names) and len(names) > 0


def cli_check(path, codec):
    """The file decompresses with the codec's own tool (None: tool missing)."""
    tool = {"gzip": ["gzip", "-dc"], "bzip2": ["bzip2", "-dc"], "zstd": ["zstd", "-dcq"]}.get(codec)
    if not tool or not shutil.which(tool[0]):
        return None
    return subprocess.run(tool + [path], capture_output=True).returncode == 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--smelt", default=os.path.join(ROOT, "build", "smelt"))
    args = ap.parse_args()
    smelt = os.path.abspath(args.smelt)
    try:
        from pyspark.sql import SparkSession
    except Exception:
        print("SKIP: pyspark is not installed")
        return 0
    spark = (SparkSession.builder.master("local[2]")
             .config("spark.sql.ansi.enabled", "false")
             .config("spark.sql.session.timeZone", "UTC")
             .config("spark.ui.showConsoleProgress", "false").getOrCreate())
    spark.sparkContext.setLogLevel("OFF")
    tmp = tempfile.mkdtemp(prefix="smelt_codec_interop_")
    try:
        run(spark, smelt, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        spark.stop()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def spark_summary(spark, df, fmt):
    df.createOrReplaceTempView("t")
    extra = JSON_SUMMARY_EXTRA if fmt == "json" else ""
    row = spark.sql(SUMMARY.format(extra=extra, t="t")).collect()[0]
    return "\t".join("NULL" if v is None else str(v) for v in row)


def run(spark, smelt, tmp):
    # ---- 1. smelt writes, Spark reads ----------------------------------------------
    for fmt in ("csv", "json"):
        schema = JSON_SCHEMA if fmt == "json" else CSV_SCHEMA
        select = TABLE.replace(" AS b\n", " AS b" + (JSON_EXTRA if fmt == "json" else "") + "\n")
        ref = None
        for codec in SPARK_CODECS + ["zstd"]:
            d = os.path.join(tmp, "smelt_%s_%s" % (fmt, codec))
            opts = "compression '%s'" % codec + (", header 'true'" if fmt == "csv" else "")
            try:
                smelt_sql(smelt, "INSERT OVERWRITE DIRECTORY '%s' USING %s OPTIONS (%s) %s;"
                          % (d, fmt, opts, select), tmp)
            except RuntimeError as e:
                report(False, "smelt writes %s %s" % (fmt, codec), e)
                continue
            names, ok = part_files(d, fmt, codec)
            report(ok, "smelt %s %s part file names" % (fmt, codec), names)
            if codec == "zstd" or codec in ("gzip", "bzip2"):
                for n in names:
                    c = cli_check(os.path.join(d, n), codec)
                    if c is not None:
                        report(c, "%s -d reads smelt's %s" % (codec, n))
            if codec == "zstd":
                continue  # Spark 3.5 (no native libhadoop) cannot read zstd text
            r = spark.read.schema(schema).option("header", "true") if fmt == "csv" else spark.read
            try:
                got = spark_summary(spark, getattr(r, fmt)(d), fmt)
            except Exception as e:
                report(False, "Spark reads smelt's %s %s" % (fmt, codec), str(e).splitlines()[0])
                continue
            if codec == "none":
                ref = got
                # smelt's own summary of what it wrote: the same numbers
                view = ("CREATE TEMPORARY VIEW t (%s) USING %s OPTIONS (path '%s'%s);"
                        % (schema, fmt, d, ", header 'true'" if fmt == "csv" else ""))
                extra = JSON_SUMMARY_EXTRA if fmt == "json" else ""
                if fmt == "json":
                    view = ("CREATE TEMPORARY VIEW t USING json OPTIONS (path '%s');" % d)
                mine = smelt_sql(smelt, view + SUMMARY.format(extra=extra, t="t") + ";", tmp).strip()
                report(mine == ref, "smelt and Spark summarise smelt's %s alike" % fmt,
                       "smelt %s\nspark %s" % (mine, ref))
            report(got == ref, "Spark reads smelt's %s %s to the uncompressed rows" % (fmt, codec),
                   "got %s\nwant %s" % (got, ref))
    # smelt convert: the codec from the output name
    src = os.path.join(tmp, "smelt_csv_none")
    for out, fmt, codec in (("conv.csv.bz2", "csv", "bzip2"), ("conv.json.gz", "json", "gzip"),
                            ("conv.csv.snappy", "csv", "snappy"), ("conv.json.zst", "json", "zstd")):
        p = subprocess.run([smelt, "convert", src, out], cwd=tmp, capture_output=True, text=True)
        if p.returncode != 0:
            report(False, "smelt convert %s" % out, p.stderr)
            continue
        names, ok = part_files(os.path.join(tmp, out), fmt, codec)
        report(ok, "smelt convert -> %s part file names" % out, names)
        if codec == "zstd":
            continue
        r = spark.read.option("header", "true") if fmt == "csv" else spark.read
        n = getattr(r, fmt)(os.path.join(tmp, out)).count()
        report(n == 40000, "Spark reads smelt convert's %s" % out, n)

    # ---- 2. Spark writes, smelt reads ----------------------------------------------
    for fmt in ("csv", "json"):
        select = TABLE.replace(" AS b\n", " AS b" + (JSON_EXTRA if fmt == "json" else "") + "\n")
        df = spark.sql(select).repartition(3)
        ref = None
        for codec in SPARK_CODECS:
            d = os.path.join(tmp, "spark_%s_%s" % (fmt, codec))
            w = df.write.option("compression", codec)
            if fmt == "csv":
                w = w.option("header", "true")
            getattr(w, fmt)(d)
            schema = JSON_SCHEMA if fmt == "json" else CSV_SCHEMA
            view = ("CREATE TEMPORARY VIEW t (%s) USING %s OPTIONS (path '%s'%s);"
                    % (schema, fmt, d, ", header 'true'" if fmt == "csv" else ""))
            if fmt == "json":
                view = "CREATE TEMPORARY VIEW t USING json OPTIONS (path '%s');" % d
            extra = JSON_SUMMARY_EXTRA if fmt == "json" else ""
            try:
                got = smelt_sql(smelt, view + SUMMARY.format(extra=extra, t="t") + ";", tmp).strip()
            except RuntimeError as e:
                report(False, "smelt reads Spark's %s %s" % (fmt, codec), e)
                continue
            if codec == "none":
                r = spark.read.schema(schema).option("header", "true") if fmt == "csv" else spark.read
                ref = spark_summary(spark, getattr(r, fmt)(d), fmt)
            report(got == ref, "smelt reads Spark's %s %s" % (fmt, codec),
                   "got %s\nwant %s" % (got, ref))


if __name__ == "__main__":
    sys.exit(main())
