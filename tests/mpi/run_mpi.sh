#!/bin/sh
# Distributed runs (docs/mpi.md): the same queries and job on 1 process and on
# 2, 3 and 4 MPI ranks must give the same rows; a write commits once; a rank
# that fails makes the job fail cleanly, with its message and no output.
#   tests/mpi/run_mpi.sh BUILD_DIR
# Prints PASS/FAIL lines (tests/run.sh counts them); "skipped: no MPI" when
# mpirun is missing or BUILD_DIR/smelt was built without MPI.
cd "$(dirname "$0")/../.." || exit 2
B=${1:-build}
case "$B" in /*) SMELT=$B/smelt ;; *) SMELT=$PWD/$B/smelt ;; esac
if ! command -v mpirun >/dev/null 2>&1; then echo "skipped: no MPI (mpirun not found)"; exit 0; fi
[ -x "$SMELT" ] || { echo "FAIL mpi: $SMELT is missing"; exit 1; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export HWLOC_COMPONENTS=-gl OMPI_MCA_btl_vader_single_copy_mechanism=none
# sanitizer builds: Open MPI's own allocations are not ours to report
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=0
# small rounds, so that every shuffle takes several
export SMELT_EXCHANGE_ROUND_BYTES=65536
T=$(mktemp -d "${TMPDIR:-/tmp}/smelt-mpi-XXXXXX")
[ -n "$SMELT_MPI_KEEP" ] || trap 'rm -rf "$T"' EXIT
MPIRUN="timeout 120 mpirun --bind-to none"
pass() { echo "PASS mpi: $1"; }
fail() { echo "FAIL mpi: $1"; [ -f "$2" ] && head -30 "$2"; }

if ! $MPIRUN -n 2 "$SMELT" sql --format tsv "SELECT 1" >"$T/probe" 2>&1; then
    if grep -q "built without MPI" "$T/probe"; then echo "skipped: no MPI ($SMELT was built without it)"; exit 0; fi
    fail "mpirun -n 2 smelt sql 'SELECT 1'" "$T/probe"; exit 1
fi

# ---- data: 7 files of a fact table (so the splits spread over the ranks) and a dimension
mkdir -p "$T/facts" "$T/dim"
i=0
for f in 1 2 3 4 5 6 7; do
    { echo "id,k,name,v,tag"
      n=0
      while [ $n -lt $((150 + f * 40)) ]; do
          i=$((i + 1)); n=$((n + 1))
          k=$((i % 13)); [ $((i % 17)) -eq 0 ] && k=""
          tag="t$((i % 5))"; [ $((i % 11)) -eq 0 ] && tag=""
          echo "$i,$k,n$((i % 50)),$((i * 3)).5,$tag"
      done; } >"$T/facts/part$f.csv"
done
{ echo "k,dname"; for k in 0 1 2 3 4 5 6 7 8 9 10 14; do echo "$k,d$k"; done; echo ",dnull"; } >"$T/dim/dim.csv"

cat >"$T/q.sql" <<SQL
CREATE TEMP VIEW f USING csv OPTIONS (path '$T/facts', header true, inferSchema true);
CREATE TEMP VIEW d USING csv OPTIONS (path '$T/dim', header true, inferSchema true);
SELECT count(*) FROM f;
SELECT k, count(*), sum(v), min(name), max(id), count(DISTINCT tag), avg(id) FROM f GROUP BY k ORDER BY k;
SELECT count(*), sum(v), avg(v), min(tag), max(tag), count(DISTINCT name) FROM f;
SELECT DISTINCT name, tag FROM f ORDER BY name, tag;
SELECT f.id, f.k, d.dname FROM f JOIN d ON f.k = d.k ORDER BY f.id;
SELECT f.id, d.dname FROM f LEFT JOIN d ON f.k = d.k WHERE f.id % 9 = 0 ORDER BY f.id;
SELECT d.k, d.dname, count(f.id) FROM f FULL OUTER JOIN d ON f.k = d.k GROUP BY d.k, d.dname ORDER BY d.k, d.dname;
SELECT count(*) FROM f LEFT SEMI JOIN d ON f.k = d.k;
SELECT count(*) FROM f LEFT ANTI JOIN d ON f.k = d.k;
SELECT count(*) FROM f WHERE k NOT IN (SELECT k FROM d WHERE k > 5);
SELECT count(*), sum(f.id) FROM f CROSS JOIN d WHERE d.k < 3;
SELECT name FROM f WHERE id < 400 INTERSECT SELECT name FROM f WHERE id > 900 ORDER BY name;
SELECT tag FROM f EXCEPT SELECT tag FROM f WHERE id > 1200 ORDER BY tag;
SELECT id, k, row_number() OVER (PARTITION BY k ORDER BY id DESC) rn FROM f WHERE id % 7 = 0 ORDER BY id;
SELECT id, v FROM f ORDER BY v DESC, id LIMIT 5;
SELECT id FROM f ORDER BY id LIMIT 4 OFFSET 10;
SELECT count(*) FROM (SELECT * FROM f LIMIT 100);
SELECT k, count(*) FROM (SELECT DISTINCT k, tag FROM f) GROUP BY k ORDER BY k;
SELECT count(*) FROM (SELECT id FROM f UNION ALL SELECT k FROM d);
SELECT k, count(*), sum(v), avg(id), min(id), max(v), round(stddev(v), 6), count_if(id % 2 = 0), every(id > 3) FROM f GROUP BY k ORDER BY k;
SELECT count(*), sum(id), avg(v), max(id), min(v), round(var_pop(id), 6) FROM f;
SELECT count(*), sum(id), max(v) FROM f WHERE id < 0;
SELECT k, count(*) FROM f WHERE id < 0 GROUP BY k;
SELECT tag, k, sum(id) FROM f GROUP BY tag, k HAVING sum(id) > 20000 ORDER BY tag, k;
SELECT id, name FROM f ORDER BY name DESC, id;
SELECT id, tag, k FROM f ORDER BY tag NULLS LAST, k DESC NULLS FIRST, id;
SELECT id, sum(v) OVER (PARTITION BY k ORDER BY id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) s FROM f ORDER BY id;
SELECT id, rank() OVER (PARTITION BY tag, k ORDER BY v DESC) r, count(*) OVER (PARTITION BY k, tag) c FROM f ORDER BY id;
SELECT id, row_number() OVER (ORDER BY id DESC) FROM f ORDER BY id LIMIT 20;
SQL
"$SMELT" sql --format tsv -f "$T/q.sql" >"$T/q1.out" 2>"$T/q1.err" || fail "queries on one process" "$T/q1.err"
for n in 1 2 3 4; do
    if $MPIRUN -n $n "$SMELT" sql --format tsv -f "$T/q.sql" >"$T/q$n.mpi" 2>"$T/q$n.err" &&
        cmp -s "$T/q1.out" "$T/q$n.mpi"; then
        pass "queries on $n rank(s) = one process ($(wc -l <"$T/q1.out") lines)"
    else
        fail "queries on $n rank(s) differ from one process" "$T/q$n.err"
        diff "$T/q1.out" "$T/q$n.mpi" | head -20
    fi
done
if SMELT_NO_PARTIAL_AGG=1 SMELT_BROADCAST_THRESHOLD=-1 $MPIRUN -n 3 "$SMELT" sql --format tsv -f "$T/q.sql" >"$T/qp.out" 2>"$T/qp.err" &&
    cmp -s "$T/q1.out" "$T/qp.out"; then
    pass "queries on 3 ranks without partial aggregation or broadcast joins = one process"
else
    fail "queries on 3 ranks without partial aggregation" "$T/qp.err"
    diff "$T/q1.out" "$T/qp.out" | head -20
fi
if $MPIRUN -n 2 "$SMELT" sql --format tsv -f - <"$T/q.sql" >"$T/qs.out" 2>"$T/qs.err" && cmp -s "$T/q1.out" "$T/qs.out"; then
    pass "sql -f - on 2 ranks: rank 0 shares standard input"
else
    fail "sql -f - on 2 ranks" "$T/qs.err"
fi
if "$SMELT" sql --format tsv --ranks 3 -f "$T/q.sql" >"$T/qr.out" 2>"$T/qr.err" && cmp -s "$T/q1.out" "$T/qr.out"; then
    pass "smelt sql --ranks 3 starts mpirun itself"
else
    fail "smelt sql --ranks 3" "$T/qr.err"
fi

# --ranks without hosts pins Open MPI's point-to-point layer to ob1 (launch.c: probing
# UCX/OFI costs ~0.2 s of every start); across hosts, or when the user chose, it is left alone
printf '#!/bin/sh\necho "pml=${OMPI_MCA_pml-unset}" >>"%s"\n' "$T/launched" >"$T/fake-mpirun"
chmod +x "$T/fake-mpirun"
: >"$T/launched"
env -u OMPI_MCA_pml SMELT_MPIRUN="$T/fake-mpirun" "$SMELT" sql --ranks 2 "SELECT 1" >/dev/null 2>&1
env -u OMPI_MCA_pml SMELT_MPIRUN="$T/fake-mpirun" "$SMELT" sql --ranks 2 --hosts a,b "SELECT 1" >/dev/null 2>&1
OMPI_MCA_pml=cm SMELT_MPIRUN="$T/fake-mpirun" "$SMELT" sql --ranks 2 "SELECT 1" >/dev/null 2>&1
if [ "$(tr '\n' ' ' <"$T/launched")" = "pml=ob1 pml=unset pml=cm " ]; then
    pass "--ranks on one machine starts Open MPI with pml ob1; --hosts and the user's choice kept"
else
    fail "--ranks pml choice: $(tr '\n' ' ' <"$T/launched")" /dev/null
fi

# ---- shuffles skipped when an input is already spread by the keys (exchange/copart.c):
# the same rows as one process on 1-4 ranks, the trace shows the skips, and with
# SMELT_NO_COPARTITION=1 (every shuffle made) the output is the same
cat >"$T/cp.sql" <<SQL
CREATE TEMP VIEW f USING csv OPTIONS (path '$T/facts', header true, inferSchema true);
CREATE TEMP VIEW d USING csv OPTIONS (path '$T/dim', header true, inferSchema true);
SELECT a.k, a.c, b.s FROM (SELECT k, count(*) c FROM f GROUP BY k) a JOIN (SELECT k, sum(id) s FROM f GROUP BY k) b ON a.k = b.k ORDER BY a.k;
SELECT a.k, a.tag, a.c, b.m FROM (SELECT k, tag, count(*) c FROM f GROUP BY k, tag) a JOIN (SELECT tag, k, max(id) m FROM f GROUP BY tag, k) b ON a.k = b.k AND a.tag = b.tag ORDER BY 1, 2;
SELECT f.k, count(*), sum(f.id), max(g.c) FROM f JOIN (SELECT k, count(*) c FROM f GROUP BY k) g ON f.k = g.k GROUP BY f.k ORDER BY f.k;
SELECT f.id, g.c FROM f LEFT JOIN (SELECT k, count(*) c FROM f WHERE id % 3 = 0 GROUP BY k) g ON f.k = g.k WHERE f.id % 5 = 0 ORDER BY f.id;
SELECT count(*), sum(f.id) FROM f LEFT ANTI JOIN (SELECT k FROM f WHERE id % 4 = 0 GROUP BY k HAVING count(*) > 20) g ON f.k = g.k;
SELECT f.k, f.tag, count(*) FROM f JOIN (SELECT k, tag, count(*) c FROM f GROUP BY k, tag) g ON f.k = g.k AND f.tag = g.tag GROUP BY f.k, f.tag ORDER BY 1, 2;
SELECT k, s, sum(s) OVER (PARTITION BY k) t, rank() OVER (PARTITION BY k ORDER BY s) r FROM (SELECT k, tag, sum(id) s FROM f GROUP BY k, tag) ORDER BY k, s;
SELECT DISTINCT k, c FROM (SELECT k, count(*) c FROM f GROUP BY k) ORDER BY k;
SELECT k, c, sum(c) OVER (PARTITION BY k) t, row_number() OVER (PARTITION BY k ORDER BY c) r FROM (SELECT k, count(*) c FROM f GROUP BY k) ORDER BY k;
SELECT g.k, g.c, h.n FROM (SELECT k, count(*) c FROM f GROUP BY k) g RIGHT JOIN (SELECT k, count(DISTINCT tag) n FROM f GROUP BY k) h ON g.k = h.k ORDER BY h.k;
SELECT g.k, g.c, h.n FROM (SELECT k, count(*) c FROM f GROUP BY k) g FULL JOIN (SELECT k, count(DISTINCT tag) n FROM f WHERE id > 600 GROUP BY k) h ON g.k = h.k ORDER BY g.k, h.k;
SQL
"$SMELT" sql --format tsv -f "$T/cp.sql" >"$T/cp1.out" 2>"$T/cp1.err" || fail "co-partitioned queries on one process" "$T/cp1.err"
ok=1
for n in 1 2 3 4; do
    SMELT_EXCHANGE_TRACE=1 $MPIRUN -n $n "$SMELT" sql --format tsv -f "$T/cp.sql" >"$T/cp$n.mpi" 2>"$T/cp$n.err" &&
        cmp -s "$T/cp1.out" "$T/cp$n.mpi" || { ok=0; fail "co-partitioned queries on $n rank(s)" "$T/cp$n.err"; diff "$T/cp1.out" "$T/cp$n.mpi" | head -10; }
done
# without broadcasts (every join in place or shuffled), with small broadcasts (a side too large
# to broadcast stays in place), and with every shuffle made
SMELT_EXCHANGE_TRACE=1 SMELT_BROADCAST_THRESHOLD=-1 $MPIRUN -n 3 "$SMELT" sql --format tsv -f "$T/cp.sql" >"$T/cpb.mpi" 2>"$T/cpb.err" &&
    cmp -s "$T/cp1.out" "$T/cpb.mpi" || { ok=0; fail "co-partitioned queries without broadcasts" "$T/cpb.err"; }
SMELT_EXCHANGE_TRACE=1 SMELT_BROADCAST_THRESHOLD=300 $MPIRUN -n 3 "$SMELT" sql --format tsv -f "$T/cp.sql" >"$T/cps.mpi" 2>"$T/cps.err" &&
    cmp -s "$T/cp1.out" "$T/cps.mpi" || { ok=0; fail "co-partitioned queries with small broadcasts" "$T/cps.err"; }
SMELT_NO_COPARTITION=1 SMELT_BROADCAST_THRESHOLD=-1 $MPIRUN -n 3 "$SMELT" sql --format tsv -f "$T/cp.sql" >"$T/cpn.mpi" 2>"$T/cpn.err" &&
    cmp -s "$T/cp1.out" "$T/cpn.mpi" || { ok=0; fail "co-partitioned queries with every shuffle made" "$T/cpn.err"; }
grep -q "right side already partitioned" "$T/cps.err" || { ok=0; fail "no join kept its right side in place" "$T/cps.err"; }
skips=$(grep -c "already partitioned, not shuffled" "$T/cpb.err")
joins=$(grep -c "both sides already partitioned" "$T/cpb.err")
if [ $ok -eq 1 ] && [ "$skips" -ge 9 ] && [ "$joins" -ge 1 ]; then
    pass "co-partitioned joins, aggregates, windows and distinct skip their shuffles on 1-4 ranks ($skips skips on 3 ranks without broadcasts)"
elif [ $ok -eq 1 ]; then
    fail "co-partitioned queries: only $skips shuffles skipped ($joins joins with both sides in place)" "$T/cp3.err"
fi

# ---- a rank's own rows stay batches (shuffle.c: never serialized, copied into a message or
# decoded), and a join's sides carry only the columns the join reads (dist.c: the others are
# SM_NULLTYPE placeholders): f's 5 columns move as 2 (id, k)
cat >"$T/nd.sql" <<SQL
CREATE TEMP VIEW f USING csv OPTIONS (path '$T/facts', header true, inferSchema true);
CREATE TEMP VIEW d USING csv OPTIONS (path '$T/dim', header true, inferSchema true);
SELECT f.id, d.dname FROM f JOIN d ON f.k = d.k ORDER BY f.id;
SELECT count(*), sum(f.id) FROM f LEFT SEMI JOIN d ON f.k = d.k;
SQL
"$SMELT" sql --format tsv -f "$T/nd.sql" >"$T/nd1.out" 2>"$T/nd1.err" || fail "join columns on one process" "$T/nd1.err"
if SMELT_EXCHANGE_TRACE=1 SMELT_BROADCAST_THRESHOLD=-1 $MPIRUN -n 2 "$SMELT" sql --format tsv -f "$T/nd.sql" \
       >"$T/nd2.out" 2>"$T/nd2.err" && cmp -s "$T/nd1.out" "$T/nd2.out" &&
   grep -Eq "rank 0 of 2 .*kept [1-9][0-9]* rows unserialized; 2 of 5 columns" "$T/nd2.err" &&
   ! grep -Eq "rank 0 of 2 .* [3-5] of 5 columns" "$T/nd2.err"; then
    pass "shuffled join sides carry only the columns the join reads; a rank's own rows are kept, not serialized"
else
    fail "join sides' columns / kept rows on 2 ranks" "$T/nd2.err"
fi

# ---- NOT IN (a null-aware anti join): the right side goes to every rank and the left rows stay
# (dist.c), instead of both sides to rank 0; a null on the right, an empty right side and null
# left keys give one process's rows
cat >"$T/ni.sql" <<SQL
CREATE TEMP VIEW f USING csv OPTIONS (path '$T/facts', header true, inferSchema true);
CREATE TEMP VIEW d USING csv OPTIONS (path '$T/dim', header true, inferSchema true);
SELECT count(*), sum(id) FROM f WHERE k NOT IN (SELECT k FROM d WHERE k > 5);
SELECT count(*), sum(id) FROM f WHERE k NOT IN (SELECT k FROM d);
SELECT count(*), sum(id) FROM f WHERE k NOT IN (SELECT k FROM d WHERE k > 100);
SELECT tag, count(*) FROM f WHERE k NOT IN (SELECT k + 1 FROM d WHERE k IS NOT NULL) GROUP BY tag ORDER BY tag;
SQL
"$SMELT" sql --format tsv -f "$T/ni.sql" >"$T/ni1.out" 2>"$T/ni1.err" || fail "NOT IN on one process" "$T/ni1.err"
ok=1
for n in 2 3; do
    $MPIRUN -n $n "$SMELT" sql --format tsv -f "$T/ni.sql" >"$T/ni$n.out" 2>"$T/ni$n.err" &&
        cmp -s "$T/ni1.out" "$T/ni$n.out" || { ok=0; fail "NOT IN on $n ranks" "$T/ni$n.err"; }
done
{ head -2 "$T/ni.sql"; echo "EXPLAIN ANALYZE SELECT count(*) FROM f WHERE k NOT IN (SELECT k FROM d WHERE k > 5);"; } >"$T/nie.sql"
$MPIRUN -n 2 "$SMELT" sql --format tsv -f "$T/nie.sql" >"$T/nie.out" 2>&1
if [ $ok -eq 1 ] && grep -q "Exchange broadcast for Join" "$T/nie.out" && ! grep -q "Exchange single for Join" "$T/nie.out"; then
    pass "NOT IN on 2 and 3 ranks = one process, its right side broadcast and its left rows in place"
elif [ $ok -eq 1 ]; then
    fail "NOT IN's exchanges: not a broadcast of the right side" "$T/nie.out"
fi

# ---- a shuffled join's right side filtered by the left side's key hashes (dist.c: xd_keyset):
# the small left side moves first, every rank gets its key hashes, and right rows no left key
# can match stay where they are (semi, anti and inner joins; the outer join here is planned as a
# RIGHT join, which keeps every right row: not filtered); all give one process's rows
cat >"$T/jf.sql" <<SQL
CREATE TEMP VIEW f USING csv OPTIONS (path '$T/facts', header true, inferSchema true);
CREATE TEMP VIEW d USING csv OPTIONS (path '$T/dim', header true, inferSchema true);
SELECT d.k, d.dname FROM d WHERE d.k < 9 AND EXISTS (SELECT 1 FROM f WHERE f.k = d.k AND f.id % 7 = 0) ORDER BY d.k;
SELECT count(*) FROM d WHERE d.k > 2 AND NOT EXISTS (SELECT 1 FROM f WHERE f.k = d.k AND f.v > 3000);
SELECT d.k, count(f.id), sum(f.id) FROM (SELECT * FROM d WHERE k IN (1, 4, 14)) d LEFT JOIN f ON d.k = f.k GROUP BY d.k ORDER BY d.k;
SELECT d.dname, f.id FROM (SELECT * FROM d WHERE k = 3) d JOIN f ON d.k = f.k WHERE f.id < 400 ORDER BY f.id;
SQL
"$SMELT" sql --format tsv -f "$T/jf.sql" >"$T/jf1.out" 2>"$T/jf1.err" || fail "join key filter queries on one process" "$T/jf1.err"
ok=1
for n in 2 3; do
    SMELT_EXCHANGE_TRACE=1 SMELT_BROADCAST_THRESHOLD=100 $MPIRUN -n $n "$SMELT" sql --format tsv -f "$T/jf.sql" \
        >"$T/jf$n.out" 2>"$T/jf$n.err" &&
        cmp -s "$T/jf1.out" "$T/jf$n.out" || { ok=0; fail "join key filter queries on $n ranks" "$T/jf$n.err"; }
done
SMELT_NO_JOIN_FILTER=1 SMELT_BROADCAST_THRESHOLD=100 $MPIRUN -n 2 "$SMELT" sql --format tsv -f "$T/jf.sql" \
    >"$T/jfn.out" 2>"$T/jfn.err" && cmp -s "$T/jf1.out" "$T/jfn.out" || { ok=0; fail "join key filter off" "$T/jfn.err"; }
filtered=$(grep -c "rank 0 of 2: join: right side filtered by" "$T/jf2.err")
if [ $ok -eq 1 ] && [ "$filtered" -ge 3 ]; then
    pass "shuffled joins filter their right side by the left side's keys on 2 and 3 ranks ($filtered joins on 2 ranks)"
elif [ $ok -eq 1 ]; then
    fail "join key filter: $filtered joins filtered on 2 ranks" "$T/jf2.err"
fi

# ---- the chapter-9 job: the same files' rows, one commit
rows() { for f in "$1"/part-*; do tail -n +2 "$f"; done | sort; }
"$SMELT" run examples/drivendata/job.yaml --quiet --arg input=examples/drivendata/data --arg output="$T/job1" \
    2>"$T/job1.err" || fail "drivendata job on one process" "$T/job1.err"
for n in 2 3 4; do
    if $MPIRUN -n $n "$SMELT" run examples/drivendata/job.yaml --quiet --arg input=examples/drivendata/data \
        --arg output="$T/job$n" 2>"$T/job$n.err" &&
        [ "$(rows "$T/job1/filtered")" = "$(rows "$T/job$n/filtered")" ] &&
        [ "$(rows "$T/job1/grouped")" = "$(rows "$T/job$n/grouped")" ] &&
        [ -f "$T/job$n/filtered/_SUCCESS" ] && [ -f "$T/job$n/grouped/_SUCCESS" ]; then
        pass "drivendata job on $n ranks = one process"
    else
        fail "drivendata job on $n ranks" "$T/job$n.err"
    fi
done
if "$SMELT" run examples/drivendata/job.yaml --quiet --ranks 2 --arg input=examples/drivendata/data \
    --arg output="$T/jobr" 2>"$T/jobr.err" && [ "$(rows "$T/job1/grouped")" = "$(rows "$T/jobr/grouped")" ]; then
    pass "smelt run --ranks 2"
else
    fail "smelt run --ranks 2" "$T/jobr.err"
fi

# ---- a write on 3 ranks: every rank's part files, one _SUCCESS, no staging left
if $MPIRUN -n 3 "$SMELT" sql "CREATE TEMP VIEW f USING csv OPTIONS (path '$T/facts', header true, inferSchema true);
    INSERT OVERWRITE DIRECTORY '$T/w3' USING csv OPTIONS (header true) SELECT DISTINCT * FROM f" 2>"$T/w3.err" &&
    [ -f "$T/w3/_SUCCESS" ] && [ "$(ls "$T/w3" | grep -c '^part-')" -ge 3 ] &&
    [ -z "$(ls -a "$T" | grep smelt-staging)" ] &&
    [ "$(for p in "$T"/w3/part-*; do tail -n +2 "$p"; done | sort)" = "$(for p in "$T"/facts/*.csv; do tail -n +2 "$p"; done | sort)" ]; then
    pass "a write on 3 ranks commits every rank's rows once"
else
    fail "write on 3 ranks" "$T/w3.err"; ls -la "$T" "$T/w3"
fi

# ---- a sorted write on 4 ranks: the part files, in name order, hold the rows in order
if $MPIRUN -n 4 "$SMELT" sql "CREATE TEMP VIEW f USING csv OPTIONS (path '$T/facts', header true, inferSchema true);
    INSERT OVERWRITE DIRECTORY '$T/ws' USING csv SELECT id, name FROM f ORDER BY name, id" 2>"$T/ws.err" &&
    "$SMELT" sql --format csv "CREATE TEMP VIEW f USING csv OPTIONS (path '$T/facts', header true, inferSchema true);
    SELECT id, name FROM f ORDER BY name, id" >"$T/ws.expected" 2>>"$T/ws.err" &&
    [ "$(ls "$T/ws" | grep -c '^part-')" -ge 2 ] &&
    [ "$(cat "$T"/ws/part-*)" = "$(tail -n +2 "$T/ws.expected" | tr -d '\r')" ]; then
    pass "a sorted write on 4 ranks: part files in order"
else
    fail "sorted write on 4 ranks" "$T/ws.err"; ls "$T/ws"
fi

# ---- a rank that fails: one file is malformed; only the rank reading it fails
mkdir -p "$T/bad"
{ echo "id,k"; i=0; while [ $i -lt 300 ]; do i=$((i + 1)); echo "$i,$((i % 3))"; done; } >"$T/bad/a.csv"
{ echo "id,k"; echo "1,2"; echo "x,oops"; } >"$T/bad/b.csv"
start=$(date +%s)
$MPIRUN -n 2 "$SMELT" sql "CREATE TEMP VIEW b (id INT, k INT) USING csv OPTIONS (path '$T/bad', header true, mode 'FAILFAST');
    INSERT OVERWRITE DIRECTORY '$T/wbad' USING csv SELECT k, count(*) FROM b GROUP BY k" >"$T/bad.out" 2>"$T/bad.err"
rc=$?
took=$(( $(date +%s) - start ))
if [ $rc -ne 0 ] && [ $rc -ne 124 ] && [ ! -e "$T/wbad" ] && grep -q "rank 1 of 2" "$T/bad.err" &&
    grep -qi "malformed" "$T/bad.err" && [ -z "$(ls -a "$T" | grep smelt-staging)" ]; then
    pass "a failing rank fails the job with its message and no output (${took}s)"
else
    fail "failing rank (exit $rc, ${took}s)" "$T/bad.err"; ls -a "$T"
fi
# ---- a rank killed mid-job (SIGKILL at its first exchange): mpirun ends the job
# within seconds; no output, and rank 0 removes the staging directory on SIGTERM
start=$(date +%s)
SMELT_TEST_KILL_RANK=1 SMELT_TEST_KILL_AT=2 $MPIRUN -n 3 "$SMELT" sql "CREATE TEMP VIEW f USING csv OPTIONS (path '$T/facts', header true, inferSchema true);
    INSERT OVERWRITE DIRECTORY '$T/wkill' USING csv SELECT k, count(*) FROM f GROUP BY k" >"$T/kill.out" 2>"$T/kill.err"
rc=$?
took=$(( $(date +%s) - start ))
if [ $rc -ne 0 ] && [ $rc -ne 124 ] && [ $took -lt 60 ] && [ ! -e "$T/wkill" ] &&
    [ -z "$(ls -a "$T" | grep smelt-staging)" ]; then
    pass "a killed rank ends the job (exit $rc, ${took}s) with no output and no staging left"
else
    fail "killed rank (exit $rc, ${took}s)" "$T/kill.err"; ls -a "$T"
fi
exit 0
