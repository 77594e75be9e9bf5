#!/usr/bin/env python3
"""TPC-H queries with subqueries through smelt, checked against DuckDB.

    python3 tests/conformance/tpch_subquery.py [SMELT] [QUERY ...]

SMELT defaults to build/smelt; QUERY names like q2 (default: every query
with a subquery: q2 q4 q11 q15 q16 q17 q18 q20 q21 q22).  Generates TPC-H
SF0.01 as CSV into a temporary directory with tpchgen-cli, creates temporary
views over it in smelt (CREATE TEMPORARY VIEW .. USING csv, inferSchema) and
in DuckDB (read_csv), runs each query from ../shared/conformance/tpch/queries
in both and compares the rows (sorted, numbers to a relative 1e-6).  Prints
one PASS / FAIL line per query; SKIP (exit 0) without tpchgen-cli, duckdb
or the queries.
"""
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
QDIR = os.path.join(ROOT, '..', 'shared', 'conformance', 'tpch', 'queries')
TABLES = ['customer', 'lineitem', 'nation', 'orders', 'part', 'partsupp', 'region', 'supplier']
DEFAULT = ['q2', 'q4', 'q11', 'q15', 'q16', 'q17', 'q18', 'q20', 'q21', 'q22']


def skip(why):
    print('SKIP tpch_subquery: ' + why)
    sys.exit(0)


def norm(v):
    if v is None or v == 'NULL':
        return None
    if isinstance(v, (int, float)):
        return float(v)
    s = str(v)
    try:
        return float(s)
    except ValueError:
        return s


def same(a, b):
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if isinstance(x, float) and isinstance(y, float):
            if abs(x - y) > 1e-6 * max(1.0, abs(x), abs(y)):
                return False
        elif x != y:
            return False
    return True


def key(row):
    return tuple((0, '') if v is None else (1, v) if isinstance(v, float) else (2, v) for v in row)


def main():
    args = sys.argv[1:]
    smelt = args.pop(0) if args and not args[0].startswith('q') else os.path.join(ROOT, 'build', 'smelt')
    queries = args or DEFAULT
    if not shutil.which('tpchgen-cli'):
        skip('tpchgen-cli is not installed (pip install tpchgen-cli)')
    try:
        import duckdb
    except ImportError:
        skip('python duckdb is not installed')
    if not os.path.isdir(QDIR):
        skip(QDIR + ' is not on this machine')
    if not os.access(smelt, os.X_OK):
        print('FAIL tpch_subquery: %s is missing' % smelt)
        return 1
    tmp = tempfile.mkdtemp(prefix='smelt-tpch-')
    try:
        subprocess.run(['tpchgen-cli', 'csv', '-s', '0.01', '--output-dir=' + tmp], check=True,
                       stdout=subprocess.DEVNULL)
        con = duckdb.connect()
        views = ''
        for t in TABLES:
            path = os.path.join(tmp, t + '.csv')
            con.execute("CREATE VIEW %s AS SELECT * FROM read_csv('%s', header=true)" % (t, path))
            views += ("CREATE OR REPLACE TEMPORARY VIEW %s USING csv OPTIONS (path '%s', "
                      "header 'true', inferSchema 'true');\n" % (t, path))
        failed = 0
        for q in queries:
            with open(os.path.join(QDIR, q + '.sql')) as f:
                text = f.read().strip().rstrip(';')
            expected = sorted(([norm(v) for v in r] for r in con.execute(text).fetchall()), key=key)
            script = os.path.join(tmp, q + '.sql')
            with open(script, 'w') as f:
                f.write(views + text + ';\n')
            p = subprocess.run([smelt, 'sql', '--format', 'tsv', '--conf',
                                'spark.sql.ansi.enabled=false', '-f', script],
                               capture_output=True, text=True, timeout=600)
            if p.returncode != 0:
                print('FAIL %s: smelt failed: %s' % (q, p.stderr.strip()[:2000]))
                failed += 1
                continue
            lines = [l for l in p.stdout.split('\n') if l != '']
            got = sorted(([norm(v) for v in l.split('\t')] for l in lines), key=key)
            bad = len(got) != len(expected) or not all(same(a, b) for a, b in zip(got, expected))
            if bad:
                failed += 1
                print('FAIL %s: %d rows, DuckDB %d' % (q, len(got), len(expected)))
                for a, b in list(zip(got, expected))[:5]:
                    if not same(a, b):
                        print('  smelt  %s\n  duckdb %s' % (a, b))
            else:
                print('PASS %s (%d rows)' % (q, len(got)))
        return 1 if failed else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
