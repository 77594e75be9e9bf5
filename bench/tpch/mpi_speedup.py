#!/usr/bin/env python3
"""TPC-H on 1 rank x 1 thread vs N ranks x 1 thread, and each query's exchange volume.

    bench/tpch/mpi_speedup.py [--data DIR] [--build DIR] [--queries 1,3,5] [--runs 3]
                              [--ranks 2] [--spin] [--session]

Every query runs in its own `smelt sql --format tsv --last-only -f FILE` process (FILE: the
eight CREATE TEMPORARY VIEW statements of bench/tpch/run.py, then the query) with
SMELT_THREADS=1, once on one process and once with `--ranks N`, `--runs` times each; the
table gives medians of wall seconds and of CPU seconds (user + sys of every process, the
ranks and mpirun included; ranks waiting in a collective yield their core rather than spin,
OMPI_MCA_mpi_yield_when_idle=1, unless --spin), the wall speed-up, and whether the outputs are
identical.

--session runs every query of the list in one `smelt sql --time` process instead (the eight
views, then the queries one after another; once on one process, once with `--ranks N`), the
way a Spark or Glue session runs a job's statements on executors already started: each
query's time is the "Time taken" smelt prints after it (rank 0's clock, from the statement's
start to its last row), so starting mpirun and the ranks is paid once per run, not per
query.  CPU is then given for the whole run only.  Both modes are reported in docs/mpi.md.

Exchange volume: the N-rank run has SMELT_EXCHANGE_TRACE=1; "moved" is the sum over ranks
and exchanges of the bytes a rank sent to *other* ranks (rows a rank keeps are not moved),
analysis-time exchanges (join-order samples, scalar subqueries) included.  "input" is the
bytes of the columns the query reads: for every table the query names, its rows times the
in-memory width of each column the query text mentions (8 for BIGINT, 4 for INT and DATE,
16 for DECIMAL, 4 + the average length for STRING), as smelt holds them after column
pruning.  A query must at most move that (its inputs, once); moved / input is the ratio the
issue bounds by 1.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run  # noqa: E402  (SCHEMAS, setup_sql, QUERIES)

ROOT = os.path.dirname(os.path.dirname(HERE))
WIDTH = {'BIGINT': 8, 'INT': 4, 'DATE': 4}


def columns(table):
    out = []
    for c in re.split(r',\s*(?![^()]*\))', run.SCHEMAS[table]):
        name, typ = c.split(None, 1)
        out.append((name, typ))
    return out


def column_bytes(smelt, data, cache):
    """{column: bytes} for every column of every table (cached in `cache`)."""
    if os.path.exists(cache):
        with open(cache) as f:
            return json.load(f)
    setup = run.setup_sql(data, False)
    res = {}
    for t in run.SCHEMAS:
        cols = columns(t)
        sel = ['count(*)'] + ['sum(length(%s))' % n for n, ty in cols if ty == 'STRING']
        q = setup + 'SELECT %s FROM %s;\n' % (', '.join(sel), t)
        out = subprocess.run([smelt, 'sql', '--format', 'tsv', '--last-only', '-f', '-'], input=q,
                             capture_output=True, text=True, check=True).stdout.split('\n')
        vals = [int(v) for v in out[-2].split('\t')] if out[-1] == '' else \
            [int(v) for v in out[-1].split('\t')]
        rows, k = vals[0], 1
        for n, ty in cols:
            if ty == 'STRING':
                res[n] = 4 * rows + vals[k]
                k += 1
            else:
                res[n] = rows * (16 if ty.startswith('DECIMAL') else WIDTH[ty])
    with open(cache, 'w') as f:
        json.dump(res, f)
    return res


def input_bytes(query, colbytes):
    words = set(re.findall(r'\b[a-z]+_[a-z]+\b', query.lower()))
    return sum(b for c, b in colbytes.items() if c in words)


def timed(cmd, env):
    t0 = time.time()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = p.communicate()
    wall = time.time() - t0
    return wall, out, err, p.returncode


def run_one(cmd, env):
    import resource
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall, out, err, rc = timed(cmd, env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, out, err, rc


def moved_bytes(err):
    total = 0
    for m in re.finditer(r'smelt exchange: .* \((\d+) to other ranks', err):
        total += int(m.group(1))
    return total


def session_times(err):
    """[(seconds, stderr text of that statement)] for each statement, in order."""
    out, start = [], 0
    for m in re.finditer(r'Time taken: ([0-9.]+) seconds[^\n]*\n', err):
        out.append((float(m.group(1)), err[start:m.start()]))
        start = m.end()
    return out


def main_session(a, smelt, setup, env, yield_env, colbytes, tmp):
    qs = [int(x) for x in a.queries.split(',')]
    texts = [open(os.path.join(run.QUERIES, 'q%d.sql' % q)).read() for q in qs]
    path = os.path.join(tmp, 'session.sql')
    with open(path, 'w') as f:
        f.write(setup + ''.join(t.rstrip().rstrip(';') + ';\n' for t in texts))
    base = [smelt, 'sql', '--time', '--format', 'tsv', '-f', path]
    nviews = setup.count(';')
    t1, tn, w1, wn, c1, cn, moved, same = [], [], [], [], [], [], None, True
    for _ in range(a.runs):
        w, c, out1, err1, rc1 = run_one(base, env)
        if rc1 != 0:
            print('one rank failed: %s' % err1[-500:], file=sys.stderr)
        w1.append(w)
        c1.append(c)
        t1.append([x[0] for x in session_times(err1)[nviews:]])
        w, c, outn, errn, rcn = run_one(base[:2] + ['--ranks', str(a.ranks)] + base[2:],
                                        dict(env, SMELT_EXCHANGE_TRACE='1', **yield_env))
        if rcn != 0:
            print('%d ranks failed: %s' % (a.ranks, errn[-500:]), file=sys.stderr)
        wn.append(w)
        cn.append(c)
        st = session_times(errn)[nviews:]
        tn.append([x[0] for x in st])
        moved = [moved_bytes(x[1]) for x in st]
        same = same and rc1 == 0 and rcn == 0 and out1 == outn
    print('| query | 1 rank | %d ranks | speed-up | moved MB | input MB | moved / input |' % a.ranks)
    print('|---|---:|---:|---:|---:|---:|---:|')
    tot1 = totn = 0.0
    ratios = []
    for i, q in enumerate(qs):
        m1 = statistics.median(r[i] for r in t1)
        mn = statistics.median(r[i] for r in tn)
        inp = input_bytes(texts[i], colbytes)
        tot1 += m1
        totn += mn
        ratios.append(m1 / mn if mn else 0)
        print('| q%d | %.2f s | %.2f s | %.2f | %.1f | %.1f | %.2f |' % (
            q, m1, mn, ratios[-1], moved[i] / 1e6, inp / 1e6, moved[i] / inp if inp else 0),
            flush=True)
    print('\nsession of %d queries, medians of %d runs: sum of query times %.1f s vs %.1f s '
          '(speed-up %.2f); geometric mean speed-up %.2f; whole process wall %.1f s vs %.1f s '
          '(%.2f), CPU %.1f s vs %.1f s; outputs %s' % (
              len(qs), a.runs, tot1, totn, tot1 / totn if totn else 0,
              statistics.geometric_mean([r for r in ratios if r]) if ratios else 0,
              statistics.median(w1), statistics.median(wn),
              statistics.median(w1) / statistics.median(wn), statistics.median(c1),
              statistics.median(cn), 'identical' if same else 'DIFFERENT'))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default=os.path.join(ROOT, 'bench', 'data', 'tpch', 'sf1'))
    ap.add_argument('--build', default=os.path.join(ROOT, 'build'))
    ap.add_argument('--queries', default=','.join(str(i) for i in range(1, 23)))
    ap.add_argument('--runs', type=int, default=3)
    ap.add_argument('--ranks', type=int, default=2)
    ap.add_argument('--spin', action='store_true')
    ap.add_argument('--session', action='store_true')
    a = ap.parse_args()
    smelt = os.path.abspath(os.path.join(a.build, 'smelt'))
    tmp = os.path.join(os.environ.get('TMPDIR', '/tmp'), 'smelt-mpi-speedup')
    os.makedirs(tmp, exist_ok=True)
    colbytes = column_bytes(smelt, a.data, os.path.join(tmp, 'colbytes-%s.json' % os.path.basename(
        os.path.normpath(a.data))))
    setup = run.setup_sql(a.data, False)
    env = dict(os.environ, SMELT_THREADS='1')
    # a rank waiting in a collective yields its core instead of spinning (Open MPI spins by
    # default), so the CPU column counts work, not waiting; --spin keeps the default
    yield_env = {} if a.spin else {'OMPI_MCA_mpi_yield_when_idle': '1'}
    if a.session:
        return main_session(a, smelt, setup, env, yield_env, colbytes, tmp)
    rows = []
    print('| query | 1 rank wall | %d ranks wall | speed-up | 1 rank CPU | %d ranks CPU | moved MB | '
          'input MB | moved / input | same rows |' % (a.ranks, a.ranks))
    print('|---|---:|---:|---:|---:|---:|---:|---:|---:|---|')
    for q in [int(x) for x in a.queries.split(',')]:
        text = open(os.path.join(run.QUERIES, 'q%d.sql' % q)).read()
        path = os.path.join(tmp, 'q%d.sql' % q)
        with open(path, 'w') as f:
            f.write(setup + text)
        base = [smelt, 'sql', '--format', 'tsv', '--last-only', '-f', path]
        r1, rn, moved, same = [], [], None, True
        for _ in range(a.runs):
            w, c, out1, err, rc = run_one(base, env)
            r1.append((w, c))
            if rc != 0:
                print('q%d failed on one rank: %s' % (q, err[-500:]), file=sys.stderr)
            w, c, outn, err, rc = run_one(base[:2] + ['--ranks', str(a.ranks)] + base[2:],
                                          dict(env, SMELT_EXCHANGE_TRACE='1', **yield_env))
            rn.append((w, c))
            moved = moved_bytes(err)
            same = same and rc == 0 and out1 == outn
        inp = input_bytes(text, colbytes)
        w1 = statistics.median(x[0] for x in r1)
        wn = statistics.median(x[0] for x in rn)
        c1 = statistics.median(x[1] for x in r1)
        cn = statistics.median(x[1] for x in rn)
        print('| q%d | %.2f s | %.2f s | %.2f | %.2f s | %.2f s | %.1f | %.1f | %.2f | %s |' % (
            q, w1, wn, w1 / wn if wn else 0, c1, cn, moved / 1e6, inp / 1e6,
            moved / inp if inp else 0, 'yes' if same else 'NO'), flush=True)
        rows.append((q, w1, wn, c1, cn, moved, inp, same))
    g = statistics.geometric_mean([r[1] / r[2] for r in rows if r[2]]) if rows else 0
    print('\ngeometric mean speed-up (wall): %.2f; total wall %.1f s vs %.1f s; total CPU %.1f s vs '
          '%.1f s' % (g, sum(r[1] for r in rows), sum(r[2] for r in rows), sum(r[3] for r in rows),
                      sum(r[4] for r in rows)))


if __name__ == '__main__':
    main()
