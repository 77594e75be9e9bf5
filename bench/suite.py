#!/usr/bin/env python3
"""smelt against its peers, side by side in one run (bench/run.sh runs this).

    bench/run.sh [--rows N] [--runs R] [--workloads a,b,...] [--peers a,b,...]
                 [--spark-runs R] [--sf SF] [--no-record]

Workloads (default all): ch9 (the chapter-9 job, examples/drivendata: CSV in,
CSV out), count (CSV scan + count(*)), groupby (GROUP BY unique_id, ~0.9 N
groups), join (day1 JOIN day2 on unique_id, N/2 rows each side), sort
(ORDER BY accessed_at, unique_id, all columns written), distinct (DISTINCT
person_name, email, phone), tpch (the 22 queries at scale factor SF, default 1,
through bench/tpch/run.py: smelt and DuckDB only, once each).
Peers (default all installed): smelt, duckdb, polars, datafusion, chdb,
pyspark, pysail.  A peer that cannot be imported is skipped with a note.

Input: N rows (default 10 000 000, about 1.2 GB) of the chapter-9 schema from
examples/drivendata/gen_data.py in $SMELT_BENCH_DIR/raw-N (default
/tmp/smelt-bench), generated once and reused; read from the page cache (the
files are read once before the first run).  Every engine reads the same files
with the same explicit schema (ch9 infers types, as the job does) and writes
CSV with a header (count prints its number).

Timing: smelt is timed as its CLI process (`smelt sql -f` / build/drivendata:
start-up included); each peer runs in a fresh Python process per run
(bench/peers.py) and is timed in-process, from just before its first read to
the end of its write, so its interpreter, imports and session start (JVM,
Spark Connect server) are not counted.  Runs are interleaved (run 1 of every
engine, then run 2, ...), R times (PySpark and pysail --spark-runs, default 1,
because local mode is slow); the table shows medians and peer/smelt ratios
(above 1: smelt is faster).  Each engine's output row count is compared with
smelt's; a differing count is marked "rows!".  The result is appended to
bench/RESULTS.md with the machine (CPU model, cores, RAM, load average
before the run) unless --no-record.
"""
import datetime
import glob
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'bench'))
import peers  # noqa: E402  (the shared SQL and schema)

ALL_WORK = ['ch9', 'count', 'groupby', 'join', 'sort', 'distinct', 'tpch']
ALL_PEERS = ['smelt', 'duckdb', 'polars', 'datafusion', 'chdb', 'pyspark', 'pysail']
MODULE = {'duckdb': 'duckdb', 'polars': 'polars', 'datafusion': 'datafusion', 'chdb': 'chdb',
          'pyspark': 'pyspark', 'pysail': 'pysail.spark'}


def parse_args(argv):
    o = {'rows': 10000000, 'runs': 3, 'workloads': ALL_WORK, 'peers': ALL_PEERS,
         'spark_runs': 1, 'sf': '1', 'record': True, 'timeout': 1800}
    i = 0
    while i < len(argv):
        a = argv[i]
        v = argv[i + 1] if i + 1 < len(argv) else None
        if a == '--no-record':
            o['record'] = False
            i += 1
            continue
        if v is None:
            sys.exit('bench/run.sh: %s needs a value' % a)
        if a == '--rows':
            o['rows'] = int(float(v))
        elif a == '--runs':
            o['runs'] = int(v)
        elif a == '--spark-runs':
            o['spark_runs'] = int(v)
        elif a == '--workloads':
            o['workloads'] = v.split(',')
        elif a == '--peers':
            o['peers'] = v.split(',')
        elif a == '--sf':
            o['sf'] = v
        elif a == '--timeout':
            o['timeout'] = int(v)
        else:
            sys.exit('bench/run.sh: unknown option %s (see bench/suite.py)' % a)
        i += 2
    bad = [w for w in o['workloads'] if w not in ALL_WORK] + \
          [p for p in o['peers'] if p not in ALL_PEERS]
    if bad:
        sys.exit('bench/run.sh: unknown workload or peer: %s' % ', '.join(bad))
    return o


def machine():
    model = 'unknown CPU'
    with open('/proc/cpuinfo') as f:
        for line in f:
            if line.startswith('model name'):
                model = line.split(':', 1)[1].strip()
                break
    with open('/proc/meminfo') as f:
        mem = int(f.readline().split()[1]) / 1024 / 1024
    with open('/proc/loadavg') as f:
        load = ' '.join(f.read().split()[:3])
    return '%s, %d cores, %.0f GiB RAM, Linux %s; load average before the run %s' % (
        model, os.cpu_count(), mem, platform.release(), load)


def version(peer):
    try:
        if peer == 'pysail':
            import importlib.metadata as md
            return md.version('pysail')
        mod = __import__(MODULE[peer].split('.')[0])
        return getattr(mod, '__version__', '?')
    except Exception:
        return None


def gen_data(rows, data_root):
    raw = os.path.join(data_root, 'raw-%d' % rows)
    if not os.path.exists(os.path.join(raw, '.complete')):
        print('generating %d rows into %s ...' % (rows, raw), flush=True)
        shutil.rmtree(raw, ignore_errors=True)
        os.makedirs(raw)
        subprocess.run([sys.executable, os.path.join(ROOT, 'examples/drivendata/gen_data.py'), raw,
                        '--rows', str(rows), '--seed', 'bench', '--jobs', str(os.cpu_count())],
                       check=True)
        open(os.path.join(raw, '.complete'), 'w').close()
    # Into the page cache, so every engine (and the first run) reads from memory.
    for f in glob.glob(os.path.join(raw, '*.csv')):
        with open(f, 'rb') as fh:
            while fh.read(1 << 24):
                pass
    return raw


def smelt_script(work, raw):
    day1, day2 = peers.files(raw)['day1'][0], peers.files(raw)['day2'][0]
    ddl = ', '.join('%s %s' % ct for ct in peers.COLS)
    views = ''.join("CREATE TEMPORARY VIEW %s (%s) USING csv OPTIONS (path '%s', header 'true');\n"
                    % (v, ddl, p) for v, p in (('raw', raw), ('day1', day1), ('day2', day2)))
    if work == 'count':
        return views + peers.QUERIES['count'] + ';\n'
    return views + ("INSERT OVERWRITE DIRECTORY '{out}' USING csv OPTIONS (header 'true') %s;\n"
                    % peers.QUERIES[work])


def run_smelt(build, work, raw, out, timeout):
    os.makedirs(out, exist_ok=True)
    if work == 'ch9':
        cmd, stdin = [os.path.join(build, 'drivendata'), raw, out + '/job'], None
    else:
        cmd = [os.path.join(build, 'smelt'), 'sql', '--format', 'tsv', '-f', '-']
        stdin = smelt_script(work, raw).replace('{out}', out + '/result')
    t0 = time.time()
    p = subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=timeout)
    secs = time.time() - t0
    if p.returncode != 0:
        raise RuntimeError((p.stderr.strip().splitlines() or ['exit %d' % p.returncode])[-1][:200])
    return secs, p.stdout.strip().splitlines()[-1] if work == 'count' else None


def run_peer(peer, work, raw, out, timeout):
    p = subprocess.run([sys.executable, os.path.join(ROOT, 'bench/peers.py'), peer, work, raw, out],
                       capture_output=True, text=True, timeout=timeout)
    lines = p.stdout.strip().splitlines()
    if p.returncode != 0 or not lines or not lines[-1].startswith('SECONDS '):
        err = (p.stderr.strip().splitlines() or ['exit %d' % p.returncode])[-1]
        raise RuntimeError(err[:200])
    return float(lines[-1].split()[1]), (lines[-2].strip() if work == 'count' and len(lines) > 1
                                         else None)


def out_rows(out):
    """Data rows in every CSV file under out (minus one header per file)."""
    n = 0
    for dirpath, _, names in os.walk(out):
        for name in names:
            if name.endswith('.csv'):
                with open(os.path.join(dirpath, name), 'rb') as f:
                    c = sum(buf.count(b'\n') for buf in iter(lambda: f.read(1 << 24), b''))
                n += max(c - 1, 0)
    return n


def run_tpch(o, build, notes):
    data = os.path.join(ROOT, 'bench', 'data', 'tpch', 'sf' + o['sf'])
    if not os.path.isfile(os.path.join(data, 'lineitem.csv')):
        subprocess.run(['sh', os.path.join(ROOT, 'bench/tpch/gen.sh'), o['sf'], data], check=True)
    p = subprocess.run([sys.executable, os.path.join(ROOT, 'bench/tpch/run.py'), data, build],
                       capture_output=True, text=True)
    print(p.stdout, end='', flush=True)
    ok = wrong = 0
    smelt_s = duck_s = 0.0
    worst = (0.0, '')
    per = []
    for line in p.stdout.splitlines():
        m = re.match(r'q(\d+)\s+(\S+)\s+([\d.]+)s\s+\(duckdb ([\d.]+)s\)', line)
        if not m:
            continue
        q, status, s, d = m.group(1), m.group(2), float(m.group(3)), float(m.group(4))
        per.append('q%s %.2f/%.2f%s' % (q, s, d, '' if status.startswith('ok') else ' ' + status))
        if status.startswith('ok'):
            ok += 1
            smelt_s += s
            duck_s += d
            if d > 0 and s / d > worst[0]:
                worst = (s / d, 'q' + q)
        else:
            wrong += 1
    notes.append('tpch: SF %s, 22 queries once each through bench/tpch/run.py (smelt: one `smelt '
                 'sql` process per query, start-up and CSV reads included; DuckDB: in-process, '
                 'same CSV files); %d ok, %d wrong or failed; totals over the ok queries; slowest '
                 'against DuckDB: %s at %.2fx DuckDB\'s time.' % (o['sf'], ok, wrong, worst[1],
                                                                   worst[0]))
    notes.append('tpch per query, smelt s / DuckDB s: ' + ', '.join(per))
    return smelt_s, duck_s


def main():
    o = parse_args(sys.argv[1:])
    build = os.path.abspath(os.environ.get('BUILD', os.path.join(ROOT, 'build')))
    data_root = os.environ.get('SMELT_BENCH_DIR', '/tmp/smelt-bench')
    notes = []
    engines = []
    for p in o['peers']:
        if p == 'smelt':
            continue
        v = version(p)
        if v is None:
            notes.append('%s skipped: `import %s` fails (pip install %s)' % (p, MODULE[p], p))
        else:
            engines.append((p, v))
    if not os.path.exists(os.path.join(build, 'smelt')):
        sys.exit('bench/run.sh: %s/smelt is not built; run make first' % build)
    rev = subprocess.run(['git', '-C', ROOT, 'rev-parse', '--short', 'HEAD'], capture_output=True,
                         text=True).stdout.strip()
    mach = machine()
    print('machine: %s' % mach)
    print('engines: smelt %s, %s' % (rev, ', '.join('%s %s' % e for e in engines)), flush=True)
    raw = gen_data(o['rows'], data_root) if any(w != 'tpch' for w in o['workloads']) else None
    out_root = os.path.join(data_root, 'out-suite-%d' % os.getpid())  # others use out/
    names = ['smelt'] + [e[0] for e in engines]
    results = {}   # (work, engine) -> list of seconds | error string
    rowsets = {}   # (work, engine) -> output rows
    for work in o['workloads']:
        if work == 'tpch':
            s, d = run_tpch(o, build, notes)
            results[(work, 'smelt')] = [s]
            if 'duckdb' in names:
                results[(work, 'duckdb')] = [d]
            continue
        for run in range(o['runs']):
            for eng in names:
                if eng in ('pyspark', 'pysail') and run >= o['spark_runs']:
                    continue
                prev = results.get((work, eng))
                if isinstance(prev, str):
                    continue  # failed before
                out = os.path.join(out_root, eng)
                shutil.rmtree(out_root, ignore_errors=True)
                try:
                    if eng == 'smelt':
                        secs, cnt = run_smelt(build, work, raw, out, o['timeout'])
                    else:
                        secs, cnt = run_peer(eng, work, raw, out, o['timeout'])
                    rowsets[(work, eng)] = int(cnt) if cnt is not None else out_rows(out)
                    results.setdefault((work, eng), []).append(secs)
                    print('%-9s %-11s run %d  %8.2f s  %d rows' % (work, eng, run + 1, secs,
                                                                 rowsets[(work, eng)]), flush=True)
                except Exception as e:  # noqa: BLE001  (reported in the table)
                    results[(work, eng)] = 'failed: %s' % e
                    print('%-9s %-11s run %d  FAILED %s' % (work, eng, run + 1, e), flush=True)
        shutil.rmtree(out_root, ignore_errors=True)

    # ---- the table --------------------------------------------------------------
    head = '| workload | smelt s | ' + ' | '.join('%s s (%s/smelt)' % (e, e) for e in names[1:]) + ' |'
    lines = [head, '|' + '---|' * len(names) + '---|'[:0]]
    lines[1] = '|---|' + '---:|' * len(names)
    for work in o['workloads']:
        sm = results.get((work, 'smelt'))
        sm_med = statistics.median(sm) if isinstance(sm, list) and sm else None
        cells = ['%.2f' % sm_med if sm_med is not None else (sm or '—')]
        for e in names[1:]:
            r = results.get((work, e))
            if r is None:
                cells.append('—')
            elif isinstance(r, str):
                cells.append(r.replace('|', '/')[:80])
            else:
                med = statistics.median(r)
                c = '%.2f' % med
                if sm_med:
                    c += ' (%.2f)' % (med / sm_med)
                if work != 'tpch' and rowsets.get((work, e)) != rowsets.get((work, 'smelt')):
                    c += ' rows! %s vs %s' % (rowsets.get((work, e)), rowsets.get((work, 'smelt')))
                cells.append(c)
        lines.append('| %s | %s |' % (work, ' | '.join(cells)))
    if 'pyspark' in names or 'pysail' in names:
        notes.append('PySpark and pysail: median of %d run(s) (local mode is slow), local[%d]; '
                     'others: median of %d' % (o['spark_runs'], os.cpu_count(), o['runs']))
    notes.append('smelt timed as its CLI process (start-up included); peers timed in-process '
                 '(bench/peers.py: no interpreter, import or session start)')
    table = '\n'.join(lines)
    print()
    print(table)
    for n in notes:
        print('note: ' + n)
    if o['record']:
        stamp = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')
        cmd = 'bench/run.sh ' + ' '.join(sys.argv[1:])
        size = ', '.join(([('%d rows' % o['rows'])] if raw else []) +
                         (['TPC-H SF %s' % o['sf']] if 'tpch' in o['workloads'] else []))
        sec = ['', '## `%s` — %s, smelt %s, %s' % (cmd.strip(), stamp, rev, size), '',
               'Machine: %s.  Engines: %s.' % (mach, ', '.join('%s %s' % e for e in engines)), '',
               table, ''] + ['- ' + n for n in notes]
        with open(os.path.join(ROOT, 'bench', 'RESULTS.md'), 'a') as f:
            f.write('\n'.join(sec) + '\n')
        print('appended to bench/RESULTS.md')


if __name__ == '__main__':
    main()
