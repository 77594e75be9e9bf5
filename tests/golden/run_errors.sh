#!/bin/sh
# The "bad input" promise of issue 2 (item 8) at the process level: each
# bad input makes the program exit non-zero with one clear message on
# standard error (a few lines at most, naming what and where) and write
# nothing to its output (a pre-existing output is left byte for byte).
#   tests/golden/run_errors.sh build        (or build-asan)
# Prints "PASS <name>" / "FAIL <name>: why" per case; exit status 1 when any
# case failed.  Expected messages follow PySpark 3.5.3 where Spark has an
# equivalent (see tests/unit/test_errors.c for the library-level checks).
cd "$(dirname "$0")/../.." || exit 2
build=${1:-build}
smelt="$build/smelt"
dd="$build/drivendata"
for p in "$smelt" "$dd"; do
  if [ ! -x "$p" ]; then
    echo "FAIL errors: $p is missing (make BUILD=$build all)"
    exit 1
  fi
done

T=$(mktemp -d /tmp/smelt-run-errors-XXXXXX) || exit 2
trap 'rm -rf "$T"' EXIT
failed=0
out="$T/stdout"; err="$T/stderr"

pass() { echo "PASS $1"; }
fail() {
  echo "FAIL $1: $2"
  echo "  --- stderr:"; sed -n '1,12s/^/  /p' "$err"
  failed=1
}

# A fingerprint of a directory tree: every path with its content checksum.
tree_sum() {
  if [ -e "$1" ]; then
    (cd "$1" && find . -print0 | sort -z | xargs -0 -I{} sh -c \
       'if [ -f "{}" ]; then printf "%s %s\n" "{}" "$(cksum < "{}")"; else echo "{}"; fi')
  else
    echo "<missing>"
  fi
}

# check NAME RC -- the last command's status, then conditions:
#   the status is non-zero, stderr has 1..MAXLINES lines and every PATTERN
#   (fixed strings), stdout is empty unless ALLOW_STDOUT is set.
MAXLINES=8
check_err() {
  name=$1; rc=$2; shift 2
  if [ "$rc" -eq 0 ]; then fail "$name" "exit status 0, expected non-zero"; return 1; fi
  if [ "$rc" -gt 128 ]; then fail "$name" "killed by signal $((rc - 128))"; return 1; fi
  n=$(wc -l < "$err")
  if [ ! -s "$err" ]; then fail "$name" "nothing on stderr"; return 1; fi
  if [ "$n" -gt "$MAXLINES" ]; then fail "$name" "$n lines on stderr, expected one clear message"; return 1; fi
  if grep -qi 'AddressSanitizer\|LeakSanitizer\|runtime error:' "$err"; then
    fail "$name" "sanitizer report"; return 1
  fi
  for pat in "$@"; do
    if ! grep -qF -- "$pat" "$err"; then fail "$name" "stderr lacks '$pat'"; return 1; fi
  done
  if [ -z "${ALLOW_STDOUT:-}" ] && [ -s "$out" ]; then
    fail "$name" "wrote to stdout: $(head -c 200 "$out")"; return 1
  fi
  return 0
}

# ---- data ----------------------------------------------------------------------
good="$T/raw_good"; mkdir -p "$good"
cp examples/drivendata/data/*.csv "$good/" 2>/dev/null
if ! ls "$good"/*.csv >/dev/null 2>&1; then
  printf '%s\n' \
    'unique_id,person_name,email,phone,birth_date,ip_address,accessed_at,session_duration,download_speed,upload_speed,consumed_traffic' \
    '1,Ann Lee,ann.lee@mail.com,555-1234,1990-01-02,1.2.3.4,2024-02-01 10:00:00,45,10.5,2.5,100' \
    > "$good/batch.csv"
fi
cat > "$T/bad.csv" <<'EOF'
id,name,session_duration,email
1,ann,45,a@x.com
2,bob,abc,b@y.com
3,cyd,7,c@y.com
EOF

# A good earlier output that failed runs must leave alone.
prev="$T/prev_out"
if ! "$dd" "$good" "$prev" >/dev/null 2>"$err"; then
  fail dd_good_run "the job fails on the bundled data"
fi
prev_sum=$(tree_sum "$prev")

# ---- build/drivendata -------------------------------------------------------------

# 1. RAW_DIR does not exist.
"$dd" "$T/no_such_dir" "$T/out1" >"$out" 2>"$err"; rc=$?
if check_err dd_missing_raw_dir $rc "no_such_dir"; then
  if [ -e "$T/out1" ]; then fail dd_missing_raw_dir "OUT_DIR was created"; else pass dd_missing_raw_dir; fi
fi

# 2. OUT_DIR cannot be written: its parent is a regular file (root ignores
#    permissions, a file in the path stops everyone).
echo "not a directory" > "$T/plain"
before=$(ls -A "$T")
"$dd" "$good" "$T/plain/out" >"$out" 2>"$err"; rc=$?
if check_err dd_unwritable_out_dir $rc "$T/plain"; then
  if [ "$(ls -A "$T")" != "$before" ] || [ ! -f "$T/plain" ]; then
    fail dd_unwritable_out_dir "something was created next to OUT_DIR: $(ls -A "$T" | tr '\n' ' ')"
  else pass dd_unwritable_out_dir; fi
fi

# 2b. OUT_DIR in a read-only directory (only meaningful when not root).
if [ "$(id -u)" -ne 0 ]; then
  mkdir -p "$T/ro" && chmod 555 "$T/ro"
  "$dd" "$good" "$T/ro/out" >"$out" 2>"$err"; rc=$?
  if check_err dd_read_only_out_dir $rc "$T/ro"; then
    if [ -n "$(ls -A "$T/ro")" ]; then fail dd_read_only_out_dir "left $(ls -A "$T/ro")"
    else pass dd_read_only_out_dir; fi
  fi
  chmod 755 "$T/ro"
fi

# 3. RAW_DIR holds a CSV file without the job's columns: the analysis error
#    names the missing column, and the earlier output stays as it was.
mkdir -p "$T/raw_cols"
printf 'id,name\n1,x\n2,y\n' > "$T/raw_cols/batch.csv"
"$dd" "$T/raw_cols" "$prev" >"$out" 2>"$err"; rc=$?
if check_err dd_csv_without_columns $rc "UNRESOLVED_COLUMN" "email"; then
  if [ "$(tree_sum "$prev")" != "$prev_sum" ]; then fail dd_csv_without_columns "the earlier output changed"
  else pass dd_csv_without_columns; fi
fi

# 4. RAW_DIR holds only an empty CSV file.
mkdir -p "$T/raw_empty"; : > "$T/raw_empty/batch.csv"
"$dd" "$T/raw_empty" "$prev" >"$out" 2>"$err"; rc=$?
if check_err dd_empty_csv $rc; then
  if [ "$(tree_sum "$prev")" != "$prev_sum" ]; then fail dd_empty_csv "the earlier output changed"
  else pass dd_empty_csv; fi
fi

# 5. RAW_DIR holds a corrupt gzip file beside good CSV files.  Spark fails
#    the job ("java.io.EOFException: Unexpected end of input stream");
#    reading the compressed bytes as text would give wrong rows silently.
mkdir -p "$T/raw_gz"; cp "$good"/*.csv "$T/raw_gz/"
head -c 400 "$good/$(ls "$good" | head -1)" | gzip -c | head -c 60 > "$T/raw_gz/batch_z.csv.gz"
"$dd" "$T/raw_gz" "$prev" >"$out" 2>"$err"; rc=$?
if check_err dd_corrupt_gzip $rc "batch_z.csv.gz"; then
  if [ "$(tree_sum "$prev")" != "$prev_sum" ]; then fail dd_corrupt_gzip "the earlier output changed"
  else pass dd_corrupt_gzip; fi
fi

# 6. No CSV files at all in RAW_DIR.
mkdir -p "$T/raw_none"; echo x > "$T/raw_none/notes.txt"
"$dd" "$T/raw_none" "$T/out6" >"$out" 2>"$err"; rc=$?
if check_err dd_no_csv_files $rc "raw_none"; then
  if [ -e "$T/out6" ]; then fail dd_no_csv_files "OUT_DIR was created"; else pass dd_no_csv_files; fi
fi

# ---- build/smelt ----------------------------------------------------------------

# Spark: [PATH_NOT_FOUND] Path does not exist: file:/.../missing.csv.
"$smelt" head "$T/missing.csv" >"$out" 2>"$err"; rc=$?
check_err smelt_head_missing_file $rc "[PATH_NOT_FOUND]" "file:$T/missing.csv" && pass smelt_head_missing_file

"$smelt" count "$T/missing_dir/*.csv" >"$out" 2>"$err"; rc=$?
check_err smelt_count_missing_glob $rc "[PATH_NOT_FOUND]" "missing_dir" && pass smelt_count_missing_glob

# Option values Spark rejects: "header flag can be true or false.",
# "Delimiter cannot be empty", "quote cannot be more than one character".
"$smelt" head "$T/bad.csv" -o header=maybe >"$out" 2>"$err"; rc=$?
check_err smelt_head_bad_header_value $rc "header flag can be true or false" && pass smelt_head_bad_header_value
"$smelt" head "$T/bad.csv" -o sep= >"$out" 2>"$err"; rc=$?
check_err smelt_head_empty_sep $rc "Delimiter cannot be empty" && pass smelt_head_empty_sep
"$smelt" head "$T/bad.csv" -o quote=ab >"$out" 2>"$err"; rc=$?
check_err smelt_head_long_quote $rc "quote" && pass smelt_head_long_quote

# mode=FOO: Spark 3.5 does not fail ("FOO is not a valid parse mode. Using
# PERMISSIVE.") and neither does smelt: the rows come out as PERMISSIVE reads them.
"$smelt" head "$T/bad.csv" -o mode=FOO >"$out" 2>"$err"; rc=$?
if [ $rc -eq 0 ] && grep -q 'bob' "$out" && grep -q 'abc' "$out"; then pass smelt_head_unknown_mode_is_permissive
else fail smelt_head_unknown_mode_is_permissive "exit $rc; stdout: $(head -c 200 "$out")"; fi

# FAILFAST on a malformed row (line 3 has one field of two): the file and
# the line, and no partial table on stdout.  Spark:
# [MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION] Malformed records are
# detected in record parsing: [3,null]. Parse Mode: FAILFAST. ...
printf 'a,b\n1,2\n3\n5,6\n' > "$T/ragged.csv"
"$smelt" head "$T/ragged.csv" -o mode=FAILFAST >"$out" 2>"$err"; rc=$?
check_err smelt_head_failfast $rc "[MALFORMED_RECORD_IN_PARSING" "ragged.csv:3" && pass smelt_head_failfast
"$smelt" schema "$T/ragged.csv" -o mode=FAILFAST -o inferSchema=false >"$out" 2>"$err"; rc=$?
[ $rc -eq 0 ] && pass smelt_schema_failfast_needs_no_rows || fail smelt_schema_failfast_needs_no_rows "exit $rc"
# DROPMALFORMED shows rows 1,2 and 5,6 only.  (count is not used: Spark's
# count() does not parse fields and so counts malformed rows too.)
"$smelt" head "$T/ragged.csv" -o mode=DROPMALFORMED >"$out" 2>"$err"; rc=$?
if [ $rc -eq 0 ] && grep -q '|  5|  6|' "$out" && ! grep -q '|  3|' "$out"; then pass smelt_head_dropmalformed
else fail smelt_head_dropmalformed "exit $rc, stdout: $(cat "$out")"; fi

# Usage errors.
"$smelt" head >"$out" 2>"$err"; rc=$?
check_err smelt_head_no_file $rc "FILE" && pass smelt_head_no_file
"$smelt" head "$T/bad.csv" -x >"$out" 2>"$err"; rc=$?
check_err smelt_head_unknown_flag $rc "-x" && pass smelt_head_unknown_flag
"$smelt" frobnicate >"$out" 2>"$err"; rc=$?
check_err smelt_unknown_command $rc "frobnicate" && pass smelt_unknown_command

exit $failed
