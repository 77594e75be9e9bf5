#!/bin/sh
# Checkpoints and retries of `smelt run` (docs/mpi.md, "Checkpoints and
# retries"): a job killed mid-way and resumed with --checkpoint gives the
# same output as an uninterrupted run, on one process and across MPI ranks
# (resumed on another number of ranks); --retries recovers on its own; a
# checkpoint of a changed job is ignored; a corrupt one is an error.
#   tests/mpi/run_checkpoint.sh BUILD_DIR
# Prints PASS/FAIL lines (tests/run.sh counts them).  The one-process part
# needs no MPI; the MPI part prints "skipped: ..." without mpirun or without
# an MPI build.  SMELT_CKPT_KEEP=1 keeps the scratch directory.
cd "$(dirname "$0")/../.." || exit 2
B=${1:-build}
case "$B" in /*) SMELT=$B/smelt ;; *) SMELT=$PWD/$B/smelt ;; esac
[ -x "$SMELT" ] || { echo "FAIL ckpt: $SMELT is missing"; exit 1; }
# sanitizer builds: leaks are checked on one process (as tests/run.sh sets), not under Open MPI
T=$(mktemp -d "${TMPDIR:-/tmp}/smelt-ckpt-XXXXXX")
[ -n "$SMELT_CKPT_KEEP" ] || trap 'rm -rf "$T"' EXIT
pass() { echo "PASS ckpt: $1"; }
fail() { echo "FAIL ckpt: $1"; [ -f "$2" ] && head -40 "$2"; }

# ---- data: 6 files of facts (splits for every rank) and a dimension
mkdir -p "$T/facts" "$T/dim"
i=0
for f in 1 2 3 4 5 6; do
    { echo "id,k,tag,v"
      n=0
      while [ $n -lt $((120 + f * 30)) ]; do
          i=$((i + 1)); n=$((n + 1))
          tag="t$((i % 7))"; [ $((i % 13)) -eq 0 ] && tag=""
          echo "$i,$((i % 11)),$tag,$((i * 7 % 1000)).25"
      done; } >"$T/facts/part$f.csv"
done
{ echo "k,dname"; for k in 0 1 2 3 4 5 6 7 8 9; do echo "$k,d$((k % 4))"; done; } >"$T/dim/dim.csv"

# ---- the job: two sources, five steps (three stages: joined, per_key, tags), three sinks
job() { # job FILTER > file
cat <<YAML
name: ckpt_test
args:
  facts: {required: true}
  dim: {required: true}
  out: {required: true}
sources:
  facts: {format: csv, path: "\${facts}", options: {header: true, inferSchema: true}}
  dim: {format: csv, path: "\${dim}", options: {header: true, inferSchema: true}}
steps:
  - name: clean
    input: facts
    filter: $1
  - name: joined
    join: {left: clean, right: dim, using: [k], how: inner}
  - name: per_key
    input: joined
    group_by: [k, dname]
    agg: ["count(*) AS n", "sum(v) AS sv", "max(id) AS top"]
  - name: ranked
    input: per_key
    order_by: [sv DESC, k]
  - name: tagsel
    input: joined
    select: [tag, dname]
  - name: tags
    input: tagsel
    distinct:
sinks:
  - name: joined_out
    input: joined
    path: \${out}/joined
    format: csv
  - name: ranked_out
    input: ranked
    path: \${out}/ranked
    format: csv
  - name: tags_out
    input: tags
    path: \${out}/tags
    format: parquet
YAML
}
job "id % 10 <> 3" >"$T/job.yaml"
job "id % 10 <> 4" >"$T/job2.yaml"
A="--arg facts=$T/facts --arg dim=$T/dim"

# same(REF, OUT): the unordered sinks' rows sorted, the ordered sink's part files in order
same() {
    [ -f "$2/joined/_SUCCESS" ] && [ -f "$2/ranked/_SUCCESS" ] && [ -f "$2/tags/_SUCCESS" ] &&
    [ "$(cat "$1"/joined/part-* | sort)" = "$(cat "$2"/joined/part-* | sort)" ] &&
    [ "$(cat "$1"/ranked/part-*)" = "$(cat "$2"/ranked/part-*)" ] &&
    [ "$("$SMELT" sql --format tsv "SELECT * FROM parquet.\`$1/tags\` ORDER BY 1, 2")" = \
      "$("$SMELT" sql --format tsv "SELECT * FROM parquet.\`$2/tags\` ORDER BY 1, 2")" ]
}
# killed(OUT, LOG): the first sink committed, nothing of the others, no staging directory
killed() {
    [ -f "$1/joined/_SUCCESS" ] && [ ! -e "$1/ranked" ] && [ ! -e "$1/tags" ] &&
    [ -z "$(ls -a "$1" "$T"/ck* 2>/dev/null | grep -i staging)" ] &&
    grep -q "stage joined .*checkpointed" "$2" && ! grep -q "stage per_key .*checkpointed" "$2"
}
# resumed(LOG): the checkpointed stage was read back, not computed; the committed sink kept
# (after --retries, the log of the last attempt)
resumed() {
    if grep -q "attempt 2 of 2 (--resume" "$1"; then
        sed -n '/attempt 2 of 2 (--resume/,$p' "$1" >"$1.last"; set -- "$1.last"
    fi
    grep -q "stage joined: read from the checkpoint, not recomputed" "$1" &&
    ! grep -q "stage joined \.\.\." "$1" &&
    grep -q "sink joined_out: committed by an earlier attempt" "$1" &&
    grep -q "stage per_key .*checkpointed" "$1"
}

# ---- one process (no MPI needed)
"$SMELT" run "$T/job.yaml" $A --arg out="$T/ref" --quiet 2>"$T/ref.err" || fail "uninterrupted run" "$T/ref.err"
[ "$(cat "$T"/ref/ranked/part-* | wc -l)" -eq 10 ] && [ "$(cat "$T"/ref/joined/part-* | wc -l)" -gt 900 ] &&
    pass "uninterrupted run of a 5-step job with 3 sinks" || fail "uninterrupted run" "$T/ref.err"

if "$SMELT" run "$T/job.yaml" $A --arg out="$T/c0" --checkpoint "$T/ck0" 2>"$T/c0.err" && same "$T/ref" "$T/c0" &&
    [ "$(grep -c '^stage	' "$T/ck0/_manifest")" -eq 3 ] && [ "$(grep -c '^sink	' "$T/ck0/_manifest")" -eq 3 ]; then
    pass "with --checkpoint: same output, 3 stages and 3 sinks recorded"
else
    fail "run with --checkpoint" "$T/c0.err"
fi

SMELT_TEST_KILL_STAGE=per_key "$SMELT" run "$T/job.yaml" $A --arg out="$T/c1" --checkpoint "$T/ck1" >/dev/null 2>"$T/c1.err"
rc=$?
if [ $rc -ne 0 ] && killed "$T/c1" "$T/c1.err"; then
    pass "killed when stage per_key starts (exit $rc): first sink committed, no partial output"
else
    fail "killed run (exit $rc)" "$T/c1.err"; ls -a "$T/c1"
fi
if "$SMELT" run "$T/job.yaml" $A --arg out="$T/c1" --checkpoint "$T/ck1" --resume 2>"$T/c1r.err" &&
    same "$T/ref" "$T/c1" && resumed "$T/c1r.err"; then
    pass "--resume: same output as the uninterrupted run; stage joined not recomputed"
else
    fail "--resume on one process" "$T/c1r.err"
fi
if "$SMELT" run "$T/job.yaml" $A --arg out="$T/c1" --checkpoint "$T/ck1" --resume 2>"$T/c1rr.err" &&
    [ "$(grep -c '^sink .*committed by an earlier attempt' "$T/c1rr.err")" -eq 3 ] && same "$T/ref" "$T/c1"; then
    pass "--resume of a finished run writes nothing again"
else
    fail "--resume of a finished run" "$T/c1rr.err"
fi

SMELT_TEST_KILL_STAGE=per_key "$SMELT" run "$T/job.yaml" $A --arg out="$T/c2" --checkpoint "$T/ck2" --retries 1 \
    >/dev/null 2>"$T/c2.err"
rc=$?
if [ $rc -eq 0 ] && same "$T/ref" "$T/c2" && grep -q "attempt 1 of 2 was killed by signal 9" "$T/c2.err" &&
    grep -q "attempt 2 of 2 (--resume" "$T/c2.err" && resumed "$T/c2.err"; then
    pass "--retries 1 recovers on its own, resuming from the checkpoint"
else
    fail "--retries 1 (exit $rc)" "$T/c2.err"
fi
"$SMELT" run "$T/job.yaml" --arg facts="$T/nowhere" --arg dim="$T/dim" --arg out="$T/c3" --retries 1 \
    >/dev/null 2>"$T/c3.err"
rc=$?
if [ $rc -eq 1 ] && grep -q "attempt 2 of 2 (no --checkpoint: from the start)" "$T/c3.err" &&
    grep -q "giving up after 2 attempts" "$T/c3.err" && [ ! -e "$T/c3" ]; then
    pass "--retries 1 without --checkpoint starts over, then gives up (exit 1)"
else
    fail "--retries without --checkpoint (exit $rc)" "$T/c3.err"
fi

# a changed job: its stages' fingerprints differ, the checkpoint is ignored
"$SMELT" run "$T/job2.yaml" $A --arg out="$T/ref2" --quiet 2>"$T/ref2.err" || fail "changed job" "$T/ref2.err"
if "$SMELT" run "$T/job2.yaml" $A --arg out="$T/c4" --checkpoint "$T/ck1" --resume 2>"$T/c4.err" &&
    same "$T/ref2" "$T/c4" && grep -q "stage joined: its checkpoint is from another definition" "$T/c4.err" &&
    ! grep -q "read from the checkpoint" "$T/c4.err" && ! grep -q "committed by an earlier" "$T/c4.err" &&
    ! same "$T/ref" "$T/c4"; then
    pass "a checkpoint of a changed job is ignored (recomputed, with a message)"
else
    fail "changed job with an old checkpoint" "$T/c4.err"
fi
# changed input: one fact file is touched with new rows
cp -r "$T/facts" "$T/facts2"; echo "99999,3,t1,5.5" >>"$T/facts2/part2.csv"
if "$SMELT" run "$T/job.yaml" --arg facts="$T/facts2" --arg dim="$T/dim" --arg out="$T/c5" --checkpoint "$T/ck0" --resume \
    2>"$T/c5.err" && ! grep -q "read from the checkpoint" "$T/c5.err" &&
    [ "$(cat "$T"/c5/joined/part-* | grep -c '^3,99999')" -eq 1 ]; then
    pass "a checkpoint of other input is ignored"
else
    fail "changed input with an old checkpoint" "$T/c5.err"
fi

# a corrupt manifest is an error naming the file; --resume needs --checkpoint
cp -r "$T/ck0" "$T/ckbad"; printf 'smelt-checkpoint 1\nversion\t0.1.0\njob\tckpt_test\nstage\tzz\n' >"$T/ckbad/_manifest"
"$SMELT" run "$T/job.yaml" $A --arg out="$T/c6" --checkpoint "$T/ckbad" --resume >/dev/null 2>"$T/c6.err"
rc=$?
if [ $rc -eq 1 ] && grep -q "ckbad/_manifest: line 4 is not a manifest entry" "$T/c6.err" && [ ! -e "$T/c6" ]; then
    pass "a corrupt manifest is an error naming the file"
else
    fail "corrupt manifest (exit $rc)" "$T/c6.err"
fi
cp -r "$T/ck0" "$T/ckgone"; rm -f "$T"/ckgone/joined-*/_SUCCESS
"$SMELT" run "$T/job.yaml" $A --arg out="$T/c7" --checkpoint "$T/ckgone" --resume >/dev/null 2>"$T/c7.err"
rc=$?
if [ $rc -eq 1 ] && grep -q "stage 'joined' is recorded in .* but has no _SUCCESS" "$T/c7.err"; then
    pass "a recorded stage without _SUCCESS is an error naming its directory"
else
    fail "stage without _SUCCESS (exit $rc)" "$T/c7.err"
fi
"$SMELT" run "$T/job.yaml" $A --arg out="$T/c8" --resume >/dev/null 2>"$T/c8.err"
[ $? -eq 2 ] && grep -q "give --checkpoint DIR" "$T/c8.err" && pass "--resume without --checkpoint: a usage error" ||
    fail "--resume without --checkpoint" "$T/c8.err"
sed 's/^    order_by: \[sv DESC, k\]/    order_by: [sv DESC, k]\n    checkpoint: true/' "$T/job.yaml" >"$T/job3.yaml"
"$SMELT" run "$T/job3.yaml" $A --arg out="$T/c9" --checkpoint "$T/ck9" >/dev/null 2>"$T/c9.err"
[ $? -eq 1 ] && grep -q "a order_by step cannot be checkpointed" "$T/c9.err" && [ ! -e "$T/c9" ] &&
    pass "checkpoint: true on an order_by step is refused" || fail "checkpoint: true on order_by" "$T/c9.err"

# ---- MPI: killed on 2 ranks, resumed on 3
if ! command -v mpirun >/dev/null 2>&1; then echo "skipped: MPI part (mpirun not found)"; exit 0; fi
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=0
export HWLOC_COMPONENTS=-gl OMPI_MCA_btl_vader_single_copy_mechanism=none SMELT_EXCHANGE_ROUND_BYTES=65536
MPIRUN="timeout 120 mpirun --bind-to none"
if ! $MPIRUN -n 2 "$SMELT" sql --format tsv "SELECT 1" >"$T/probe" 2>&1; then
    if grep -q "built without MPI" "$T/probe"; then echo "skipped: MPI part ($SMELT was built without MPI)"; exit 0; fi
    fail "mpirun -n 2 smelt sql 'SELECT 1'" "$T/probe"; exit 0
fi
if $MPIRUN -n 2 "$SMELT" run "$T/job.yaml" $A --arg out="$T/m0" --checkpoint "$T/mck0" 2>"$T/m0.err" &&
    same "$T/ref" "$T/m0"; then
    pass "2 ranks with --checkpoint = one process"
else
    fail "2 ranks with --checkpoint" "$T/m0.err"
fi
start=$(date +%s)
SMELT_TEST_KILL_STAGE=per_key SMELT_TEST_KILL_STAGE_RANK=1 $MPIRUN -n 2 "$SMELT" run "$T/job.yaml" $A \
    --arg out="$T/m1" --checkpoint "$T/mck1" >/dev/null 2>"$T/m1.err"
rc=$?
took=$(( $(date +%s) - start ))
if [ $rc -ne 0 ] && [ $rc -ne 124 ] && [ $took -lt 60 ] && killed "$T/m1" "$T/m1.err"; then
    pass "rank 1 of 2 killed when stage per_key starts: clean failure (exit $rc, ${took}s), no partial output"
else
    fail "killed rank (exit $rc, ${took}s)" "$T/m1.err"; ls -a "$T/m1" "$T/mck1"
fi
if $MPIRUN -n 3 "$SMELT" run "$T/job.yaml" $A --arg out="$T/m1" --checkpoint "$T/mck1" --resume 2>"$T/m1r.err" &&
    same "$T/ref" "$T/m1" && resumed "$T/m1r.err"; then
    pass "resumed on 3 ranks after 2: same output as the uninterrupted run, stage joined not recomputed"
else
    fail "resume on 3 ranks" "$T/m1r.err"
fi
# killed inside a stage (at an exchange of run_mpi.sh's hook) on 3 ranks, resumed on 2
SMELT_TEST_KILL_RANK=1 SMELT_TEST_KILL_AT=2 $MPIRUN -n 3 "$SMELT" run "$T/job.yaml" $A \
    --arg out="$T/m4" --checkpoint "$T/mck4" >/dev/null 2>"$T/m4.err"
rc=$?
if [ $rc -ne 0 ] && [ $rc -ne 124 ] && [ ! -e "$T/m4/tags" ] && [ ! -e "$T/m4/ranked" ] &&
    [ -z "$(ls -a "$T/mck4" "$T/m4" 2>/dev/null | grep -i staging)" ] &&
    $MPIRUN -n 2 "$SMELT" run "$T/job.yaml" $A --arg out="$T/m4" --checkpoint "$T/mck4" --resume 2>"$T/m4r.err" &&
    same "$T/ref" "$T/m4" && grep -q "read from the checkpoint, not recomputed" "$T/m4r.err"; then
    pass "rank 1 of 3 killed inside a stage's exchange, resumed on 2 ranks: same output"
else
    fail "killed inside a stage, resumed on 2 ranks (exit $rc)" "$T/m4.err"; cat "$T/m4r.err"
fi
SMELT_TEST_KILL_STAGE=per_key SMELT_TEST_KILL_STAGE_RANK=1 timeout 180 "$SMELT" run "$T/job.yaml" $A \
    --arg out="$T/m2" --checkpoint "$T/mck2" --ranks 2 --retries 1 >/dev/null 2>"$T/m2.err"
rc=$?
if [ $rc -eq 0 ] && same "$T/ref" "$T/m2" && grep -q "attempt 1 of 2 failed" "$T/m2.err" &&
    grep -q "attempt 2 of 2 (--resume" "$T/m2.err" && resumed "$T/m2.err"; then
    pass "--ranks 2 --retries 1 recovers from a killed rank on its own"
else
    fail "--ranks 2 --retries 1 (exit $rc)" "$T/m2.err"
fi
$MPIRUN -n 2 "$SMELT" run "$T/job.yaml" $A --arg out="$T/m3" --retries 1 >/dev/null 2>"$T/m3.err"
[ $? -ne 0 ] && grep -q "retries restarts the job, so smelt must start it" "$T/m3.err" &&
    pass "--retries under someone else's mpirun is refused with a hint" || fail "--retries under mpirun" "$T/m3.err"
exit 0
