#!/bin/sh
# Runs smelt's SQL golden tests: every tests/sql/**/X.sql that has an
# X.sql.out (written by tests/sql/gen_expected.py through PySpark) goes
# through ../shared/conformance/run_spark_golden.py --mode query, one smelt
# process per statement with the file's earlier state-changing statements
# replayed first, and prints one PASS or FAIL line per file (failures with
# the runner's details).
#   tests/sql/run_sql.sh build [FILE.sql ...]
# The engine settings match the generator's: ANSI off, time zone UTC, a
# fresh temporary warehouse per process; "--SET k=v" lines of a file become
# --conf options.
cd "$(dirname "$0")/../.." || exit 2
build=${1:-build}
[ $# -gt 0 ] && shift
smelt="$build/smelt"
runner=../shared/conformance/run_spark_golden.py
if [ ! -x "$smelt" ]; then
  echo "FAIL sql: $smelt is missing (make BUILD=$build)"
  exit 1
fi
if [ ! -f "$runner" ]; then
  echo "SKIP sql: $runner is not on this machine"
  exit 0
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
if [ $# -gt 0 ]; then files="$*"; else files=$(find tests/sql -name '*.sql' | sort); fi
failed=0
for f in $files; do
  [ -f "$f.out" ] || continue
  conf="--conf spark.sql.ansi.enabled=false --conf spark.sql.session.timeZone=UTC"
  for kv in $(sed -n 's/^--SET[ 	]*//p' "$f" | tr ',' ' '); do conf="$conf --conf $kv"; done
  # Each process gets a fresh warehouse: the runner replays the file's
  # earlier statements (CREATE TABLE, INSERT ...) before every case.
  cat >"$tmp/engine.sh" <<ENGINE
#!/bin/sh
w=\$(mktemp -d "$tmp/wh.XXXXXX")
"$smelt" sql --format tsv --schema --last-only --warehouse "\$w" $conf -f -
rc=\$?
rm -rf "\$w"
exit \$rc
ENGINE
  chmod +x "$tmp/engine.sh"
  if python3 "$runner" --engine "$tmp/engine.sh" --timeout 30 "$f.out" >"$tmp/log" 2>&1; then
    echo "PASS $f"
  else
    echo "FAIL $f: $(tail -1 "$tmp/log")"
    grep -v '^[0-9]* passed\|: [0-9]* passed' "$tmp/log" | head -40 | sed 's/^/    /'
    failed=1
  fi
done
exit $failed
