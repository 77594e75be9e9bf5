#!/bin/sh
# Exchange metrics per rank (docs/mpi.md "Metrics"): EXPLAIN ANALYZE on 2 ranks
# lists every exchange with per-rank rows that add up to the rows sent; a
# skewed join key gets a warning naming the key and its hottest value, a
# uniform one none; spark.sql.autoBroadcastJoinThreshold (SET, --conf) picks
# broadcast or hash joins without changing results; smelt run's summary and
# event log (a "Rank" on every line, "Exchange" records per rank).
#   tests/mpi/run_mpi_metrics.sh BUILD_DIR
# Prints PASS/FAIL lines; "skipped: no MPI" as run_mpi.sh.
cd "$(dirname "$0")/../.." || exit 2
B=${1:-build}
case "$B" in /*) SMELT=$B/smelt ;; *) SMELT=$PWD/$B/smelt ;; esac
if ! command -v mpirun >/dev/null 2>&1; then echo "skipped: no MPI (mpirun not found)"; exit 0; fi
[ -x "$SMELT" ] || { echo "FAIL mpi metrics: $SMELT is missing"; exit 1; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export HWLOC_COMPONENTS=-gl OMPI_MCA_btl_vader_single_copy_mechanism=none
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=0
unset SMELT_BROADCAST_THRESHOLD SMELT_SKEW_MIN_ROWS
T=$(mktemp -d "${TMPDIR:-/tmp}/smelt-mpim-XXXXXX")
[ -n "$SMELT_MPI_KEEP" ] || trap 'rm -rf "$T"' EXIT
MPIRUN="timeout 120 mpirun --bind-to none"
pass() { echo "PASS mpi metrics: $1"; }
fail() { echo "FAIL mpi metrics: $1"; [ -f "$2" ] && head -40 "$2"; }
check() { if eval "$2"; then pass "$1"; else fail "$1" "$3"; fi; }

if ! $MPIRUN -n 2 "$SMELT" sql --format tsv "SELECT 1" >"$T/probe" 2>&1; then
    if grep -q "built without MPI" "$T/probe"; then echo "skipped: no MPI ($SMELT was built without it)"; exit 0; fi
    fail "mpirun -n 2 smelt sql 'SELECT 1'" "$T/probe"; exit 1
fi

# ---- data: 24,000 facts in 3 files, skewed (90% of rows on k = 7) and uniform; 1,000 keys
mkdir -p "$T/skew" "$T/uni" "$T/dim"
for f in 1 2 3; do
    awk -v f=$f 'BEGIN { print "id,k,v"; for (i = (f-1)*8000; i < f*8000; i++) {
        k = (i % 10) ? 7 : (i * 37) % 1000; print i "," k "," (i % 97) } }' >"$T/skew/p$f.csv"
    awk -v f=$f 'BEGIN { print "id,k,v"; for (i = (f-1)*8000; i < f*8000; i++) print i "," (i % 1000) "," (i % 97) }' \
        >"$T/uni/p$f.csv"
done
awk 'BEGIN { print "k,name"; for (k = 0; k < 1000; k++) print k ",n" k }' >"$T/dim/d.csv"
views="CREATE TEMP VIEW s USING csv OPTIONS (path '$T/skew', header true, inferSchema true);
CREATE TEMP VIEW u USING csv OPTIONS (path '$T/uni', header true, inferSchema true);
CREATE TEMP VIEW d USING csv OPTIONS (path '$T/dim', header true, inferSchema true);"
Q="SELECT d.name, count(*), sum(v) FROM s JOIN d ON s.k = d.k GROUP BY d.name ORDER BY d.name"

# ---- EXPLAIN ANALYZE: per-rank rows add up; the skew warning names the key
printf '%s\nSET spark.sql.autoBroadcastJoinThreshold=-1;\nEXPLAIN ANALYZE %s;\n' "$views" "$Q" >"$T/ea.sql"
$MPIRUN -n 2 "$SMELT" sql --format tsv --last-only -f "$T/ea.sql" >"$T/ea.out" 2>"$T/ea.err" ||
    fail "EXPLAIN ANALYZE on 2 ranks" "$T/ea.err"
check "EXPLAIN ANALYZE lists the exchanges of 2 ranks" \
    'grep -q "^== Exchanges (2 ranks) ==" "$T/ea.out" && grep -q "^Exchange hashpartitioning(k) for Join: rows sent 24.0K" "$T/ea.out"' "$T/ea.out"
# every exchange: the rows the ranks received equal the rows they sent, with a
# line per rank
awk '
/^Exchange / { if (n) chk(); n = 1; sent = 0; recv = 0; head = $0; next }
/^   rank [0-9]+: sent/ { sent += $4; for (i = 1; i <= NF; i++) if ($i == "received") recv += $(i + 1); ranks++; next }
/^Per rank/ { if (n) chk(); n = 0 }
function chk() { if (sent != recv) { print "mismatch: " head " sent " sent " received " recv; bad = 1 } ex++ }
END { if (!ex || bad || ranks != 2 * ex) { print "exchanges " ex ", rank lines " ranks; exit 1 } }' "$T/ea.out" >"$T/sum.txt"
sums=$?
check "EXPLAIN ANALYZE: per-rank rows received add up to the rows sent" '[ $sums -eq 0 ]' "$T/sum.txt"
join_sent=$(awk '/^Exchange hashpartitioning\(k\) for Join: rows sent 24.0K/ { f = 1; next }
    f && /^   rank/ { s += $4; next } { f = 0 } END { print s + 0 }' "$T/ea.out")
check "EXPLAIN ANALYZE: per-rank rows sent add up to the headline (24000 join rows)" '[ "$join_sent" = 24000 ]' "$T/ea.out"
check "EXPLAIN ANALYZE: comm / compute per rank" \
    'grep -q "^Per rank comm / compute: rank 0 [0-9.]* s / [0-9.]* s; rank 1 " "$T/ea.out"' "$T/ea.out"
check "skewed key: a warning naming the key and its hottest value" \
    'grep -q "^warning: skewed exchange hashpartitioning(k) for Join: rank [01] received [0-9]* rows, .*partitioned by k, hottest key (k) = 7 (about [0-9]* rows)" "$T/ea.out"' "$T/ea.out"
sed 's/ON s\.k/ON u.k/; s/ FROM s / FROM u /' "$T/ea.sql" >"$T/eu.sql"
$MPIRUN -n 2 "$SMELT" sql --format tsv --last-only -f "$T/eu.sql" >"$T/eu.out" 2>"$T/eu.err" ||
    fail "EXPLAIN ANALYZE on 2 ranks (uniform)" "$T/eu.err"
check "uniform key: the exchanges, no skew warning" \
    'grep -q "^Exchange hashpartitioning(k) for Join" "$T/eu.out" && ! grep -q "warning" "$T/eu.out"' "$T/eu.out"
# a window partitioned by the skewed column moves whole rows: warned there too
printf '%s\nEXPLAIN ANALYZE SELECT k, count(*) FROM (SELECT k, row_number() OVER (PARTITION BY k ORDER BY id) r FROM s) GROUP BY k;\n' \
    "$views" >"$T/ew.sql"
$MPIRUN -n 3 "$SMELT" sql --format tsv --last-only -f "$T/ew.sql" >"$T/ew.out" 2>"$T/ew.err" ||
    fail "EXPLAIN ANALYZE on 3 ranks (window)" "$T/ew.err"
check "3 ranks: window on a skewed key warned, hottest key named" \
    'grep -q "^== Exchanges (3 ranks) ==" "$T/ew.out" && grep -q "^warning: skewed exchange hashpartitioning(k) for Window: .*hottest key (k) = 7" "$T/ew.out"' "$T/ew.out"

# ---- spark.sql.autoBroadcastJoinThreshold: broadcast or hash, same rows
printf '%s\n%s;\n' "$views" "$Q" >"$T/q.sql"
"$SMELT" sql --format tsv --last-only -f "$T/q.sql" >"$T/q1.out" 2>"$T/q1.err" || fail "query on one process" "$T/q1.err"
plan() { # $1: a SET statement (or empty), then mpirun options
    printf '%s\n%s\nEXPLAIN ANALYZE %s;\n' "$views" "$1" "$Q" >"$T/p.sql"
    shift
    $MPIRUN -n 2 "$@" "$SMELT" sql --format tsv --last-only -f "$T/p.sql" 2>"$T/p.err" |
        grep "^Exchange .* for Join:" | cut -d: -f1 | sort -u | tr '\n' ' '
}
check "default threshold (10MB): the dimension is broadcast" \
    '[ "$(plan "")" = "Exchange broadcast for Join " ]' "$T/p.err"
check "SET spark.sql.autoBroadcastJoinThreshold=-1: both sides hash-partitioned" \
    '[ "$(plan "SET spark.sql.autoBroadcastJoinThreshold=-1;")" = "Exchange hashpartitioning(k) for Join " ]' "$T/p.err"
check "SET spark.sql.autoBroadcastJoinThreshold=1k (the dimension is larger): hash" \
    '[ "$(plan "SET spark.sql.autoBroadcastJoinThreshold=1k;")" = "Exchange hashpartitioning(k) for Join " ]' "$T/p.err"
check "the setting wins over SMELT_BROADCAST_THRESHOLD" \
    '[ "$(plan "SET spark.sql.autoBroadcastJoinThreshold=10MB;" -x SMELT_BROADCAST_THRESHOLD=-1)" = "Exchange broadcast for Join " ]' "$T/p.err"
check "SMELT_BROADCAST_THRESHOLD=-1 alone still turns broadcasting off" \
    '[ "$(plan "" -x SMELT_BROADCAST_THRESHOLD=-1)" = "Exchange hashpartitioning(k) for Join " ]' "$T/p.err"
for t in -1 10m; do
    $MPIRUN -n 2 "$SMELT" sql --format tsv --last-only --conf spark.sql.autoBroadcastJoinThreshold=$t -f "$T/q.sql" \
        >"$T/q2.$t" 2>"$T/q2.err"
    check "--conf spark.sql.autoBroadcastJoinThreshold=$t: the same rows as one process" \
        'cmp -s "$T/q1.out" "$T/q2.$t"' "$T/q2.err"
done
check "a bad threshold is refused with the setting's name" \
    '! "$SMELT" sql "SET spark.sql.autoBroadcastJoinThreshold=lots" >"$T/bad.out" 2>&1 &&
     grep -q "spark.sql.autoBroadcastJoinThreshold" "$T/bad.out"' "$T/bad.out"

# ---- smelt run: the summary's exchange lines and the event log's ranks
$MPIRUN -n 2 "$SMELT" run examples/drivendata/job.yaml --arg input=examples/drivendata/data \
    --arg output="$T/job" --event-log "$T/ev.jsonl" >"$T/run.out" 2>"$T/run.err" || fail "smelt run on 2 ranks" "$T/run.err"
check "smelt run summary: exchanges per rank" \
    'grep -q "^Exchange hashpartitioning(unique_id) for Distinct: rows sent 4000" "$T/run.err" &&
     grep -q "^Per rank comm / compute: rank 0" "$T/run.err"' "$T/run.err"
check "smelt run summary: rows written and read over all ranks (as on one process)" \
    'grep -q "wrote 1640 rows" "$T/run.err" && grep -q "wrote 158 rows" "$T/run.err" && grep -q "read 4000 rows" "$T/run.err"' "$T/run.err"
check "event log: every line has a rank, both ranks wrote" \
    '[ "$(grep -vc "\"Rank\":[01]}$" "$T/ev.jsonl")" = 0 ] && grep -q "\"Rank\":0}" "$T/ev.jsonl" &&
     grep -q "\"Rank\":1}" "$T/ev.jsonl"' "$T/ev.jsonl"
grep '"Event":"Exchange"' "$T/ev.jsonl" >"$T/ex.jsonl"
ex_sent=$(grep -o '"Rows sent":[0-9]*' "$T/ex.jsonl" | cut -d: -f2 | awk '{ s += $1 } END { print s + 0 }')
ex_recv=$(grep -o '"Rows received":[0-9]*' "$T/ex.jsonl" | cut -d: -f2 | awk '{ s += $1 } END { print s + 0 }')
check "event log: Exchange records for each rank; rows received = rows sent over the ranks ($ex_sent)" \
    '[ "$(grep -c "\"Rank\":0}" "$T/ex.jsonl")" -ge 2 ] && [ "$(grep -c "\"Rank\":1}" "$T/ex.jsonl")" -ge 2 ] &&
     [ "$ex_sent" = "$ex_recv" ] && [ "$ex_sent" -gt 0 ]' "$T/ex.jsonl"
exit 0
