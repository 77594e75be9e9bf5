#!/bin/sh
# Job files end to end: `smelt run` (src/job/, docs/jobs.md).
#   tests/golden/run_jobs.sh BUILD_DIR
# Prints one "PASS name" / "FAIL name" line per check.
#  1. examples/drivendata/job.yaml on the three inputs of the drivendata
#     golden test, compared with PySpark's outputs (rows as sets, doubles to
#     a relative 1e-9), a rerun over the same output (mode overwrite), the
#     summary, and --explain (plans printed, nothing written).
#  2. tests/job/cases/*.yaml: every kind of step, compared with
#     tests/job/cases/<case>/<sink>.csv (made by tests/job/gen_expected.py).
#  3. tests/job/errors/*.yaml: each must fail with exit status 1, write
#     nothing, and print every "# expect: LINE:COL: text" line of the file as
#     "FILE:LINE:COL: ...text..." ("# args: ..." gives the command's --args).
cd "$(dirname "$0")/../.." || exit 2
b=${1:-build}
bin=$b/smelt
cmp="python3 tests/golden/drivendata/compare_outputs.py compare"
dd=tests/golden/drivendata
if [ ! -x "$bin" ]; then echo "FAIL jobs_built: $bin missing"; exit 1; fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# ---- 1. the drivendata job -------------------------------------------------------
job=examples/drivendata/job.yaml
for c in sample:examples/drivendata/data seed7:$dd/input2 messy:$dd/messy; do
  name=${c%%:*}; raw=${c#*:}
  if "$bin" run $job --arg input="$raw" --arg output="$tmp/$name" >"$tmp/$name.log" 2>&1; then
    $cmp "job_drivendata_${name}_filtered" "$dd/expected/$name/filtered.csv" "$tmp/$name/filtered"
    $cmp "job_drivendata_${name}_grouped" "$dd/expected/$name/grouped.csv" "$tmp/$name/grouped"
  else
    echo "FAIL job_drivendata_${name}: exit $?"; sed 's/^/  /' "$tmp/$name.log"
  fi
done

# Rerun over the same output: replaced (mode overwrite), same rows.
mkdir -p "$tmp/tmpd"
if TMPDIR="$tmp/tmpd" "$bin" run $job --arg input=examples/drivendata/data --arg output="$tmp/sample" \
     >"$tmp/rerun.log" 2>&1 &&
   $cmp job_rerun "$dd/expected/sample/grouped.csv" "$tmp/sample/grouped" >/dev/null; then
  echo "PASS job_drivendata_rerun"
else
  echo "FAIL job_drivendata_rerun"; sed 's/^/  /' "$tmp/rerun.log"
fi

# The summary: a line per sink written with its rows (as the writer counted
# them: grouped.csv has a header line) and the rows its scans read (the
# input's data lines: 2 files with a header each), from the event log; a
# line per source, peak memory.  The run's temporary event log is removed.
rows=$(($(wc -l < "$dd/expected/sample/grouped.csv") - 1))
in_rows=$(($(cat examples/drivendata/data/*.csv | wc -l) - 2))
if grep -q "writing sink grouped .* done" "$tmp/rerun.log" &&
   grep -q "sink *grouped *wrote $rows rows" "$tmp/rerun.log" &&
   grep -q "read $in_rows rows in 1 scan; 1 job, [0-9]* stages, [0-9]* tasks" "$tmp/rerun.log" &&
   grep -q "source *raw *read 2 files" "$tmp/rerun.log" &&
   grep -q "peak memory" "$tmp/rerun.log" &&
   ! grep -q "event log" "$tmp/rerun.log" &&
   [ -z "$(ls -A "$tmp/tmpd")" ]; then
  echo "PASS job_summary"
else
  echo "FAIL job_summary (want 'wrote $rows rows' for grouped, 'read $in_rows rows')"; sed 's/^/  /' "$tmp/rerun.log"
fi

# --event-log FILE: the run's jobs, stages, tasks and operators as JSON
# lines (docs/event-log.md), named in the summary.
if "$bin" run $job --arg input=examples/drivendata/data --arg output="$tmp/sample" \
     --event-log "$tmp/events.jsonl" >"$tmp/events.log" 2>&1 &&
   grep -q "event log $tmp/events.jsonl" "$tmp/events.log" &&
   [ "$(grep -c '"Event":"JobEnd","Job ID":[0-9]*,"Result":"succeeded"' "$tmp/events.jsonl")" -eq 2 ] &&
   [ "$(grep -c '"Event":"OutputCommitted"' "$tmp/events.jsonl")" -eq 2 ] &&
   grep -q "\"Event\":\"OutputCommitted\".*\"Rows\":$rows," "$tmp/events.jsonl" &&
   grep -q '"Event":"TaskEnd"' "$tmp/events.jsonl"; then
  echo "PASS job_event_log"
else
  echo "FAIL job_event_log"; sed 's/^/  /' "$tmp/events.log"; head -5 "$tmp/events.jsonl" 2>/dev/null
fi

# --explain: each sink's plan, nothing written.
if "$bin" run $job --explain --arg input=examples/drivendata/data --arg output="$tmp/explained" \
     >"$tmp/explain.out" 2>&1 &&
   [ "$(grep -c '== Physical Plan ==' "$tmp/explain.out")" -eq 2 ] &&
   grep -q '^== sink grouped' "$tmp/explain.out" && [ ! -e "$tmp/explained" ]; then
  echo "PASS job_explain"
else
  echo "FAIL job_explain"; sed 's/^/  /' "$tmp/explain.out"
fi

# Command-line mistakes: an undeclared --arg (exit 1, named), a bad option (exit 2).
"$bin" run $job --arg input=x --arg output=y --arg ouptut=z >"$tmp/arg.log" 2>&1; rc=$?
if [ $rc -eq 1 ] && grep -q "no argument 'ouptut'; did you mean 'output'" "$tmp/arg.log"; then
  echo "PASS job_undeclared_arg"
else
  echo "FAIL job_undeclared_arg (exit $rc)"; sed 's/^/  /' "$tmp/arg.log"
fi
"$bin" run $job --frobnicate >"$tmp/opt.log" 2>&1; rc=$?
[ $rc -eq 2 ] && echo "PASS job_bad_command_line" || echo "FAIL job_bad_command_line (exit $rc)"

# Parquet sinks and sources: the filtered rows written as Parquet read back with the same count
# and sum as the CSV query gives.
if "$bin" run tests/job/parquet_roundtrip.yaml --arg input=examples/drivendata/data \
     --arg output="$tmp/pq" >"$tmp/pq.log" 2>&1; then
  got=$("$bin" sql --format tsv "SELECT count(*), sum(consumed_traffic) FROM parquet.\`$tmp/pq/pq\`" 2>&1)
  want=$("$bin" sql --format tsv -f - 2>&1 <<SQL
CREATE TEMPORARY VIEW raw USING csv OPTIONS (path 'examples/drivendata/data', header 'true', inferSchema 'true');
SELECT count(*), sum(consumed_traffic) FROM raw WHERE session_duration > 120;
SQL
)
  if [ -n "$got" ] && [ "$got" = "$want" ]; then echo "PASS job_parquet_sink"
  else echo "FAIL job_parquet_sink: got '$got', want '$want'"; fi
else
  echo "FAIL job_parquet_sink"; sed 's/^/  | /' "$tmp/pq.log"
fi
# partition_by on a sink: region=/year= directories, read back to the same rows.
if "$bin" run tests/job/partitioned_sink.yaml --arg output="$tmp/part" >"$tmp/part.log" 2>&1 &&
   [ -d "$tmp/part/by_region/region=west%2Fnorth/year=2024" ] &&
   [ -d "$tmp/part/by_region/region=east/year=__HIVE_DEFAULT_PARTITION__" ]; then
  got=$("$bin" sql --format tsv "SELECT count(*), sum(amount), sum(year), count(DISTINCT region) FROM parquet.\`$tmp/part/by_region\`" 2>&1)
  files=$(find "$tmp/part/by_region" -name '*.parquet' | wc -l)
  if [ "$got" = "$(printf '6\t46.75\t10118\t2')" ] && [ "$files" -eq 6 ]; then echo "PASS job_partitioned_sink"
  else echo "FAIL job_partitioned_sink: got '$got', $files files"; fi
else
  echo "FAIL job_partitioned_sink"; sed 's/^/  | /' "$tmp/part.log"; find "$tmp/part" | head
fi
# JSON sources and sinks: nested values through a gzip, partitioned JSON sink and back.
if "$bin" run tests/job/json_roundtrip.yaml --arg output="$tmp/js" >"$tmp/js.log" 2>&1 &&
   [ -d "$tmp/js/people/ok=true" ] && [ -d "$tmp/js/people/ok=__HIVE_DEFAULT_PARTITION__" ]; then
  got=$("$bin" sql --format tsv "SELECT count(*), sum(size(tags)), max(addr.geo.lat), count(ok) FROM json.\`$tmp/js/people\`" 2>&1)
  files=$(find "$tmp/js/people" -name '*.json.gz' | wc -l)
  if [ "$got" = "$(printf '4\t3\t1.5\t2')" ] && [ "$files" -eq 3 ]; then echo "PASS job_json_sink"
  else echo "FAIL job_json_sink: got '$got', $files files"; fi
else
  echo "FAIL job_json_sink"; sed 's/^/  | /' "$tmp/js.log"; find "$tmp/js" | head
fi
"$bin" run "$tmp/no-such-job.yaml" >"$tmp/nofile.log" 2>&1; rc=$?
if [ $rc -eq 1 ] && grep -q "cannot read job file" "$tmp/nofile.log"; then
  echo "PASS job_missing_file"
else
  echo "FAIL job_missing_file (exit $rc)"
fi

# ---- 2. every kind of step ------------------------------------------------------------
for f in tests/job/cases/*.yaml; do
  case=$(basename "$f" .yaml)
  if "$bin" run "$f" --arg out="$tmp/case_$case" >"$tmp/case.log" 2>&1; then
    for e in tests/job/cases/$case/*.csv; do
      s=$(basename "$e" .csv)
      $cmp "job_case_${case}_$s" "$e" "$tmp/case_$case/$s"
    done
  else
    echo "FAIL job_case_$case: exit $?"; sed 's/^/  /' "$tmp/case.log"
  fi
done

# ---- 3. job-file errors, with their places -------------------------------------------------
rm -rf /tmp/smelt-job-test-never /tmp/smelt-job-test-never2
for f in tests/job/errors/*.yaml; do
  name=job_error_$(basename "$f" .yaml)
  args=$(sed -n 's/^# args://p' "$f")
  # shellcheck disable=SC2086
  "$bin" run "$f" $args >"$tmp/err.log" 2>&1; rc=$?
  ok=1
  if [ $rc -ne 1 ]; then echo "FAIL $name: exit $rc, want 1"; ok=0; fi
  sed -n 's/^# expect: //p' "$f" >"$tmp/expect"
  while IFS= read -r want; do
    pos=${want%%: *}; text=${want#*: }
    if ! grep -F -- "$f:$pos: " "$tmp/err.log" | grep -q -F -- "$text" &&
       ! { grep -F -- "$f:$pos: " "$tmp/err.log" >/dev/null && grep -q -F -- "$text" "$tmp/err.log"; }; then
      [ $ok -eq 1 ] && echo "FAIL $name"
      echo "  missing: $f:$want"; ok=0
    fi
  done <"$tmp/expect"
  if [ -e /tmp/smelt-job-test-never ] || [ -e /tmp/smelt-job-test-never2 ]; then
    [ $ok -eq 1 ] && echo "FAIL $name"
    echo "  wrote output although the job has problems"; ok=0
    rm -rf /tmp/smelt-job-test-never /tmp/smelt-job-test-never2
  fi
  if [ $ok -eq 1 ]; then echo "PASS $name"; else sed 's/^/  | /' "$tmp/err.log"; fi
done
exit 0
