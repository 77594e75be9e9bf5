#!/bin/sh
# Runs every test against one or more build directories and ends with the
# line "N passed, N failed" (what CI reads).
#   tests/run.sh build [build-asan]
# Each unit-test program prints PASS/FAIL lines; each golden or conformance
# script does the same.  A program that crashes counts as one failure.
cd "$(dirname "$0")/.." || exit 2
total_pass=0; total_fail=0
log=$(mktemp); trap 'rm -f "$log"' EXIT
for b in "$@"; do
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1
  for t in "$b"/tests/test_*; do
    [ -x "$t" ] || continue
    "$t" >"$log" 2>&1; rc=$?
    p=$(grep -c '^PASS ' "$log"); f=$(grep -c '^FAIL ' "$log")
    if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "CRASH $t (exit $rc)"; tail -20 "$log"; fi
    [ "$f" -gt 0 ] && { echo "== $t"; grep -v '^PASS ' "$log" | head -60; }
    echo "$b/$(basename "$t"): $p passed, $f failed"
    total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
  done
  for s in tests/golden/run_*.sh tests/conformance/run_*.sh tests/fuzz/run_*.sh tests/mpi/run_*.sh; do
    [ -x "$s" ] || continue
    "$s" "$b" >"$log" 2>&1; rc=$?
    p=$(grep -c '^PASS ' "$log"); f=$(grep -c '^FAIL ' "$log")
    if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "ERROR $s (exit $rc)"; tail -20 "$log"; fi
    [ "$f" -gt 0 ] && { echo "== $s"; grep -v '^PASS ' "$log" | head -60; }
    echo "$b/$(basename "$s"): $p passed, $f failed"
    total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
  done
done
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
