#!/usr/bin/env python3
"""TPC-H through `smelt sql`, checked against DuckDB on the same CSV files.

    bench/tpch/run.sh [DATA_DIR] [BUILD] [--queries 1,3,5] [--infer] [--timeout S] [--report SF]

DATA_DIR holds <table>.csv with a header (bench/tpch/gen.sh).  Every query of
../shared/conformance/tpch/queries runs in its own `smelt sql` process after
eight CREATE TEMPORARY VIEW ... USING csv statements (typed columns:
DECIMAL(15,2) money, DATE dates, BIGINT keys; --infer uses inferSchema
instead), timed end to end.  The same query runs in DuckDB (python duckdb)
over the same files with the same types, and the rows are compared: strings
exactly, numbers to a relative 1e-6 (or 0.01 absolute: Spark and DuckDB round
averages of decimals differently), in order (the queries all ORDER BY).
--timeout S stops a query after S seconds (default 600).
--report SF writes the table into docs/sql-conformance.md (tpch section).
"""
import datetime
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
QUERIES = os.path.join(ROOT, '..', 'shared', 'conformance', 'tpch', 'queries')

SCHEMAS = {
    'region': 'r_regionkey BIGINT, r_name STRING, r_comment STRING',
    'nation': 'n_nationkey BIGINT, n_name STRING, n_regionkey BIGINT, n_comment STRING',
    'supplier': 's_suppkey BIGINT, s_name STRING, s_address STRING, s_nationkey BIGINT, '
                's_phone STRING, s_acctbal DECIMAL(15,2), s_comment STRING',
    'customer': 'c_custkey BIGINT, c_name STRING, c_address STRING, c_nationkey BIGINT, '
                'c_phone STRING, c_acctbal DECIMAL(15,2), c_mktsegment STRING, c_comment STRING',
    'part': 'p_partkey BIGINT, p_name STRING, p_mfgr STRING, p_brand STRING, p_type STRING, '
            'p_size INT, p_container STRING, p_retailprice DECIMAL(15,2), p_comment STRING',
    'partsupp': 'ps_partkey BIGINT, ps_suppkey BIGINT, ps_availqty INT, '
                'ps_supplycost DECIMAL(15,2), ps_comment STRING',
    'orders': 'o_orderkey BIGINT, o_custkey BIGINT, o_orderstatus STRING, '
              'o_totalprice DECIMAL(15,2), o_orderdate DATE, o_orderpriority STRING, '
              'o_clerk STRING, o_shippriority INT, o_comment STRING',
    'lineitem': 'l_orderkey BIGINT, l_partkey BIGINT, l_suppkey BIGINT, l_linenumber INT, '
                'l_quantity DECIMAL(15,2), l_extendedprice DECIMAL(15,2), '
                'l_discount DECIMAL(15,2), l_tax DECIMAL(15,2), l_returnflag STRING, '
                'l_linestatus STRING, l_shipdate DATE, l_commitdate DATE, l_receiptdate DATE, '
                'l_shipinstruct STRING, l_shipmode STRING, l_comment STRING',
}


def setup_sql(data, infer):
    out = []
    for t, cols in SCHEMAS.items():
        path = os.path.abspath(os.path.join(data, t + '.csv'))
        if infer:
            out.append("CREATE TEMPORARY VIEW %s USING csv OPTIONS (path '%s', header 'true', "
                       "inferSchema 'true');" % (t, path))
        else:
            out.append("CREATE TEMPORARY VIEW %s (%s) USING csv OPTIONS (path '%s', "
                       "header 'true');" % (t, cols, path))
    return '\n'.join(out) + '\n'


def duck_type(t):
    return {'STRING': 'VARCHAR'}.get(t, t)


def duckdb_conn(data):
    import duckdb
    con = duckdb.connect()
    for t, cols in SCHEMAS.items():
        spec = ', '.join("'%s': '%s'" % (c.split()[0], duck_type(c.split(None, 1)[1]))
                         for c in re.split(r',\s*(?![^()]*\))', cols))
        con.execute("CREATE VIEW %s AS SELECT * FROM read_csv('%s', header=true, columns={%s})"
                    % (t, os.path.join(data, t + '.csv'), spec))
    return con


def cell(v):
    if v is None:
        return 'NULL'
    if isinstance(v, (datetime.date, datetime.datetime)):
        return v.isoformat(sep=' ') if isinstance(v, datetime.datetime) else v.isoformat()
    return str(v)


NUM = re.compile(r'^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$')


def same(a, b):
    if a == b:
        return True
    if NUM.match(a) and NUM.match(b):
        fa, fb = float(a), float(b)
        return abs(fa - fb) <= max(1e-6 * max(abs(fa), abs(fb)), 0.01)
    return False


def rows_same(exp, got):
    if len(exp) != len(got):
        return False
    for e, g in zip(exp, got):
        if len(e) != len(g) or not all(same(x, y) for x, y in zip(e, g)):
            return False
    return True


def main():
    args = sys.argv[1:]
    opts = {'--queries': None, '--report': None, '--timeout': '600'}
    infer = '--infer' in args
    args = [a for a in args if a != '--infer']
    pos = []
    i = 0
    while i < len(args):
        if args[i] in opts and i + 1 < len(args):
            opts[args[i]] = args[i + 1]
            i += 2
        else:
            pos.append(args[i])
            i += 1
    data = pos[0] if pos else os.path.join(ROOT, 'bench', 'data', 'tpch', 'sf1')
    build = pos[1] if len(pos) > 1 else os.path.join(ROOT, 'build')
    smelt = os.path.join(os.path.abspath(build), 'smelt')
    if not os.path.isfile(os.path.join(data, 'lineitem.csv')):
        sys.exit('no TPC-H data in %s: run bench/tpch/gen.sh first' % data)
    nums = ([int(x) for x in opts['--queries'].split(',')] if opts['--queries']
            else list(range(1, 23)))
    limit = int(opts['--timeout'])
    setup = setup_sql(data, infer)
    con = duckdb_conn(data)
    results = []
    for q in nums:
        with open(os.path.join(QUERIES, 'q%d.sql' % q)) as f:
            sql = f.read().strip().rstrip(';')
        t0 = time.time()
        try:
            p = subprocess.run([smelt, 'sql', '--format', 'tsv', '--last-only', '-f', '-'],
                               input=(setup + sql + ';\n').encode(), capture_output=True,
                               timeout=limit, cwd='/tmp')
            secs = time.time() - t0
            rc, out, err = p.returncode, p.stdout.decode('utf-8', 'replace'), \
                p.stderr.decode('utf-8', 'replace')
        except subprocess.TimeoutExpired:
            secs, rc, out, err = time.time() - t0, -1, '', 'timeout after %d s' % limit
        t1 = time.time()
        exp = [[cell(v) for v in r] for r in con.execute(sql).fetchall()]
        dsecs = time.time() - t1
        got = [l.split('\t') for l in out.split('\n') if l != ''] if rc == 0 else []
        if rc != 0:
            lines = [l for l in err.strip().split('\n') if l.strip()]
            status = 'error: ' + (lines[0][:150] if lines else 'exit %d' % rc)
        elif rows_same(exp, got):
            status = 'ok'
        elif rows_same(sorted(exp), sorted(got)):
            status = 'ok (rows in another order)'
        else:
            status = 'wrong: %d rows, expected %d' % (len(got), len(exp))
            if got and exp:
                status += '; first row %s vs %s' % ('|'.join(got[0])[:80], '|'.join(exp[0])[:80])
        results.append((q, status, secs, dsecs))
        print('q%-2d %-7s %7.2fs  (duckdb %.2fs)  %s' % (q, status.split(':')[0].split(' ')[0],
                                                       secs, dsecs, status), flush=True)
    ok = sum(1 for r in results if r[1].startswith('ok'))
    total_s = sum(r[2] for r in results if r[1].startswith('ok'))
    print('%d/%d queries give DuckDB\'s answers; %.1f s for those' % (ok, len(results), total_s))
    if opts['--report']:
        report(opts['--report'], results, ok, infer)


def report(sf, results, ok, infer):
    lines = ['<!-- tpch begin -->', '## TPC-H', '',
             'Measured %s with `bench/tpch/gen.sh %s && bench/tpch/run.sh bench/data/tpch/sf%s '
             'build --report %s`%s: scale factor %s, CSV with a header, typed temporary views, '
             'each query in its own `smelt sql` process (time includes start-up and reading the '
             'CSV files), results compared with DuckDB %s on the same files.'
             % (datetime.date.today().isoformat(), sf, sf, sf,
                ' (with --infer)' if infer else '', sf, __import__('duckdb').__version__),
             '', '**%d of %d queries give the same rows as DuckDB.**' % (ok, len(results)), '',
             '| query | status | smelt (s) | duckdb (s) |', '|---|---|---:|---:|']
    for q, status, secs, dsecs in results:
        lines.append('| q%d | %s | %.2f | %.2f |' % (q, status.replace('|', '\\|'), secs, dsecs))
    lines.append('<!-- tpch end -->')
    section = '\n'.join(lines)
    doc = os.path.join(ROOT, 'docs', 'sql-conformance.md')
    text = open(doc).read() if os.path.exists(doc) else '# SQL conformance\n'
    pat = re.compile(r'<!-- tpch begin -->.*?<!-- tpch end -->', re.S)
    text = pat.sub(lambda m: section, text) if pat.search(text) else \
        text.rstrip('\n') + '\n\n' + section + '\n'
    with open(doc, 'w') as f:
        f.write(text)
    print('wrote docs/sql-conformance.md')


if __name__ == '__main__':
    main()
