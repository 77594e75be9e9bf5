#!/bin/sh
# bench/spill.sh — operators that spill under a memory budget (issue 5):
#   groupby: GROUP BY over KEYS rows with KEYS distinct keys
#   join:    a PROBE-row table joined with a BUILD-row table (about 90% of
#            probe rows find one match; the build side does not fit)
#   sort:    ORDER BY of SORT rows (two bigint columns)
# each run by build/smelt under --memory-limit BUDGET, timed with
# /usr/bin/time (wall, user, sys, peak RSS), and its result compared with the
# same query run by DuckDB (pip package duckdb) on the same Parquet files.
#
#   bench/spill.sh                          # 2g; 50M keys, 100M x 40M join, sort skipped
#   bench/spill.sh --budget 400m --keys 10000000 --probe 20000000 --build 8000000 --sort 20000000
#   SPILL_EXPLAIN=1 bench/spill.sh ...      # also EXPLAIN ANALYZE each query (spill sizes)
#
# Data (Parquet written by DuckDB, row groups of 1M rows) is kept under
# $SMELT_BENCH_DIR/spill (default /tmp/smelt-bench/spill) and reused.
# Exit status 1 when a result differs from DuckDB's.
set -u
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build}
BUDGET=2g KEYS=50000000 PROBE=100000000 BUILDN=40000000 SORTN=0
while [ $# -gt 0 ]; do
  case "$1" in
    --budget) BUDGET=$2; shift 2 ;;
    --keys) KEYS=$2; shift 2 ;;
    --probe) PROBE=$2; shift 2 ;;
    --build) BUILDN=$2; shift 2 ;;
    --sort) SORTN=$2; shift 2 ;;
    *) echo "usage: bench/spill.sh [--budget SIZE] [--keys N] [--probe N] [--build N] [--sort N]" >&2; exit 2 ;;
  esac
done
DIR=${SMELT_BENCH_DIR:-/tmp/smelt-bench}/spill
mkdir -p "$DIR" || exit 2
[ -x "$BUILD/smelt" ] || { echo "build $BUILD/smelt first (make)" >&2; exit 2; }

GB="$DIR/gb-$KEYS.parquet" PR="$DIR/probe-$PROBE-$BUILDN.parquet" BU="$DIR/build-$BUILDN.parquet"
SO="$DIR/sort-$SORTN.parquet"
python3 - "$GB" "$KEYS" "$PR" "$PROBE" "$BU" "$BUILDN" "$SO" "$SORTN" <<'EOF' || exit 2
import os, sys, duckdb
gb, keys, pr, probe, bu, build, so, sortn = sys.argv[1:]
con = duckdb.connect()
con.execute("SET enable_progress_bar=false")
con.execute("SET threads=2")
con.execute("SET memory_limit='4GB'")
def gen(path, sql):
    if os.path.exists(path): return
    con.execute(f"COPY ({sql}) TO '{path}.tmp' (FORMAT parquet, ROW_GROUP_SIZE 1000000)")
    os.rename(path + ".tmp", path)
gen(gb, f"SELECT range AS id FROM range({keys})")
gen(pr, f"SELECT range AS id, (range * 7919) % {int(build)} AS k FROM range({probe})")
gen(bu, f"SELECT range AS k, range * 3 + 1 AS v FROM range({build}) WHERE range % 10 <> 3")
if int(sortn) > 0:
    gen(so, f"SELECT (range * 7919) % 1000003 AS a, range AS b FROM range({sortn})")
EOF

Q_GROUPBY="SELECT count(*), sum(c), sum(s), sum(k * (s % 1009)) FROM (SELECT (id * 7919) % $KEYS AS k, count(*) AS c, sum(id) AS s FROM T_GB GROUP BY (id * 7919) % $KEYS)"
Q_JOIN="SELECT count(*), sum(v), sum((id % 1009) * (v % 1013)) FROM T_PR a JOIN T_BU b ON a.k = b.k"
# the sort runs to completion under the budget; the summary is order-free (the
# order itself is checked by tests/unit/test_spill_ops.c)
Q_SORT="SELECT count(*), sum(a), sum(b % 1009) FROM (SELECT * FROM T_SO ORDER BY a DESC, b)"

smelt_sql() { # query with T_x replaced by parquet paths
  echo "$1" | sed "s|T_GB|parquet.\`$GB\`|; s|T_PR|parquet.\`$PR\`|; s|T_BU|parquet.\`$BU\`|; s|T_SO|parquet.\`$SO\`|"
}
duck_sql() {
  echo "$1" | sed "s|T_GB|read_parquet('$GB')|; s|T_PR|read_parquet('$PR')|; s|T_BU|read_parquet('$BU')|; s|T_SO|read_parquet('$SO')|"
}

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GB; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "smelt $(git rev-parse --short HEAD 2>/dev/null), budget $BUDGET"
status=0
run() { # name query
  name=$1 q=$2
  sq=$(smelt_sql "$q") dq=$(duck_sql "$q")
  t=$(mktemp)
  got=$(/usr/bin/time -f "%e s wall, %U s user, %S s sys, peak RSS %M KB" -o "$t" \
        "$BUILD/smelt" sql --memory-limit "$BUDGET" --format tsv "$sq" 2>&1)
  tm=$(cat "$t"); rm -f "$t"
  want=$(python3 -c "
import sys, duckdb
con = duckdb.connect(); con.execute('SET enable_progress_bar=false'); con.execute('SET threads=2'); con.execute(\"SET memory_limit='4GB'\")
print('\t'.join(str(v) for v in con.execute(sys.argv[1]).fetchone()))" "$dq")
  if [ "$got" = "$want" ]; then ok="equal to DuckDB"; else ok="DIFFERS from DuckDB ($want)"; status=1; fi
  printf '%-8s %s | %s | %s\n' "$name" "$tm" "$got" "$ok"
  if [ "${SPILL_EXPLAIN:-0}" = 1 ]; then
    "$BUILD/smelt" sql --memory-limit "$BUDGET" "EXPLAIN ANALYZE $sq" | grep -E "spilled=|^Total" | sed 's/^ */         /'
  fi
}
[ "$KEYS" -gt 0 ] && run groupby "$Q_GROUPBY"
[ "$PROBE" -gt 0 ] && run join "$Q_JOIN"
[ "$SORTN" -gt 0 ] && run sort "$Q_SORT"
exit $status
