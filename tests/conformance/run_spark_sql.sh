#!/bin/sh
# The Spark SQL conformance report: Apache Spark's own golden files (the core
# list of ../shared/conformance/README.md) through `smelt sql`, each with the
# settings Spark baked into its expected results, and the pass rate per file
# written to docs/sql-conformance.md (between the "spark-sql" markers).
#   tests/conformance/run_spark_sql.sh --report [BUILD] [--schema strict|types|off]
# A report, not a test: tests/run.sh runs every tests/conformance/run_*.sh
# with a build directory, and without --report this prints a SKIP line.
#
# Settings per file (README of the golden files): ANSI on except nonansi/*,
# session time zone America/Los_Angeles, postgreSQL/* with
# spark.sql.legacy.interval.enabled=true, "--SET k=v" lines of the input file;
# limit.sql gets Spark's built-in test tables (builtin_tables.sql) as setup.
# Each case is one smelt process with a fresh warehouse; the runner replays
# the file's earlier state-changing statements first.
cd "$(dirname "$0")/../.." || exit 2
if [ "$1" != "--report" ]; then
  echo "SKIP run_spark_sql.sh: a report, not a test (run it with --report [BUILD])"
  exit 0
fi
shift
build=build
case "$1" in ""|--*) ;; *) build=$1; shift ;; esac
schema=strict
[ "$1" = "--schema" ] && schema=$2
case "$build" in /*) smelt="$build/smelt" ;; *) smelt="$PWD/$build/smelt" ;; esac
tests=../shared/conformance/spark-sql-tests
runner=../shared/conformance/run_spark_golden.py
[ -x "$smelt" ] || { echo "no $smelt: make first" >&2; exit 2; }
[ -d "$tests" ] || { echo "no $tests on this machine" >&2; exit 2; }
files="group-by having count null-handling order-by-nulls-ordering limit inner-join outer-join
natural-join using-join join-empty-relation union except intersect-all nonansi/cast cast
nonansi/string-functions string-functions regexp-functions date datetime-formatting
sql-compatibility-functions conditional-functions window postgreSQL/case"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
table="$tmp/table"
: >"$table"
all_pass=0; all_total=0
for f in $files; do
  conf="--conf spark.sql.session.timeZone=America/Los_Angeles"
  case "$f" in
    nonansi/*) conf="$conf --conf spark.sql.ansi.enabled=false" ;;
    *) conf="$conf --conf spark.sql.ansi.enabled=true" ;;
  esac
  case "$f" in postgreSQL/*) conf="$conf --conf spark.sql.legacy.interval.enabled=true" ;; esac
  for kv in $(sed -n 's/^--SET[ 	]*//p' "$tests/inputs/$f.sql" 2>/dev/null | tr ',' ' '); do
    conf="$conf --conf $kv"
  done
  setup=""
  [ "$f" = limit ] && setup="--setup $tests/builtin_tables.sql"
  cat >"$tmp/engine.sh" <<ENGINE
#!/bin/sh
w=\$(mktemp -d "$tmp/wh.XXXXXX")
cd "\$w" && "$smelt" sql --format tsv --schema --last-only --warehouse "\$w/wh" $conf -f -
rc=\$?
rm -rf "\$w"
exit \$rc
ENGINE
  chmod +x "$tmp/engine.sh"
  start=$(date +%s)
  python3 "$runner" --engine "$tmp/engine.sh" --schema "$schema" --timeout 30 $setup \
    --max-show 100000 "$tests/results/$f.sql.out" >"$tmp/log" 2>&1
  secs=$(( $(date +%s) - start ))
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$tmp/log" | tail -1)
  p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p'); p=${p:-0}
  fl=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p'); fl=${fl:-0}
  n=$((p + fl))
  pct=$(awk -v p="$p" -v n="$n" 'BEGIN { if (n) printf "%.1f%%", 100 * p / n; else print "-" }')
  printf '| %s | %d | %d | %s |\n' "$f" "$p" "$n" "$pct" >>"$table"
  printf '%-28s %4d / %-4d %6s  (%ds)\n' "$f" "$p" "$n" "$pct" "$secs"
  cp "$tmp/log" "$tmp/log.$(echo "$f" | tr / _)"
  all_pass=$((all_pass + p)); all_total=$((all_total + n))
done
overall=$(awk -v p="$all_pass" -v n="$all_total" 'BEGIN { if (n) printf "%.1f%%", 100 * p / n; else print "-" }')
echo "overall: $all_pass / $all_total ($overall)"

doc=docs/sql-conformance.md
[ -f "$doc" ] || printf '# SQL conformance\n\n<!-- spark-sql begin -->\n<!-- spark-sql end -->\n\n<!-- tpch begin -->\n<!-- tpch end -->\n' >"$doc"
{
  echo "<!-- spark-sql begin -->"
  echo "## Apache Spark's SQL golden files"
  echo
  echo "Measured $(date -u +%Y-%m-%d) with \`tests/conformance/run_spark_sql.sh --report $build\`"
  echo "(schema check: $schema; smelt $(git rev-parse --short HEAD 2>/dev/null || echo '?'))."
  echo "Each file runs with the settings of its expected results: ANSI on (off for \`nonansi/\`),"
  echo "time zone America/Los_Angeles, the \`--SET\` lines of its input; a case passes when"
  echo "its rows (and the printed \`struct<...>\` schema) equal Spark's, or when Spark and smelt"
  echo "both fail.  Command per file:"
  echo
  echo '    python3 ../shared/conformance/run_spark_golden.py --schema strict \'
  echo "      --engine 'build/smelt sql --format tsv --schema --last-only \\"
  echo "                --conf spark.sql.ansi.enabled=true \\"
  echo "                --conf spark.sql.session.timeZone=America/Los_Angeles -f -' \\"
  echo '      ../shared/conformance/spark-sql-tests/results/FILE.sql.out'
  echo
  echo "| file | passed | cases | rate |"
  echo "|---|---:|---:|---:|"
  cat "$table"
  echo "| **overall** | **$all_pass** | **$all_total** | **$overall** |"
  echo
  echo "Most common causes of failure (the runner's reason, error class for unexpected errors):"
  echo
  cat "$tmp"/log.* | sed -n 's/^  FAIL [^ ]* #[0-9]*: //p' |
    sed -e 's/^unexpected error: Error in query[^:]*: \[\([A-Z_.]*\)\].*/unexpected error \1/' \
        -e 's/^unexpected error: .*/unexpected error (other)/' \
        -e 's/^schema mismatch: .*/schema mismatch/' -e 's/^expected error class .*/other error class/' \
        -e 's/^expected error .*/expected an error, got rows/' |
    sort | uniq -c | sort -rn | head -12 | awk '{ n = $1; $1 = ""; printf "- %d: %s\n", n, substr($0, 2) }'
  echo "<!-- spark-sql end -->"
} >"$tmp/section"
python3 - "$doc" "$tmp/section" spark-sql <<'PY'
import re, sys
doc, section, name = sys.argv[1], open(sys.argv[2]).read().rstrip('\n'), sys.argv[3]
text = open(doc).read()
pat = re.compile(r'<!-- %s begin -->.*?<!-- %s end -->' % (name, name), re.S)
text = pat.sub(lambda m: section, text) if pat.search(text) else text.rstrip('\n') + '\n\n' + section + '\n'
open(doc, 'w').write(text)
PY
echo "wrote $doc"
if [ -n "$KEEP_LOGS" ]; then mkdir -p "$KEEP_LOGS" && cp "$tmp"/log.* "$KEEP_LOGS"/; fi
