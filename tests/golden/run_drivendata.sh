#!/bin/sh
# End-to-end test of the example job: build/drivendata on generated inputs,
# compared with what PySpark's version of the job (drivendata_spark.py) wrote
# for the same inputs (tests/golden/drivendata/expected, made by
# make_expected.sh).  Rows are compared as sets, doubles to a relative 1e-9.
#   tests/golden/run_drivendata.sh BUILD_DIR
# Prints one "PASS name" / "FAIL name" line per check.
cd "$(dirname "$0")/../.." || exit 2
b=${1:-build}
bin=$b/drivendata
here=tests/golden/drivendata
cmp="python3 $here/compare_outputs.py compare"
if [ ! -x "$bin" ]; then echo "FAIL drivendata_built: $bin missing"; exit 1; fi
tmp=$(mktemp -d); trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT

for c in sample:examples/drivendata/data seed7:$here/input2 messy:$here/messy; do
  name=${c%%:*}; raw=${c#*:}
  if "$bin" "$raw" "$tmp/$name" >"$tmp/$name.log" 2>&1; then
    $cmp "drivendata_${name}_filtered" "$here/expected/$name/filtered.csv" "$tmp/$name/filtered"
    $cmp "drivendata_${name}_grouped" "$here/expected/$name/grouped.csv" "$tmp/$name/grouped"
  else
    echo "FAIL drivendata_${name}: exit $?"; sed 's/^/  /' "$tmp/$name.log"
  fi
done

# Running again over the same OUT_DIR replaces the outputs (mode overwrite).
if "$bin" examples/drivendata/data "$tmp/sample" >/dev/null 2>&1 &&
   $cmp drivendata_rerun "$here/expected/sample/filtered.csv" "$tmp/sample/filtered" >/dev/null &&
   [ "$(ls -A "$tmp" | grep -c smelt-staging)" -eq 0 ] &&
   [ "$(ls "$tmp/sample/filtered" | grep -c '^part-')" -ge 1 ]; then
  echo "PASS drivendata_overwrite"
else
  echo "FAIL drivendata_overwrite"
fi

# Bad input: one clear message, non-zero exit, no output.
check_fail() { # name expected-substring raw out
  n=$1; want=$2; shift 2
  if "$bin" "$@" >"$tmp/err.log" 2>&1; then
    echo "FAIL $n: exit 0"
  elif ! grep -q -- "$want" "$tmp/err.log"; then
    echo "FAIL $n: message lacks '$want':"; sed 's/^/  /' "$tmp/err.log"
  else
    echo "PASS $n"
  fi
}
check_fail drivendata_missing_raw_dir "is not a directory" "$tmp/no_such_dir" "$tmp/out_missing"
[ -e "$tmp/out_missing" ] && echo "FAIL drivendata_missing_raw_dir_no_output" || echo "PASS drivendata_missing_raw_dir_no_output"
mkdir -p "$tmp/empty_raw"
check_fail drivendata_no_csv "no CSV files" "$tmp/empty_raw" "$tmp/out_empty"
check_fail drivendata_usage "usage:" only_one_arg
: > "$tmp/a_file"
check_fail drivendata_out_is_under_a_file "not a directory" examples/drivendata/data "$tmp/a_file/out"
# A malformed input (a string where a column is inferred as a number is fine
# for inferSchema, so break the header instead: a missing column name).
mkdir -p "$tmp/bad_raw"
printf 'unique_id,person_name\n1,Al\n' > "$tmp/bad_raw/batch.csv"
check_fail drivendata_missing_columns "email" "$tmp/bad_raw" "$tmp/out_bad"
[ -e "$tmp/out_bad" ] && echo "FAIL drivendata_missing_columns_no_output" || echo "PASS drivendata_missing_columns_no_output"
exit 0
