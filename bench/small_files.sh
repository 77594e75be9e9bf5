#!/bin/bash
# Many small files: smelt against DuckDB counting the rows of N small CSV files.
#
#   bench/small_files.sh [N] [RUNS]        (defaults: 100000 files, 3 runs each)
#
# 1. Generates N CSV files of 10 rows each (header id,name,amount) in
#    $SMELT_BENCH_DIR/small-N (default /tmp/smelt-bench), once; reused while N
#    is the same.
# 2. Runs, alternately, RUNS times each:
#      smelt:  SELECT count(*), sum(amount) FROM a view over the directory
#              (header, inferSchema: every file is read twice, as Spark does)
#      DuckDB: SELECT count(*), sum(amount) FROM read_csv('dir/*.csv')
# 3. Prints each run's wall time, the medians and the ratio smelt / DuckDB.
# A benchmark, not a test: the numbers depend on the machine and its caches.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${1:-100000}
RUNS=${2:-3}
BUILD=${BUILD:-build}
DATA_ROOT=${SMELT_BENCH_DIR:-/tmp/smelt-bench}
DIR=$DATA_ROOT/small-$N

die() { echo "bench/small_files.sh: $*" >&2; exit 1; }
[ -x "$BUILD/smelt" ] || die "$BUILD/smelt is not built; run make first"
python3 -c 'import duckdb' 2>/dev/null || die "python3 duckdb is missing: pip install duckdb"

if [ ! -f "$DIR/.done" ]; then
  echo "generating $N files in $DIR ..."
  rm -rf "$DIR"; mkdir -p "$DIR"
  python3 - "$DIR" "$N" <<'PY'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    with open(os.path.join(d, "part-%06d.csv" % i), "w") as f:
        f.write("id,name,amount\n")
        for k in range(10):
            r = i * 10 + k
            f.write("%d,name%d,%d.%02d\n" % (r, r % 97, r % 1000, r % 100))
PY
  touch "$DIR/.done"
fi

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

smelt_sql="CREATE TEMPORARY VIEW t USING csv OPTIONS (path '$DIR', header 'true', inferSchema 'true');
SELECT count(*), sum(amount) FROM t;"
duck_py="import duckdb; c = duckdb.connect(); c.execute('SET enable_progress_bar=false'); print(c.sql(\"SELECT count(*), sum(amount) FROM read_csv('$DIR/*.csv')\").fetchall())"

s_times=(); d_times=()
for r in $(seq 1 "$RUNS"); do
  t0=$(now); s_out=$(echo "$smelt_sql" | "$BUILD/smelt" sql --format tsv -f - | tail -1); t1=$(now)
  s_times+=("$(echo "$t1 - $t0" | bc)")
  t0=$(now); d_out=$(python3 -c "$duck_py"); t1=$(now)
  d_times+=("$(echo "$t1 - $t0" | bc)")
  echo "run $r: smelt ${s_times[-1]} s ($s_out)   duckdb ${d_times[-1]} s ($d_out)"
done
sm=$(printf '%s\n' "${s_times[@]}" | median)
dm=$(printf '%s\n' "${d_times[@]}" | median)
echo "files: $N   median smelt: $sm s   median duckdb: $dm s   smelt/duckdb: $(echo "scale=2; $sm / $dm" | bc)"
