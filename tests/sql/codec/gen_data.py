#!/usr/bin/env python3
"""Writes the compressed CSV / JSON fixtures of tests/sql/codec/ with PySpark.

    python3 tests/sql/codec/gen_data.py        (from the repository root; ~30 s)

PySpark 3.5 (local[1], UTC) writes one small DataFrame as CSV (header) and as
JSON lines with every codec its text writers accept -- bzip2, gzip, deflate,
lz4, snappy -- and a larger one (8000 rows, ~500 KB of text: several of
Hadoop's 256 KiB blocks) as CSV with lz4 and as JSON with snappy.  Each single part
file is copied to data/<name>.<fmt><ext>.  Also made here, not by Spark:
concatenated gzip and bzip2 members (Hadoop reads every member, and so must
smelt), and zstd (.zst, with the zstd tool when installed: Spark 3.5's local
build has no zstd for text, so the expected rows are the gzip file's).

The expected results (read.sql.out) come from tests/sql/gen_expected.py,
which reads these files with PySpark.
"""
import bz2
import glob
import gzip
import os
import shutil
import subprocess
import tempfile

from pyspark.sql import SparkSession

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
CODECS = {"bzip2": ".bz2", "gzip": ".gz", "deflate": ".deflate", "lz4": ".lz4", "snappy": ".snappy"}

spark = (SparkSession.builder.master("local[1]")
         .config("spark.sql.ansi.enabled", "false")
         .config("spark.sql.session.timeZone", "UTC").getOrCreate())
spark.sparkContext.setLogLevel("ERROR")

small = spark.sql("""
SELECT * FROM VALUES
  (1, 'Ada Lovelace', 'UK', 91.5D, DATE'2021-03-04', TIMESTAMP'2024-01-02 03:04:05', true, array(1, 2), named_struct('x', 1, 'y', 'a')),
  (2, 'Grace "Amazing" Hopper', 'US', 88.25D, DATE'2020-12-31', TIMESTAMP'2023-06-07 08:09:10.5', false, array(), named_struct('x', 2, 'y', NULL)),
  (3, 'Alan, Turing', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (4, 'Zoë Ünïcode', 'DE', -0.5D, DATE'1999-01-01', TIMESTAMP'1999-12-31 23:59:59', true, array(3), named_struct('x', 4, 'y', 'é')),
  (5, '', 'FR', 1e10D, DATE'2000-02-29', TIMESTAMP'2000-02-29 12:00:00', false, array(5, NULL), named_struct('x', NULL, 'y', 'z'))
AS t(id, name, country, score, joined, last_seen, active, tags, info)
""")
big = spark.sql("""
SELECT id, concat('row-', repeat('abcdefghij', CAST(id % 13 AS INT))) AS s, CAST(id % 7 AS INT) AS k
FROM range(0, 8000)
""")


def write(df, fmt, codec, name):
    tmp = tempfile.mkdtemp()
    out = os.path.join(tmp, "out")
    w = df.coalesce(1).write.option("compression", codec)
    if fmt == "csv":
        w = w.option("header", "true")
        df = df.drop("tags", "info") if "tags" in df.columns else df
        w = df.coalesce(1).write.option("compression", codec).option("header", "true")
    getattr(w, fmt)(out)
    parts = glob.glob(os.path.join(out, "part-*"))
    assert len(parts) == 1, parts
    ext = "" if codec == "none" else CODECS[codec]
    dst = os.path.join(DATA, f"{name}.{fmt}{ext}")
    shutil.copyfile(parts[0], dst)
    shutil.rmtree(tmp)
    return dst


os.makedirs(DATA, exist_ok=True)
for fmt in ("csv", "json"):
    plain = write(small, fmt, "none", "small")
    for codec in CODECS:
        write(small, fmt, codec, "small")
    write(big, fmt, "lz4" if fmt == "csv" else "snappy", "big")
    text = open(plain, "rb").read()
    lines = text.splitlines(keepends=True)
    half = len(lines) // 2
    # concatenated members, each holding some of the lines
    with open(os.path.join(DATA, f"concat.{fmt}.gz"), "wb") as f:
        f.write(gzip.compress(b"".join(lines[:half]), mtime=0))
        f.write(gzip.compress(b"".join(lines[half:]), mtime=0))
    with open(os.path.join(DATA, f"concat.{fmt}.bz2"), "wb") as f:
        f.write(bz2.compress(b"".join(lines[:half])))
        f.write(bz2.compress(b"".join(lines[half:])))
    if shutil.which("zstd"):
        subprocess.run(["zstd", "-q", "-f", plain, "-o", os.path.join(DATA, f"small.{fmt}.zst")],
                       check=True)
    os.remove(plain)
print("wrote", len(os.listdir(DATA)), "files in", DATA)
