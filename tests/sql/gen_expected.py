#!/usr/bin/env python3
"""Writes the expected results of smelt's SQL golden tests with PySpark.

    python3 tests/sql/gen_expected.py [FILE.sql | DIR ...]     (default: tests/sql)

Each tests/sql/**/X.sql (statements separated by ';') runs through PySpark 3.5
(local[1], spark.sql.ansi.enabled=false, session time zone UTC, a temporary
warehouse), statement by statement in one session, and X.sql.out is written in
the format of Apache Spark's SQLQueryTestSuite golden files
(../shared/conformance/spark-sql-tests), so ../shared/conformance/run_spark_golden.py
can compare smelt with it:

    -- !query
    <statement>
    -- !query schema
    struct<name:type,...>            (StructType.catalogString; struct<> for commands, errors)
    -- !query output
    <rows: TAB-separated, NULL for null, Hive-style values as spark-sql prints them>

Rows are sorted as strings unless the statement has a top-level ORDER BY (the
runner's own heuristic for Spark's isSemanticallySorted).  An error gives the
Java exception class, then the message in Spark's MINIMAL JSON form
(errorClass, sqlState, messageParameters, queryContext), as SQLQueryTestHelper
writes it.

File conventions (as Spark's own inputs): lines starting with "--" outside a
statement are comments; "--SET key=value[,key=value]" lines set session
options for that file only.  Paths in statements are relative to the
repository root (the script runs from there; smelt's runner too).
"""
import json
import os
import re
import shutil
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, '..', 'shared', 'conformance'))
try:
    from run_spark_golden import has_top_level_order_by
except ImportError:  # the runner's heuristic, copied for machines without ../shared
    def has_top_level_order_by(sql):
        s = re.sub(r"'(?:\\.|[^'\\])*'", "''", sql)
        s = re.sub(r'"(?:\\.|[^"\\])*"', '""', s)
        s = re.sub(r'`[^`]*`', '``', s)
        depth = 0
        for m in re.finditer(r'\(|\)|\border\s+by\b', s, re.I):
            t = m.group(0)
            if t == '(':
                depth += 1
            elif t == ')':
                depth -= 1
            elif depth == 0:
                return True
        return False


def split_statements(text):
    """The splitter of smelt's CLI (src/cli/output.c): ';' outside strings,
    backquotes and comments.  Comment-only lines are dropped from each statement
    (as SQLQueryTestSuite drops them); blank statements are skipped."""
    out, start, i, n = [], 0, 0, len(text)
    while i < n:
        c = text[i]
        if c in '\'"':
            i += 1
            while i < n and text[i] != c:
                i += 2 if text[i] == '\\' else 1
            i += 1
        elif c == '`':
            i += 1
            while i < n:
                if text[i] == '`':
                    if i + 1 < n and text[i + 1] == '`':
                        i += 2
                        continue
                    break
                i += 1
            i += 1
        elif text.startswith('--', i):
            j = text.find('\n', i)
            i = n if j < 0 else j + 1
        elif text.startswith('/*', i):
            depth, i = 1, i + 2
            while i < n and depth:
                if text.startswith('/*', i):
                    depth, i = depth + 1, i + 2
                elif text.startswith('*/', i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
        elif c == ';':
            out.append(text[start:i])
            i += 1
            start = i
        else:
            i += 1
    out.append(text[start:])
    stmts = []
    for s in out:
        lines = [l for l in s.split('\n') if not l.strip().startswith('--')]
        s = '\n'.join(lines).strip()
        if s:
            stmts.append(s)
    return stmts


def file_settings(text):
    conf = {}
    for line in text.split('\n'):
        m = re.match(r'^--SET\s+(.*)$', line.strip())
        if m:
            for kv in m.group(1).split(','):
                k, _, v = kv.partition('=')
                conf[k.strip()] = v.strip()
    return conf


class Runner:
    BASE_CONF = {'spark.sql.ansi.enabled': 'false', 'spark.sql.session.timeZone': 'UTC'}

    def __init__(self):
        from pyspark.sql import SparkSession
        self.tmp = tempfile.mkdtemp(prefix='smelt-gen-')
        b = (SparkSession.builder.master('local[1]').appName('smelt-gen-expected')
             .config('spark.sql.warehouse.dir', os.path.join(self.tmp, 'warehouse'))
             .config('spark.ui.enabled', 'false')
             .config('spark.sql.shuffle.partitions', '4'))
        for k, v in self.BASE_CONF.items():
            b = b.config(k, v)
        self.spark = b.getOrCreate()
        self.spark.sparkContext.setLogLevel('ERROR')
        self.jvm = self.spark._jvm

    def reset(self, conf):
        """A clean session state per file: base settings, no views or tables."""
        s = self.spark
        for row in s.sql('SHOW TABLES').collect():
            if row['isTemporary']:
                s.catalog.dropTempView(row['tableName'])
            else:
                s.sql('DROP TABLE IF EXISTS `%s`' % row['tableName'])
        for row in s.sql('SHOW DATABASES').collect():
            if row[0] != 'default':
                s.sql('DROP DATABASE IF EXISTS `%s` CASCADE' % row[0])
        s.sql('USE default')
        s.sql('RESET')
        for k, v in dict(self.BASE_CONF, **conf).items():
            s.conf.set(k, v)

    def error_text(self, e):
        jvm = self.jvm
        je = getattr(e, '_origin', None) or getattr(e, 'java_exception', None)
        if je is None:
            return 'java.lang.Exception', str(e)
        fmt = jvm.org.apache.spark.ErrorMessageFormat.MINIMAL()
        helper = jvm.org.apache.spark.SparkThrowableHelper

        def with_class(t):
            try:
                return t.getErrorClass() is not None
            except Exception:
                return False

        if with_class(je):
            return je.getClass().getName(), helper.getMessage(je, fmt)
        name = je.getClass().getName()
        if name == 'org.apache.spark.sql.AnalysisException':
            return name, re.sub(r'#\d+', '#x', je.getSimpleMessage())
        cause = je.getCause()
        if name == 'org.apache.spark.SparkException' and cause is not None:
            if with_class(cause):
                return cause.getClass().getName(), helper.getMessage(cause, fmt)
            return cause.getClass().getName(), cause.getMessage()
        return name, je.getMessage()

    def run(self, stmt):
        try:
            df = self.spark.sql(stmt)
            schema = df._jdf.schema().catalogString()
            plan = df._jdf.queryExecution().executedPlan()
            seq = self.jvm.org.apache.spark.sql.execution.HiveResult.hiveResultString(plan)
            rows = list(self.jvm.scala.collection.JavaConverters.seqAsJavaList(seq))
            if not has_top_level_order_by(stmt):
                rows.sort()
            return schema, '\n'.join(rows)
        except Exception as e:  # noqa: BLE001 — every failure is a golden error record
            cls, msg = self.error_text(e)
            return 'struct<>', cls + '\n' + msg


def generate(runner, path):
    with open(path, encoding='utf-8') as f:
        text = f.read()
    runner.reset(file_settings(text))
    blocks = []
    for stmt in split_statements(text):
        schema, output = runner.run(stmt)
        blocks.append('-- !query\n%s\n-- !query schema\n%s\n-- !query output\n%s'
                      % (stmt, schema, output))
    out = path + '.out'
    with open(out, 'w', encoding='utf-8') as f:
        f.write('-- Automatically generated by tests/sql/gen_expected.py (PySpark %s)\n'
                % runner.spark.version)
        f.write('\n\n\n'.join(blocks) + '\n')
    print('wrote %s (%d statements)' % (os.path.relpath(out, ROOT), len(blocks)))


def hand_written(path):
    """Files whose expected output is written by hand (features PySpark 3.5
    lacks, e.g. Spark 4.1's TIME type) start with this comment."""
    with open(path) as f:
        return f.readline().startswith('-- hand-written expected output')


def main():
    os.chdir(ROOT)
    args = sys.argv[1:] or ['tests/sql']
    files = []
    for a in args:
        if os.path.isdir(a):
            for root, dirs, names in os.walk(a):
                dirs.sort()
                files += [os.path.join(root, n) for n in sorted(names) if n.endswith('.sql')
                          and not hand_written(os.path.join(root, n))]
        else:
            files.append(a)
    if not files:
        sys.exit('no .sql files under %s' % ' '.join(args))
    runner = Runner()
    try:
        for p in files:
            generate(runner, p)
    finally:
        runner.spark.stop()
        shutil.rmtree(runner.tmp, ignore_errors=True)


if __name__ == '__main__':
    main()
