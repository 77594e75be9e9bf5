#!/usr/bin/env python3
"""Parquet round trips between smelt and pyarrow, DuckDB and PySpark.

    python3 tests/conformance/parquet/interop.py [--smelt build/smelt] [--lib build/libsmelt.a]

Runs where those packages are installed (each part is skipped, with a note,
when its package is missing); the unit suite does not need them.

1. smelt → others.  smelt writes a table holding every type it writes
   (boolean, int, bigint, double, string, date, timestamp, decimals stored as
   INT32 / INT64 / FIXED_LEN_BYTE_ARRAY) with nulls and edge values, under
   each codec, through `INSERT OVERWRITE DIRECTORY ... USING parquet`; and a
   table of TIME columns (Spark 4.1's type: pyarrow and DuckDB only, Spark
   3.5 has no TIME).
   - pyarrow reads each file to the values smelt reads (the canonical text
     of gen_expected.py against pq_dump, built here from pq_canon.h);
   - DuckDB reads the same values as pyarrow (Python objects compared);
   - PySpark reads the same Spark types (from the schema smelt stores) and
     the same CAST(... AS STRING) text as smelt's SQL shows.
2. others → smelt.  pyarrow (every physical/logical type it writes, with and
   without dictionaries, data pages v1 and v2, DELTA / BYTE_STREAM_SPLIT
   encodings, each codec), DuckDB (COPY ... TO (FORMAT parquet)) and PySpark
   (default, INT96 timestamps, legacy decimals) write files, and pyarrow
   (time32[ms], time64[us], time64[ns]) and DuckDB (TIME) write TIME
   columns; smelt reads
   each to pyarrow's values (canonical text) and, where Spark reads the file,
   to Spark's text.

Prints one line per check and "N passed, N failed"; exit status 1 on any
failure.
"""
import argparse
import datetime
import decimal
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, HERE)

passed = failed = 0


def report(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("PASS", what)
    else:
        failed += 1
        print("FAIL", what, detail[:2000])


def have(mod):
    try:
        __import__(mod)
        return True
    except Exception:
        print("SKIP: %s is not installed" % mod)
        return False


def smelt_sql(smelt, wh, sql):
    r = subprocess.run([smelt, "sql", "--warehouse", wh, "--format", "tsv", "-e", sql],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("smelt failed: %s\n%s" % (sql[:200], r.stderr))
    return r.stdout


def part_files(d):
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".parquet"))


def build_dump(lib, out):
    # the libraries libsmelt.a needs, as the Makefile links them (MPI included when built with it)
    libs = subprocess.run(["make", "-s", "--no-print-directory", "print-libs"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout.split()
    cmd = ["cc", "-std=gnu17", "-O1", "-I" + os.path.join(ROOT, "include"), "-I" + os.path.join(ROOT, "src"),
           "-I" + HERE, os.path.join(HERE, "pq_dump.c"), lib, "-o", out] + libs
    subprocess.run(cmd, check=True)


def dump(pq_dump, path):
    r = subprocess.run([pq_dump, path], capture_output=True)
    return r.stdout.decode("utf-8", "replace")


def pyarrow_text(path):
    import gen_expected
    return gen_expected.expected(path)


SMELT_NESTED = """
SELECT id, IF(id % 4 = 3, NULL, array_remove(array(id, NULL, id * 2), 2)) AS a,
 IF(id % 5 = 4, NULL, map('k' || CAST(id AS STRING), IF(id % 2 = 0, NULL, CAST(id AS DOUBLE)))) AS m,
 IF(id % 6 = 5, NULL, named_struct('x', CAST(id AS STRING), 'y', array(named_struct('z', id)))) AS s,
 array(array(CAST(id AS STRING), NULL), IF(id % 3 = 0, NULL, array('u', NULL))) AS aa
FROM range(0, 40)"""


SMELT_TABLE = """
SELECT * FROM VALUES
 (true, 1, 1, 1.5, 'a', DATE'2024-02-29', TIMESTAMP'2024-02-29 12:34:56.789012',
  CAST(1.25 AS DECIMAL(5,2)), CAST(-123456789.123 AS DECIMAL(15,3)),
  CAST('12345678901234567890.123456789' AS DECIMAL(38,9))),
 (false, -2147483648, -9223372036854775808, CAST('NaN' AS DOUBLE), '', DATE'0001-01-01',
  TIMESTAMP'1900-01-01 00:00:00', CAST(-999.99 AS DECIMAL(5,2)), CAST(0 AS DECIMAL(15,3)),
  CAST('-99999999999999999999999999999.999999999' AS DECIMAL(38,9))),
 (NULL, 2147483647, 9223372036854775807, CAST('-Infinity' AS DOUBLE), 'héllo wörld ✓',
  DATE'9999-12-31', TIMESTAMP'1969-12-31 23:59:59.999999', NULL, NULL, NULL),
 (true, NULL, NULL, NULL, NULL, NULL, NULL, CAST(0.01 AS DECIMAL(5,2)),
  CAST(999999999999.999 AS DECIMAL(15,3)), CAST(0 AS DECIMAL(38,9))),
 (false, 0, 0, -0.0, 'repeat', DATE'1970-01-01', TIMESTAMP'1970-01-01 00:00:00', NULL,
  CAST(1 AS DECIMAL(15,3)), CAST(1 AS DECIMAL(38,9)))
AS t(b, i, l, d, s, dt, ts, d1, d2, d3)
"""


# Spark 4.1's TIME type (time(p)); PySpark 3.5 cannot read it, so only
# pyarrow and DuckDB check these files.
SMELT_TIME = """
SELECT * FROM VALUES
 (1, TIME'00:00:00', CAST('12:34:56.5' AS TIME(3))),
 (2, TIME'23:59:59.999999', NULL),
 (3, NULL, CAST('07:08:09' AS TIME(0))),
 (4, TIME'12:00:00.000001', CAST('23:59:59.999' AS TIME(3)))
AS t(id, t6, t3)
"""


def spark_session():
    from pyspark.sql import SparkSession
    spark = (SparkSession.builder.master("local[1]").config("spark.sql.ansi.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false").getOrCreate())
    spark.sparkContext.setLogLevel("OFF")
    return spark


def spark_text(spark, path):
    """(schema simpleString, sorted rows as TAB-joined CAST AS STRING)."""
    df = spark.read.parquet(path)
    # smelt has Spark's FLOAT type: both print Float.toString (0.33333334)
    exprs = ["CAST(`%s` AS STRING)" % f.name for f in df.schema.fields]
    rows = ["\t".join("NULL" if v is None else v for v in r) for r in df.selectExpr(*exprs).collect()]
    return df.schema.simpleString(), sorted(rows)


def smelt_text(smelt, wh, path):
    # nested columns as CAST AS STRING (the CLI prints them as JSON)
    cols = ["CAST(`%s` AS STRING)" % n if t.startswith(("array", "map", "struct")) else "`%s`" % n
            for n, t in smelt_types(smelt, wh, path)]
    out = smelt_sql(smelt, wh, "SELECT %s FROM parquet.`%s`" % (", ".join(cols) or "*", path))
    return sorted(line for line in out.split("\n") if line != "")


def smelt_types(smelt, wh, path):
    out = smelt_sql(smelt, wh, "DESCRIBE SELECT * FROM parquet.`%s`" % path)
    types = [[x.strip() for x in line.split("\t")[:2]] for line in out.split("\n") if line]
    nested = [n for n, t in types if t in ("array", "map", "struct")]
    if nested:  # DESCRIBE prints nested types without their parameters: ask typeof()
        out = smelt_sql(smelt, wh, "SELECT %s FROM parquet.`%s` LIMIT 1" % (
            ", ".join("typeof(`%s`)" % n for n in nested), path))
        full = dict(zip(nested, out.split("\n")[0].split("\t")))
        types = [[n, full.get(n, t)] for n, t in types]
    return types


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--smelt", default=os.path.join(ROOT, "build", "smelt"))
    ap.add_argument("--lib", default=os.path.join(ROOT, "build", "libsmelt.a"))
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="smelt-interop-")
    wh = os.path.join(tmp, "wh")
    pq_dump = os.path.join(tmp, "pq_dump")
    build_dump(args.lib, pq_dump)
    has_pa, has_duck, has_spark = have("pyarrow"), have("duckdb"), have("pyspark")
    spark = spark_session() if has_spark else None
    try:
        # ---- 1. smelt writes ------------------------------------------------------
        written = []
        for codec in ["snappy", "none", "gzip", "zstd", "lz4", "lz4_raw", "brotli"]:
            out = os.path.join(tmp, "smelt_" + codec)
            smelt_sql(args.smelt, wh, "INSERT OVERWRITE DIRECTORY '%s' USING parquet OPTIONS "
                      "(compression '%s') %s" % (out, codec, SMELT_TABLE))
            written += part_files(out)
        # a larger file: several row groups, pages, dictionary fallback
        big = os.path.join(tmp, "smelt_big")
        smelt_sql(args.smelt, wh, "INSERT OVERWRITE DIRECTORY '%s' USING parquet OPTIONS "
                  "('parquet.block.size' '1000000', 'parquet.page.size' '8192') SELECT id, "
                  "CAST(id %% 1000 AS INT) AS m, CONCAT('v', CAST(id * 7919 AS STRING)) AS s, "
                  "CAST(id AS DOUBLE) / 7 AS d, IF(id %% 5 = 0, NULL, DATE'2000-01-01' + CAST(id %% 9000 AS INT)) "
                  "AS dt FROM range(0, 200000)" % big)
        written += part_files(big)
        # nested: arrays, maps, structs with nulls at every level
        nested = os.path.join(tmp, "smelt_nested")
        smelt_sql(args.smelt, wh, "INSERT OVERWRITE DIRECTORY '%s' USING parquet %s" % (nested, SMELT_NESTED))
        written += part_files(nested)
        # TIME columns (INT64 TIME(isAdjustedToUTC=false, MICROS), as Spark 4.1 writes)
        tdir = os.path.join(tmp, "smelt_time")
        smelt_sql(args.smelt, wh, "INSERT OVERWRITE DIRECTORY '%s' USING parquet %s" % (tdir, SMELT_TIME))
        written += part_files(tdir)
        for f in written:
            name = os.path.relpath(f, tmp)
            if has_pa:
                want = pyarrow_text(f)
                got = dump(pq_dump, f)
                report(want.endswith(got) and got.startswith("status: ok"), "pyarrow reads smelt's " + name,
                       "\n--- pyarrow\n" + want + "\n--- smelt\n" + got)
            if has_pa and has_duck:
                import duckdb
                import pyarrow.parquet as pq
                a = pq.read_table(f).to_pylist()
                rel = duckdb.sql("SELECT * FROM read_parquet('%s')" % f)
                dt = rel.to_arrow_table() if hasattr(rel, "to_arrow_table") else rel.arrow()
                if hasattr(dt, "read_all"):
                    dt = dt.read_all()
                d = [tuple(r.values()) for r in dt.to_pylist()]
                cols = pq.read_schema(f).names

                def norm(v):
                    if isinstance(v, float) and v != v:
                        return "NaN"
                    if isinstance(v, dict) and set(v) == {"key", "value"} and isinstance(v["key"], list):
                        v = list(zip(v["key"], v["value"]))  # DuckDB's older map form
                    if isinstance(v, dict):
                        return {k: norm(x) for k, x in v.items()}
                    if isinstance(v, (list, tuple)):
                        return [norm(x) for x in v]
                    if isinstance(v, datetime.datetime):
                        return v.replace(tzinfo=None) if v.tzinfo is None else v.astimezone(
                            datetime.timezone.utc).replace(tzinfo=None)
                    return v
                a_rows = sorted(repr([norm(r[c]) for c in cols]) for r in a)
                d_rows = sorted(repr([norm(v) for v in r]) for r in d)
                report(a_rows == d_rows, "DuckDB reads smelt's " + name,
                       "\n" + "\n".join(x + " | " + y for x, y in zip(a_rows, d_rows) if x != y))
            if spark is not None and "big" not in name and "time" not in name:
                try:
                    schema, rows = spark_text(spark, f)
                except Exception as e:  # Spark ships no brotli codec
                    print("NOTE: Spark cannot read %s (%s)" % (name, str(e).splitlines()[0][:150]))
                    continue
                mine = smelt_text(args.smelt, wh, f)
                types = smelt_types(args.smelt, wh, f)
                want_schema = "struct<" + ",".join("%s:%s" % (n, t) for n, t in types) + ">"
                report(schema == want_schema and rows == mine, "PySpark reads smelt's " + name,
                       "\nspark %s\nsmelt %s\n%s\n---\n%s" % (schema, want_schema, "\n".join(rows), "\n".join(mine)))

        # ---- 2. others write --------------------------------------------------------
        others = []
        if has_pa:
            import pyarrow as pa
            import pyarrow.parquet as pq
            n = 3000
            rows = list(range(n))

            def nul(v, i):
                return None if i % 11 == 5 else v
            table = pa.table({
                "i8": pa.array([nul(i % 256 - 128, i) for i in rows], pa.int8()),
                "i16": pa.array([nul(i * 7 % 65536 - 32768, i) for i in rows], pa.int16()),
                "i32": pa.array([nul(i * 100003 - 2 ** 31 + 5, i) for i in rows], pa.int32()),
                "i64": pa.array([nul(i * 10 ** 15 - 2 ** 62, i) for i in rows], pa.int64()),
                "u8": pa.array([nul(i % 256, i) for i in rows], pa.uint8()),
                "u16": pa.array([nul(i * 31 % 65536, i) for i in rows], pa.uint16()),
                "u32": pa.array([nul(i * 1431655 % 2 ** 32, i) for i in rows], pa.uint32()),
                "u64": pa.array([nul(2 ** 64 - 1 - i, i) for i in rows], pa.uint64()),
                "f32": pa.array([nul(i / 3.0, i) for i in rows], pa.float32()),
                "f64": pa.array([nul(i / 7.0 - 100, i) for i in rows], pa.float64()),
                "f16": pa.array([nul(i / 8, i) for i in rows], pa.float32()).cast(pa.float16()),
                "s": pa.array([nul("s%d" % (i % 97), i) for i in rows], pa.string()),
                "ls": pa.array([nul("long-%d" % i, i) for i in rows], pa.large_string()),
                "bin": pa.array([nul(bytes([i % 256, 0, 255]), i) for i in rows], pa.binary()),
                "fsb": pa.array([nul(bytes([i % 256] * 4), i) for i in rows], pa.binary(4)),
                "dt": pa.array([nul(datetime.date(1900, 1, 1) + datetime.timedelta(days=i * 17), i) for i in rows],
                               pa.date32()),
                "ts_ms": pa.array([nul(i * 86400123, i) for i in rows], pa.timestamp("ms")),
                "ts_us": pa.array([nul(-i * 86400123456, i) for i in rows], pa.timestamp("us", tz="UTC")),
                "ts_ns": pa.array([nul(i * 86400123456789, i) for i in rows], pa.timestamp("ns")),
                "dec5": pa.array([nul(decimal.Decimal(i - 1500).scaleb(-2), i) for i in rows], pa.decimal128(5, 2)),
                "dec18": pa.array([nul(decimal.Decimal(i * 10 ** 12 + 7).scaleb(-6), i) for i in rows],
                                  pa.decimal128(18, 6)),
                "dec38": pa.array([nul(decimal.Decimal(-i * 10 ** 30 - 1).scaleb(-10), i) for i in rows],
                                  pa.decimal128(38, 10)),
                "b": pa.array([nul(i % 3 == 0, i) for i in rows], pa.bool_()),
                "cat": pa.array([nul("c%d" % (i % 5), i) for i in rows], pa.string()).dictionary_encode(),
            })
            variants = [
                ("default", {}),
                ("plain_v2_zstd", dict(use_dictionary=False, data_page_version="2.0", compression="zstd")),
                ("delta", dict(use_dictionary=False, column_encoding={
                    "i32": "DELTA_BINARY_PACKED", "i64": "DELTA_BINARY_PACKED", "s": "DELTA_BYTE_ARRAY",
                    "ls": "DELTA_LENGTH_BYTE_ARRAY", "f64": "BYTE_STREAM_SPLIT", "f32": "BYTE_STREAM_SPLIT",
                    "fsb": "BYTE_STREAM_SPLIT"}, compression="gzip", data_page_size=4096)),
                ("brotli_small_groups", dict(compression="brotli", row_group_size=700, data_page_size=1024)),
                ("lz4", dict(compression="lz4")),
                ("none_v1", dict(compression="none", data_page_version="1.0", write_statistics=False)),
            ]
            for name, kw in variants:
                f = os.path.join(tmp, "pyarrow_%s.parquet" % name)
                pq.write_table(table, f, **kw)
                others.append(f)
            # nested columns: lists (3-level), maps, structs, nulls at every level
            ntab = pa.table({
                "id": pa.array(rows[:500], pa.int64()),
                "l": pa.array([None if i % 7 == 0 else [] if i % 7 == 1 else [i, None, -i] for i in rows[:500]],
                              pa.list_(pa.int32())),
                "ll": pa.array([[["a%d" % i], None, []] if i % 3 else None for i in rows[:500]],
                               pa.list_(pa.list_(pa.string()))),
                "m": pa.array([None if i % 5 == 0 else [("k%d" % i, None if i % 2 else i / 2)] for i in rows[:500]],
                              pa.map_(pa.string(), pa.float64())),
                "st": pa.array([None if i % 4 == 0 else {"a": None if i % 3 == 0 else i, "b": ["x"] * (i % 3)}
                                for i in rows[:500]],
                               pa.struct([("a", pa.int16()), ("b", pa.list_(pa.string()))])),
            })
            # TIME: time32[ms], time64[us], time64[ns] (pyarrow writes TIME MILLIS / MICROS / NANOS)
            ttab = pa.table({
                "id": pa.array(rows[:300], pa.int32()),
                "ms": pa.array([nul(i * 287999 % 86400000, i) for i in rows[:300]], pa.time32("ms")),
                "us": pa.array([nul(i * 287999999 % 86400000000, i) for i in rows[:300]], pa.time64("us")),
                "ns": pa.array([nul(i * 287999999000 % 86400000000000, i) for i in rows[:300]],
                               pa.time64("ns")),
            })
            for name, kw in [("time", {}), ("time_plain_v2", dict(use_dictionary=False, data_page_version="2.0"))]:
                f = os.path.join(tmp, "pyarrow_%s.parquet" % name)
                pq.write_table(ttab, f, **kw)
                others.append(f)
            for name, kw in [("nested", {}), ("nested_v2_small_pages", dict(data_page_version="2.0",
                                                                              data_page_size=256)),
                             ("nested_legacy_lists", dict(use_compliant_nested_type=False))]:
                f = os.path.join(tmp, "pyarrow_%s.parquet" % name)
                pq.write_table(ntab, f, **kw)
                others.append(f)
        if has_duck:
            import duckdb
            for codec in ["snappy", "zstd", "uncompressed"]:
                f = os.path.join(tmp, "duckdb_%s.parquet" % codec)
                duckdb.sql("""COPY (SELECT i::INTEGER AS i, i::BIGINT * 1000000007 AS l, (i % 200 - 100)::TINYINT AS t,
                    (i % 256)::UTINYINT AS ut, i::UINTEGER AS ui, i::UBIGINT AS ub, i / 3.0 AS d, i::FLOAT AS f,
                    'v' || (i % 13)::VARCHAR AS s, DATE '2000-01-01' + i::INTEGER AS dt,
                    TIMESTAMP '2000-01-01' + INTERVAL (i) SECOND AS ts,
                    TIMESTAMPTZ '2000-01-01 00:00:00+00' + INTERVAL (i) MINUTE AS tstz,
                    (i / 100)::DECIMAL(9,2) AS dec9, (i * 1000)::DECIMAL(18,3) AS dec18,
                    (i * 1000)::DECIMAL(30,5) AS dec30, i % 2 = 0 AS b,
                    CASE WHEN i % 7 = 0 THEN NULL ELSE uuid() END AS u
                    FROM range(0, 5000) r(i)) TO 'FILE' (FORMAT parquet, COMPRESSION CODEC)""".replace(
                    "FILE", f).replace("CODEC", codec))
                others.append(f)
            f = os.path.join(tmp, "duckdb_time.parquet")  # DuckDB TIME: INT64 TIME(MICROS)
            duckdb.sql("""COPY (SELECT i::INTEGER AS i, CASE WHEN i % 9 = 4 THEN NULL ELSE
                TIME '00:00:00' + INTERVAL (i * 7919) SECOND + INTERVAL (i) MICROSECOND END AS t
                FROM range(0, 2000) r(i)) TO 'FILE' (FORMAT parquet)""".replace("FILE", f))
            others.append(f)
        if spark is not None:
            base = spark.sql("""SELECT id, CAST(id AS INT) AS i, CAST(id % 100 AS TINYINT) AS t,
                CAST(id AS SMALLINT) AS sm, id / 3 AS d, CAST(id / 3 AS FLOAT) AS f,
                CONCAT('s', id % 17) AS s, DATE_ADD(DATE'1950-01-01', CAST(id AS INT)) AS dt,
                TIMESTAMP_SECONDS(id * 3600) AS ts, CAST(id / 7 AS DECIMAL(9,2)) AS dec9,
                CAST(id * 1000 AS DECIMAL(18,3)) AS dec18, CAST(id AS DECIMAL(30,4)) AS dec30,
                id % 2 = 0 AS b, IF(id % 9 = 0, NULL, CAST(id AS STRING)) AS ns FROM range(0, 3000)""")
            for name, conf in [("default", {}),
                               ("int96", {"spark.sql.parquet.outputTimestampType": "INT96"}),
                               ("legacy_decimal", {"spark.sql.parquet.writeLegacyFormat": "true"}),
                               ("millis", {"spark.sql.parquet.outputTimestampType": "TIMESTAMP_MILLIS"})]:
                for k, v in conf.items():
                    spark.conf.set(k, v)
                d = os.path.join(tmp, "spark_" + name)
                base.coalesce(1).write.mode("overwrite").parquet(d)
                for k in conf:
                    spark.conf.unset(k)
                others += part_files(d)
        for f in others:
            name = os.path.relpath(f, tmp)
            if has_pa:
                want = pyarrow_text(f)
                got = dump(pq_dump, f)
                report(want.endswith(got) and got.startswith("status: ok"), "smelt reads " + name + " as pyarrow",
                       "\n--- pyarrow\n" + want[:3000] + "\n--- smelt\n" + got[:3000])
            if spark is not None:
                try:
                    schema, rows = spark_text(spark, f)
                except Exception as e:  # Spark refuses some types (nanos, float16, uint64 etc.)
                    print("NOTE: Spark cannot read %s (%s)" % (name, str(e).splitlines()[0][:150]))
                    continue
                mine = smelt_text(args.smelt, wh, f)
                report(rows == mine, "smelt reads " + name + " as PySpark",
                       "\n".join("spark: %s\nsmelt: %s" % (a, b) for a, b in zip(rows, mine) if a != b)[:3000])
    finally:
        if spark is not None:
            spark.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
