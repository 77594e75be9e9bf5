#!/bin/sh
# A short smoke run of every libFuzzer target (tests/run.sh calls it with the
# build directory; the targets live in build-fuzz/ whatever that is).  Each
# target starts from its seed corpus (tests/fuzz/corpus/<target>/, the inputs
# that once crashed it included) and runs for a few seconds; a crash, leak or
# sanitizer report fails it.  Long runs: build-fuzz/fuzz_csv -max_total_time=600
cd "$(dirname "$0")/../.." || exit 2
[ "$1" = "build" ] || exit 0   # once per test run, not once per build dir
for t in build-fuzz/fuzz_*; do
  [ -x "$t" ] || continue
  name=$(basename "$t")
  corpus=tests/fuzz/corpus/$name
  work=$(mktemp -d)
  [ -d "$corpus" ] && cp "$corpus"/* "$work"/ 2>/dev/null
  if "$t" -max_total_time="${FUZZ_SECONDS:-10}" -rss_limit_mb=2048 "$work" >"$work.log" 2>&1; then
    echo "PASS $name ($(grep -o 'Done [0-9]* runs' "$work.log" | tail -1))"
  else
    echo "FAIL $name"; tail -30 "$work.log"
  fi
  rm -rf "$work" "$work.log"
done
