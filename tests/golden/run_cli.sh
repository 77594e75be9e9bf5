#!/bin/sh
# End-to-end tests of the smelt program: `smelt sql` (formats, -f, standard
# input, errors, --last-only, --schema) and `smelt shell` driven through tmux
# as a user would drive it (a view over a CSV directory, a query, a mistyped
# column with its suggestion, exit).
#   tests/golden/run_cli.sh build
# Prints PASS/FAIL/SKIP lines; exit status 1 when anything failed.
cd "$(dirname "$0")/../.." || exit 2
build=${1:-build}
smelt="$build/smelt"
if [ ! -x "$smelt" ]; then
  echo "FAIL cli: $smelt is missing (make BUILD=$build)"
  exit 1
fi
case "$smelt" in /*) ;; *) smelt="$PWD/$smelt" ;; esac
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
failed=0
pass() { echo "PASS cli/$1"; }
fail() { echo "FAIL cli/$1"; shift; [ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/    /'; failed=1; }
# check NAME EXPECTED ACTUAL
check() {
  if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "expected: $(printf '%s' "$2" | od -c | head -5)" "got:      $(printf '%s' "$3" | od -c | head -5)"; fi
}
TAB=$(printf '\t')
CR=$(printf '\r')

# ---- smelt sql --------------------------------------------------------------
cd "$tmp" || exit 2   # the default warehouse (./smelt-warehouse) lands here

out=$("$smelt" sql "SELECT 1 AS a, 'x' AS b, CAST(NULL AS INT) AS c" 2>"$tmp/err")
check tsv-default "1${TAB}x${TAB}NULL" "$out"

out=$("$smelt" sql --format tsv --header -e "SELECT 1 AS a, 'x' AS b" 2>"$tmp/err")
check tsv-header "a${TAB}b
1${TAB}x" "$out"

out=$("$smelt" sql --format csv "SELECT 1 AS a, 'x,y' AS b, '' AS c, CAST(NULL AS STRING) AS d" 2>"$tmp/err")
check csv "a,b,c,d${CR}
1,\"x,y\",\"\",${CR}" "$out"

out=$("$smelt" sql --format json "SELECT 1 AS a, 'q\"' AS b, CAST(NULL AS INT) AS c, true AS d, TIMESTAMP'2020-01-02 03:04:05' AS t" 2>"$tmp/err")
check json '{"a":1,"b":"q\"","d":true,"t":"2020-01-02T03:04:05.000Z"}' "$out"

out=$("$smelt" sql --schema "SELECT 1 AS a, 'x' AS b" 2>"$tmp/err")
check schema "struct<a:int,b:string>
1${TAB}x" "$out"

# several statements; one with no rows prints nothing
printf "CREATE TEMPORARY VIEW v AS SELECT * FROM VALUES (1, 'a'), (2, 'b') AS t(k, s);\n-- a comment; with a semicolon\nSELECT s FROM v WHERE k = 2;\nSELECT s FROM v WHERE k = 3;\n" >"$tmp/q.sql"
out=$("$smelt" sql -f "$tmp/q.sql" 2>"$tmp/err")
check file "b" "$out"
out=$("$smelt" sql -f - <"$tmp/q.sql" 2>"$tmp/err")
check stdin "b" "$out"

# a failing statement: error on stderr, non-zero exit, later statements not run
out=$("$smelt" sql "SELECT 1; SELECT nosuch FROM VALUES (1) AS t(a); SELECT 2" 2>"$tmp/err"); rc=$?
if [ $rc -ne 0 ] && [ "$out" = "1" ] && grep -q 'UNRESOLVED_COLUMN' "$tmp/err"; then pass error-exit
else fail error-exit "rc=$rc out=$out" "$(cat "$tmp/err")"; fi

# --last-only: only the last result; an earlier failure does not stop the run
out=$(printf "SET spark.sql.ansi.enabled=true;\nSELECT nosuch;\nSELECT 3 AS x;\n" | "$smelt" sql --last-only --schema -f - 2>"$tmp/err"); rc=$?
check last-only "struct<x:int>
3" "$out"

out=$("$smelt" sql --conf spark.sql.session.timeZone=America/Los_Angeles "SELECT CAST(TIMESTAMP '2020-01-01 00:00:00Z' AS STRING)" 2>"$tmp/err")
check conf "2019-12-31 16:00:00" "$out"

"$smelt" sql --format nope "SELECT 1" >/dev/null 2>&1; rc=$?
if [ $rc -eq 2 ]; then pass bad-flag; else fail bad-flag "rc=$rc"; fi

# ---- smelt shell through tmux ------------------------------------------------------
if ! command -v tmux >/dev/null 2>&1; then
  echo "SKIP cli/shell (tmux is not installed: apt-get install -y tmux)"
else
  mkdir -p "$tmp/cities" "$tmp/home"
  printf 'city,country,population\nParis,France,2100000\nLyon,France,520000\n' >"$tmp/cities/part-1.csv"
  printf 'city,country,population\nBerlin,Germany,3600000\n' >"$tmp/cities/part-2.csv"
  sess="smelt-cli-test-$$"
  # wait_for PATTERN: poll the pane for up to 20 s
  wait_for() {
    i=0
    while [ $i -lt 100 ]; do
      tmux capture-pane -p -J -t "$sess" -S -200 >"$tmp/pane" 2>/dev/null
      grep -q -- "$1" "$tmp/pane" && return 0
      sleep 0.2; i=$((i + 1))
    done
    return 1
  }
  # tmux reads an argument ending in ';' as its command separator: escape it
  send() {
    case "$1" in
      *\;) tmux send-keys -t "$sess" -l "${1%;}\\;" ;;
      *) tmux send-keys -t "$sess" -l "$1" ;;
    esac
    tmux send-keys -t "$sess" Enter
  }
  tmux new-session -d -s "$sess" -x 160 -y 50 "cd '$tmp' && HOME='$tmp/home' '$smelt' shell; echo SHELL-EXITED rc=\$?; sleep 30"
  if wait_for 'smelt>'; then pass shell-prompt; else fail shell-prompt "$(cat "$tmp/pane")"; fi
  send "CREATE TEMPORARY VIEW cities USING csv"
  send "  OPTIONS (path '$tmp/cities', header 'true', inferSchema 'true');"
  if wait_for 'Time taken: '; then pass shell-view; else fail shell-view "$(cat "$tmp/pane")"; fi
  send "SELECT country, sum(population) AS pop FROM cities GROUP BY country ORDER BY pop DESC;"
  if wait_for 'Fetched 2 row(s)' && grep -q '|Germany|3600000|' "$tmp/pane" && grep -q '|France |2620000|' "$tmp/pane"
  then pass shell-query; else fail shell-query "$(cat "$tmp/pane")"; fi
  send "SELECT cuntry FROM cities;"
  if wait_for 'UNRESOLVED_COLUMN' && grep -q '`country`' "$tmp/pane"; then pass shell-suggestion
  else fail shell-suggestion "$(cat "$tmp/pane")"; fi
  send "SELECT count(*) AS n FROM cities;"
  if wait_for 'Fetched 1 row(s)' && grep -q '|3  |' "$tmp/pane"; then pass shell-after-error
  else fail shell-after-error "$(cat "$tmp/pane")"; fi
  send "quit"
  if wait_for 'SHELL-EXITED rc=0'; then pass shell-quit; else fail shell-quit "$(cat "$tmp/pane")"; fi
  if grep -q 'cuntry' "$tmp/home/.smelt_history" 2>/dev/null; then pass shell-history
  else fail shell-history "$(cat "$tmp/home/.smelt_history" 2>/dev/null)"; fi
  tmux kill-session -t "$sess" 2>/dev/null
fi
exit $failed
