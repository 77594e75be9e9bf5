#!/bin/bash
# The DrivenData job, smelt against DuckDB, in one run.
#
#   bench/drivendata.sh [ROWS] [RUNS]        (defaults: 10000000 rows, 3 runs each)
#
# 1. Generates ROWS rows of the seed's schema (two daily batch files; about
#    1.2 GB for 10 million rows) with examples/drivendata/gen_data.py, once:
#    the data is kept in $SMELT_BENCH_DIR (default /tmp/smelt-bench) and
#    reused while ROWS is the same.
# 2. Runs build/drivendata and the same job in DuckDB (Python package duckdb,
#    SQL below) alternately, RUNS times each, each into a fresh output dir.
# 3. Prints each run's wall time, the medians and the ratio DuckDB / smelt
#    (above 1: smelt is faster), and for smelt the CPU use: "Percent of CPU"
#    from /usr/bin/time -v and each core's busy share from /proc/stat.
#
# Both engines do the same work: read every CSV with header and type
# inference, fill missing emails and phones, cast, drop duplicate unique_ids,
# filter, add three columns (one with a regex), write the filtered rows and a
# per-person aggregate as CSV.  Neither caches the filtered rows between the
# two writes (DuckDB's are views), so both read the input twice.
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${1:-10000000}
RUNS=${2:-3}
BUILD=${BUILD:-build}
DATA_ROOT=${SMELT_BENCH_DIR:-/tmp/smelt-bench}
RAW=$DATA_ROOT/raw-$ROWS
OUT=$DATA_ROOT/out
NCPU=$(nproc)

die() { echo "bench/drivendata.sh: $*" >&2; exit 1; }
[ -x "$BUILD/drivendata" ] || die "$BUILD/drivendata is not built; run make first"
python3 -c 'import duckdb' 2>/dev/null || die "python3 duckdb is missing: pip install duckdb"

# ---- timing helpers -------------------------------------------------------------
cpu_snapshot() { grep '^cpu[0-9]' /proc/stat; }
# Per-core busy % between two snapshots (user+nice+system+irq+softirq+steal over total).
cpu_busy() {
  paste -d' ' <(echo "$1") <(echo "$2") | awk '{
    n = (NF / 2); b1 = $2+$3+$4+$7+$8+$9; t1 = b1+$5+$6;
    b2 = $(n+2)+$(n+3)+$(n+4)+$(n+7)+$(n+8)+$(n+9); t2 = b2+$(n+5)+$(n+6);
    printf "%s %.0f%%  ", $1, (t2 > t1) ? 100 * (b2 - b1) / (t2 - t1) : 0 }'
}
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }
median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
now() { date +%s.%N; }

# ---- data -------------------------------------------------------------------
if [ ! -f "$RAW/.complete" ]; then
  echo "generating $ROWS rows into $RAW ($NCPU processes)..."
  rm -rf "$RAW"; mkdir -p "$RAW"
  t0=$(date +%s.%N)
  python3 examples/drivendata/gen_data.py "$RAW" --rows "$ROWS" --seed bench --jobs "$NCPU"
  touch "$RAW/.complete"
  echo "generated in $(sub "$(now)" "$t0") s"
fi
echo "input: $(du -sh "$RAW" | cut -f1) in $(ls "$RAW"/*.csv | wc -l) files, $ROWS rows; $NCPU cores"

# ---- the job in DuckDB ---------------------------------------------------------
DUCK_PY=$DATA_ROOT/drivendata_duckdb.py
cat > "$DUCK_PY" <<'PY'
import glob, os, sys, duckdb
raw, out = sys.argv[1], sys.argv[2]
files = sorted(glob.glob(os.path.join(raw, "*.csv")))
con = duckdb.connect()
con.execute("SET preserve_insertion_order = false")
con.execute(f"""
CREATE VIEW raw AS SELECT * FROM read_csv({files!r}, header = true, auto_detect = true);
CREATE VIEW df AS
  SELECT * REPLACE (
           coalesce(email, 'unknown@example.com') AS email,
           coalesce(phone, '000-000-0000') AS phone,
           TRY_CAST(birth_date AS DATE) AS birth_date,
           TRY_CAST(session_duration AS INTEGER) AS session_duration)
  FROM raw;
CREATE VIEW dedup AS SELECT DISTINCT ON (unique_id) * FROM df;
CREATE VIEW filtered AS
  SELECT *,
         download_speed + upload_speed AS total_bandwidth,
         CASE WHEN session_duration > 120 THEN 'active'
              WHEN session_duration BETWEEN 30 AND 120 THEN 'moderate'
              ELSE 'less_active' END AS activity_level,
         regexp_replace(email, '(\\w{{3}})\\w+@(\\w+)', '\\1***@\\2', 'g') AS masked_email
  FROM dedup
  WHERE session_duration > 30 AND CAST(accessed_at AS DATE) > DATE '2024-01-01';
""")
con.execute(f"COPY filtered TO '{out}/filtered' (FORMAT CSV, HEADER, PER_THREAD_OUTPUT)")
con.execute(f"""COPY (SELECT person_name,
                             sum(consumed_traffic) AS "sum(consumed_traffic)",
                             avg(session_duration) AS "avg(session_duration)"
                      FROM filtered GROUP BY person_name)
                TO '{out}/grouped' (FORMAT CSV, HEADER, PER_THREAD_OUTPUT)""")
PY

have_time=0; [ -x /usr/bin/time ] && have_time=1
smelt_times=(); duck_times=()
for i in $(seq 1 "$RUNS"); do
  # smelt
  rm -rf "$OUT"; mkdir -p "$OUT"
  s1=$(cpu_snapshot); t0=$(now)
  if [ $have_time = 1 ]; then
    /usr/bin/time -v -o "$DATA_ROOT/time.txt" "$BUILD/drivendata" "$RAW" "$OUT/smelt" 2>/dev/null \
      || die "smelt run failed: $("$BUILD/drivendata" "$RAW" "$OUT/smelt" 2>&1 | tail -3)"
  else
    "$BUILD/drivendata" "$RAW" "$OUT/smelt" 2>/dev/null || die "smelt run failed"
  fi
  t=$(sub "$(now)" "$t0"); s2=$(cpu_snapshot)
  smelt_times+=("$t")
  pct=""; [ $have_time = 1 ] && pct="CPU $(grep 'Percent of CPU' "$DATA_ROOT/time.txt" | awk '{print $NF}'), max RSS $(($(grep 'Maximum resident' "$DATA_ROOT/time.txt" | awk '{print $NF}') / 1024)) MB; "
  printf 'run %d  smelt  %7.2f s   %s%s\n' "$i" "$t" "$pct" "$(cpu_busy "$s1" "$s2")"

  # DuckDB
  rm -rf "$OUT"; mkdir -p "$OUT/duckdb"
  t0=$(now)
  python3 "$DUCK_PY" "$RAW" "$OUT/duckdb" || die "duckdb run failed"
  t=$(sub "$(now)" "$t0")
  duck_times+=("$t")
  printf 'run %d  duckdb %7.2f s\n' "$i" "$t"
done
rm -rf "$OUT"

sm=$(printf '%s\n' "${smelt_times[@]}" | median)
dk=$(printf '%s\n' "${duck_times[@]}" | median)
echo
printf 'median of %d runs, %s rows:  smelt %.2f s   duckdb %.2f s   duckdb/smelt = %.2f\n' \
  "$RUNS" "$ROWS" "$sm" "$dk" "$(awk -v a="$dk" -v b="$sm" 'BEGIN { print a / b }')"
