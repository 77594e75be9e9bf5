#!/bin/sh
# Runs every golden script (tests/golden/cases/**/*.case that has a
# .expected beside it) through smelt and compares the output with Spark's.
#   tests/golden/run_golden.sh build        (or build-asan)
# Prints "PASS <case>", "FAIL <case>" plus a short diff, or "SKIP <case>"
# when an input under ../shared is not on this machine.  Exit status 1 when
# any case failed.  Expected outputs come from tests/golden/spark_golden.py.
cd "$(dirname "$0")/../.." || exit 2
build=${1:-build}
runner="$build/tests/golden_run"
if [ ! -x "$runner" ]; then
  echo "FAIL golden: $runner is missing (make BUILD=$build all)"
  exit 1
fi
out=$(mktemp); trap 'rm -f "$out"' EXIT
failed=0
for case in $(find tests/golden/cases -name '*.case' | sort); do
  expected="${case%.case}.expected"
  [ -f "$expected" ] || continue
  missing=""
  for p in $(sed -n 's/^read_csv \(\.\.\/shared[^ ]*\).*/\1/p' "$case"); do
    [ -e "$p" ] || missing="$missing $p"
  done
  if [ -n "$missing" ]; then
    echo "SKIP $case (missing$missing)"
    continue
  fi
  "$runner" "$case" >"$out" 2>&1
  rc=$?
  if python3 tests/golden/compare.py "$expected" "$out" >"$out.diff" 2>&1 && [ $rc -eq 0 ]; then
    echo "PASS $case"
  else
    echo "FAIL $case (exit $rc)"
    head -30 "$out.diff"
    grep '^error' "$out" | head -3
    failed=1
  fi
  rm -f "$out.diff"
done
exit $failed
