#!/usr/bin/env python3
"""spark_golden.py - writes the expected output of golden-test scripts by
running them through PySpark (the reference), next to each script:
tests/golden/cases/<area>/<name>.case -> <name>.expected.

    python3 tests/golden/spark_golden.py                 # every case
    python3 tests/golden/spark_golden.py tests/golden/cases/dataframe
    python3 tests/golden/spark_golden.py path/to/one.case

This is the same interpreter as tests/golden/golden_run.c (which runs the
scripts through smelt); the two must implement every operation the same
way.  Script syntax: docs/helpers-brief.md, "Golden tests", and the header
of golden_run.c.

Spark runs in local[1] with spark.sql.ansi.enabled=false, session time zone
UTC and 2 shuffle partitions.  Paths in scripts are relative to the
repository root.  A script whose input under ../shared is missing is
skipped; a script that fails where no expect_error follows gets no
.expected (the failure is reported and the exit status is 1).
"""
import os
import re
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class ScriptError(Exception):
    pass


def split_line(line):
    op, _, rest = line.partition(" ")
    rest = rest.strip()
    return op, (rest.split(" | ") if rest else [])


def kv(arg):
    if "=" not in arg:
        raise ScriptError("'%s' is not key=value" % arg)
    k, _, v = arg.partition("=")
    return k, v


def missing_inputs(lines):
    """Inputs under ../shared that are not on this machine."""
    out = []
    for line in lines:
        op, args = split_line(line)
        if op == "read_csv" and args and args[0].startswith("../shared"):
            if not os.path.exists(os.path.join(REPO, args[0])):
                out.append(args[0])
    return out


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        lines = []
        for n, raw in enumerate(f, 1):
            t = raw.strip(" \t\r\n")
            if t and not t.startswith("#"):
                lines.append((n, t))
    return lines


class Interpreter:
    def __init__(self, spark):
        from pyspark.sql import functions as F
        self.spark = spark
        self.F = F
        self.df = None
        self.grouped = None
        self.saved = {}

    # ---- helpers ------------------------------------------------------------
    def value(self, text):
        """A SQL literal as the Python value PySpark's na.fill takes."""
        t = text.strip()
        if t.lower() in ("true", "false"):
            return t.lower() == "true"
        if re.fullmatch(r"[+-]?\d+", t):
            return int(t)
        if t[:1] in ("'", '"'):
            return self.spark.sql("SELECT %s AS v" % t).first()[0]
        try:
            return float(t)
        except ValueError:
            raise ScriptError("na.fill: '%s' is not a literal value" % text)

    def sort_key(self, text):
        m = re.fullmatch(r"(.*?)(?:\s+(ASC|DESC))?(?:\s+NULLS\s+(FIRST|LAST))?", text.strip(),
                         re.I | re.S)
        c = self.F.expr(m.group(1))
        desc = (m.group(2) or "").upper() == "DESC"
        nulls = (m.group(3) or "").upper()
        if not nulls:
            return c.desc() if desc else c.asc()
        if desc:
            return c.desc_nulls_first() if nulls == "FIRST" else c.desc_nulls_last()
        return c.asc_nulls_first() if nulls == "FIRST" else c.asc_nulls_last()

    @staticmethod
    def cell(v):
        if v is None:
            return "NULL"
        return v.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")

    def collect(self, sorted_rows):
        df = self.df
        n = len(df.columns)
        tmp = df.toDF(*["_golden_%d" % i for i in range(n)])
        rows = tmp.select([self.F.col("_golden_%d" % i).cast("string") for i in range(n)]).collect()
        lines = ["\t".join(self.cell(v) for v in row) for row in rows]
        if sorted_rows:
            lines.sort()
        return df._jdf.schema().simpleString() + "\n" + "".join(l + "\n" for l in lines)

    def need(self, op, args, n):
        if len(args) < n:
            raise ScriptError("%s needs %d argument(s)" % (op, n))

    def saved_df(self, name):
        if name not in self.saved:
            raise ScriptError("no DataFrame saved as '%s'" % name)
        return self.saved[name]

    # ---- one line -------------------------------------------------------------
    def execute(self, line):
        """Runs one line; returns the text an action prints, or None."""
        F = self.F
        op, args = split_line(line)
        if op == "read_csv":
            self.need(op, args, 1)
            opts, schema = {}, None
            for a in args[1:]:
                k, v = kv(a)
                if k == "schema":
                    schema = v
                else:
                    opts[k] = v
            self.df = self.spark.read.options(**opts).csv(os.path.join(REPO, args[0]),
                                                          schema=schema)
            self.grouped = None
            return None
        if op == "load":
            self.need(op, args, 1)
            if args[0] not in self.saved:
                raise ScriptError("no DataFrame saved as '%s'" % args[0])
            self.df = self.saved[args[0]]
            return None
        if self.df is None:
            raise ScriptError("no DataFrame yet: start with read_csv")
        df = self.df
        if op == "filter":
            self.need(op, args, 1)
            self.df = df.filter(args[0])
        elif op == "select":
            self.need(op, args, 1)
            self.df = df.selectExpr(*args)
        elif op == "with_column":
            self.need(op, args, 2)
            self.df = df.withColumn(args[0], F.expr(args[1]))
        elif op == "with_column_renamed":
            self.need(op, args, 2)
            self.df = df.withColumnRenamed(args[0], args[1])
        elif op == "drop":
            self.need(op, args, 1)
            self.df = df.drop(*args)
        elif op == "distinct":
            self.df = df.distinct()
        elif op == "limit":
            self.need(op, args, 1)
            self.df = df.limit(int(args[0]))
        elif op == "na_fill":
            self.need(op, args, 1)
            self.df = df.na.fill(self.value(args[0]), subset=args[1:] or None)
        elif op == "na_fill_map":
            self.need(op, args, 1)
            self.df = df.na.fill({k: self.value(v) for k, v in map(kv, args)})
        elif op == "na_drop":
            self.need(op, args, 2)
            thresh = int(args[1])
            self.df = df.na.drop(how=args[0], thresh=None if thresh < 0 else thresh,
                                 subset=args[2:] or None)
        elif op == "drop_duplicates":
            self.df = df.dropDuplicates(args or None)
        elif op == "save":
            self.need(op, args, 1)
            self.saved[args[0]] = df
        elif op in ("union", "union_by_name"):
            self.need(op, args, 1)
            if args[0] not in self.saved:
                raise ScriptError("no DataFrame saved as '%s'" % args[0])
            other = self.saved[args[0]]
            if op == "union":
                self.df = df.union(other)
            else:
                allow = len(args) > 1 and args[1] == "true"
                self.df = df.unionByName(other, allowMissingColumns=allow)
        elif op == "join":
            self.need(op, args, 2)
            other = self.saved_df(args[0])
            if len(args) == 2:
                self.df = df.join(other, how=args[1])
            elif len(args) > 3 or re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", args[2]):
                self.df = df.join(other, args[2:], args[1])
            else:
                self.df = df.join(other, F.expr(args[2]), args[1])
        elif op == "cross_join":
            self.need(op, args, 1)
            self.df = df.crossJoin(self.saved_df(args[0]))
        elif op == "alias":
            self.need(op, args, 1)
            self.df = df.alias(args[0])
        elif op in ("intersect", "intersect_all", "subtract", "except_all"):
            self.need(op, args, 1)
            other = self.saved_df(args[0])
            self.df = {"intersect": df.intersect, "intersect_all": df.intersectAll,
                       "subtract": df.subtract, "except_all": df.exceptAll}[op](other)
        elif op == "offset":
            self.need(op, args, 1)
            self.df = df.offset(int(args[0]))
        elif op in ("group_by", "rollup", "cube"):
            self.need(op, args, 1)
            keys = [F.expr(a) for a in args]
            df.select(*keys)  # PySpark resolves grouping columns lazily; smelt at once
            self.grouped = {"group_by": df.groupBy, "rollup": df.rollup,
                            "cube": df.cube}[op](*keys)
        elif op == "agg":
            self.need(op, args, 1)
            g, self.grouped = self.grouped, None
            self.df = (g or df).agg(*[F.expr(a) for a in args])
        elif op == "agg_dict":
            self.need(op, args, 1)
            g, self.grouped = self.grouped, None
            self.df = (g or df).agg(dict(map(kv, args)))
        elif op == "count_by":
            if self.grouped is None:
                raise ScriptError("count_by needs a group_by before it")
            g, self.grouped = self.grouped, None
            self.df = g.count()
        elif op == "order_by":
            self.need(op, args, 1)
            self.df = df.orderBy(*[self.sort_key(a) for a in args])
        elif op == "describe":
            self.df = df.describe(*args)
        elif op == "show":
            n = int(args[0]) if len(args) > 0 else 20
            truncate = int(args[1]) if len(args) > 1 else 20
            return df._jdf.showString(n, truncate, False) + "\n"
        elif op == "print_schema":
            return df._jdf.schema().treeString() + "\n"
        elif op == "count":
            return "%d\n" % df.count()
        elif op in ("collect", "collect_ordered"):
            return self.collect(op == "collect")
        else:
            raise ScriptError("unknown operation '%s'" % op)
        return None

    def run(self, path, lines):
        out = []
        i = 0
        while i < len(lines):
            lineno, line = lines[i]
            expect_error = i + 1 < len(lines) and lines[i + 1][1] == "expect_error"
            if line == "expect_error":
                raise ScriptError("%s:%d: expect_error follows no line" % (path, lineno))
            state = (self.df, self.grouped)
            try:
                text = self.execute(line)
            except Exception as e:  # AnalysisException, ParseException, Py4J errors, ours
                if expect_error:
                    self.df, self.grouped = state
                    out.append("-- expect_error\nerror\n")
                    i += 2
                    continue
                first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
                raise ScriptError("%s:%d: %s" % (path, lineno, first))
            if expect_error:
                raise ScriptError("%s:%d: expected an error, but '%s' succeeded"
                                  % (path, lineno, line))
            if text is not None:
                out.append("-- %s\n%s" % (line, text))
            i += 1
        return "".join(out)


def case_files(args):
    roots = args or [os.path.join(REPO, "tests/golden/cases")]
    for r in roots:
        if os.path.isdir(r):
            for d, _, files in sorted(os.walk(r)):
                for f in sorted(files):
                    if f.endswith(".case"):
                        yield os.path.join(d, f)
        else:
            yield r


def main():
    files = list(case_files(sys.argv[1:]))
    if not files:
        print("no .case files found")
        return 1
    from pyspark.sql import SparkSession
    spark = (SparkSession.builder.master("local[1]")
             .config("spark.sql.ansi.enabled", "false")
             .config("spark.sql.session.timeZone", "UTC")
             .config("spark.sql.shuffle.partitions", "2")
             .config("spark.ui.enabled", "false")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    status = 0
    for path in files:
        rel = os.path.relpath(os.path.abspath(path), REPO)
        lines = read_lines(path)
        missing = missing_inputs(l for _, l in lines)
        if missing:
            print("SKIP %s (missing %s)" % (rel, ", ".join(missing)))
            continue
        try:
            text = Interpreter(spark).run(rel, lines)
        except ScriptError as e:
            print("FAILED %s: %s" % (rel, e))
            status = 1
            continue
        with open(os.path.splitext(path)[0] + ".expected", "w", encoding="utf-8") as f:
            f.write(text)
        print("wrote %s" % os.path.splitext(rel)[0] + ".expected")
    spark.stop()
    return status


if __name__ == "__main__":
    sys.exit(main())
