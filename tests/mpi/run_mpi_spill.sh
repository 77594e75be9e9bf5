#!/bin/sh
# Exchanges under the memory budget (docs/mpi.md, "Shuffles in bounded rounds"):
# on 2 ranks with --memory-limit 32m and 256 KiB rounds, a shuffled join and a
# group-by over ~75 MB of CSV (several times the limit) give the rows of an
# unconstrained one-process run; each rank's peak RSS stays within the limit
# plus a fixed overhead (and below the same run's without a limit); the
# exchange trace and EXPLAIN ANALYZE show that exchanges spilled; no spill file
# or directory is left, also when a rank is SIGKILLed mid-job.
#   tests/mpi/run_mpi_spill.sh BUILD_DIR
# "skipped: no MPI" without mpirun or an MPI build (like run_mpi.sh).
cd "$(dirname "$0")/../.." || exit 2
B=${1:-build}
case "$B" in /*) SMELT=$B/smelt ;; *) SMELT=$PWD/$B/smelt ;; esac
if ! command -v mpirun >/dev/null 2>&1; then echo "skipped: no MPI (mpirun not found)"; exit 0; fi
[ -x "$SMELT" ] || { echo "FAIL mpi-spill: $SMELT is missing"; exit 1; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export HWLOC_COMPONENTS=-gl OMPI_MCA_btl_vader_single_copy_mechanism=none
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=0
export SMELT_EXCHANGE_ROUND_BYTES=262144
T=$(mktemp -d "${TMPDIR:-/tmp}/smelt-mpispill-XXXXXX")
[ -n "$SMELT_MPI_KEEP" ] || trap 'rm -rf "$T"' EXIT
MPIRUN="timeout 300 mpirun --bind-to none"
pass() { echo "PASS mpi-spill: $1"; }
fail() { echo "FAIL mpi-spill: $1"; [ -f "$2" ] && head -30 "$2"; }

if ! $MPIRUN -n 2 "$SMELT" sql --format tsv "SELECT 1" >"$T/probe" 2>&1; then
    if grep -q "built without MPI" "$T/probe"; then echo "skipped: no MPI ($SMELT was built without it)"; exit 0; fi
    fail "mpirun -n 2 smelt sql 'SELECT 1'" "$T/probe"; exit 1
fi
case "$SMELT" in *asan*) ASAN=1 ;; *) ASAN= ;; esac

# ---- data: a (1.5M rows, ~73 MB) and b (300k rows, ~8 MB), written by smelt itself
N=1500000 M=300000
[ -n "$ASAN" ] && N=400000 M=80000
"$SMELT" sql --format tsv "INSERT OVERWRITE DIRECTORY '$T/a' USING csv OPTIONS (header true)
    SELECT id, id * 7 % ($M) AS k, concat('payload-', id, '-', repeat('x', 20)) AS s FROM range($N);
  INSERT OVERWRITE DIRECTORY '$T/b' USING csv OPTIONS (header true)
    SELECT id AS k, concat('dim-', id, repeat('y', 10)) AS d FROM range($M)" >"$T/gen.out" 2>&1 ||
    { fail "making the data" "$T/gen.out"; exit 1; }
cat >"$T/q.sql" <<SQL
SET spark.sql.autoBroadcastJoinThreshold=-1;
CREATE TEMP VIEW a USING csv OPTIONS (path '$T/a', header true, schema 'id BIGINT, k BIGINT, s STRING');
CREATE TEMP VIEW b USING csv OPTIONS (path '$T/b', header true, schema 'k BIGINT, d STRING');
SELECT count(*), sum(a.id), sum(length(a.s)), sum(length(b.d)), max(b.d), min(a.s) FROM a JOIN b ON a.k = b.k;
SELECT count(*), sum(c), max(m), min(m), sum(length(m)) FROM (SELECT k, max(s) AS m, count(*) AS c FROM a GROUP BY k);
SELECT k, m, c FROM (SELECT k, max(s) AS m, count(*) AS c FROM a GROUP BY k) WHERE k % 9973 = 1 ORDER BY k;
SQL
"$SMELT" sql --format tsv -f "$T/q.sql" >"$T/one.out" 2>"$T/one.err" || { fail "one process" "$T/one.err"; exit 1; }

# ---- 2 ranks, 32m each: the same rows, spilled exchanges, RSS bounded, nothing left
mkdir -p "$T/tmp"
TIME=
[ -x /usr/bin/time ] && [ -z "$ASAN" ] && TIME="/usr/bin/time -a -o $T/rss -f %M"
TMPDIR=$T/tmp SMELT_EXCHANGE_SPILL_TRACE=1 SMELT_RANK_OUTPUT=1 $MPIRUN -n 2 $TIME "$SMELT" sql --memory-limit 32m \
    --format tsv -f "$T/q.sql" >"$T/two.out" 2>"$T/two.err"
rc=$?
if [ $rc -eq 0 ] && cmp -s "$T/one.out" "$T/two.out"; then
    pass "a join and group-bys over $(du -sm "$T/a" | cut -f1) MB on 2 ranks under --memory-limit 32m = one process"
else
    fail "2 ranks under 32m (exit $rc) differ from one process" "$T/two.err"; diff "$T/one.out" "$T/two.out" | head
fi
for r in 0 1; do
    if grep -q "rank $r of 2 spilled [0-9]* bytes sent ([0-9]* batches) and [0-9]* bytes received" "$T/two.err" &&
        grep "rank $r of 2 spilled" "$T/two.err" | grep -qv "spilled 0 bytes sent"; then
        pass "rank $r spilled outgoing and received rows of its exchanges"
    else
        fail "rank $r: no exchange spilled" "$T/two.err"
    fi
done
if [ -z "$(ls -A "$T/tmp")" ]; then pass "no spill file or directory left"; else fail "left in TMPDIR: $(ls -A "$T/tmp")"; fi
if [ -n "$TIME" ] && [ -s "$T/rss" ]; then
    # the limit plus a fixed overhead (the engine's buffers outside the budget:
    # readers, rounds, batches in flight; libraries and MPI ~20 MB): 32 + 112 MB
    max=$(sort -n "$T/rss" | tail -1)
    TMPDIR=$T/tmp $MPIRUN -n 2 /usr/bin/time -a -o "$T/rss-free" -f %M "$SMELT" sql --memory-limit 8g \
        --format tsv -f "$T/q.sql" >"$T/free.out" 2>"$T/free.err"
    free=$(sort -n "$T/rss-free" | tail -1)
    if [ "$max" -le $((144 * 1024)) ] && [ "$free" -gt "$max" ]; then
        pass "peak RSS per rank $((max / 1024)) MB <= 32 MB limit + 112 MB (without a limit: $((free / 1024)) MB)"
    else
        fail "peak RSS per rank $((max / 1024)) MB (limit 32 MB + 112 MB; without a limit $((free / 1024)) MB)" "$T/rss"
    fi
else
    echo "skipped: RSS check (no /usr/bin/time, or a sanitizer build)"
fi

# ---- EXPLAIN ANALYZE names the spilled bytes of each rank (the query reads a.s, so whole rows
# of a move, not the key alone; the sanitizer build's smaller data gets a smaller limit)
EA_LIMIT=32m
[ -n "$ASAN" ] && EA_LIMIT=8m
cat >"$T/ea.sql" <<SQL
SET spark.sql.autoBroadcastJoinThreshold=-1;
CREATE TEMP VIEW a USING csv OPTIONS (path '$T/a', header true, schema 'id BIGINT, k BIGINT, s STRING');
CREATE TEMP VIEW b USING csv OPTIONS (path '$T/b', header true, schema 'k BIGINT, d STRING');
EXPLAIN ANALYZE SELECT count(*), max(b.d), min(a.s) FROM a JOIN b ON a.k = b.k;
SQL
TMPDIR=$T/tmp $MPIRUN -n 2 "$SMELT" sql --memory-limit $EA_LIMIT --format tsv -f "$T/ea.sql" >"$T/ea.out" 2>"$T/ea.err"
if grep -q "rank 0: .*, spilled " "$T/ea.out" && grep -q "rank 1: .*, spilled " "$T/ea.out"; then
    pass "EXPLAIN ANALYZE shows each rank's spilled exchange bytes"
else
    fail "EXPLAIN ANALYZE without spilled exchanges" "$T/ea.out"
fi

# ---- rank 1 SIGKILLed at its 5th exchange (its 4th, the join's first side, spilled):
# the job fails within seconds and no spill file or directory stays behind
start=$(date +%s)
TMPDIR=$T/tmp SMELT_RANK_OUTPUT=1 SMELT_EXCHANGE_SPILL_TRACE=1 SMELT_TEST_KILL_RANK=1 SMELT_TEST_KILL_AT=5 $MPIRUN -n 2 "$SMELT" sql \
    --memory-limit 32m --format tsv -f "$T/q.sql" >"$T/kill.out" 2>"$T/kill.err"
rc=$?
took=$(( $(date +%s) - start ))
if [ $rc -ne 0 ] && [ $rc -ne 124 ] && grep -q "rank 1 of 2 spilled" "$T/kill.err" && [ -z "$(ls -A "$T/tmp")" ]; then
    pass "a rank killed after spilling ends the job (exit $rc, ${took}s), nothing left in TMPDIR"
else
    fail "killed rank (exit $rc, ${took}s), TMPDIR: $(ls -A "$T/tmp")" "$T/kill.err"
fi
exit 0
