#!/bin/sh
# End-to-end tests of `smelt convert`, `smelt schema` and `smelt head` on CSV
# and Parquet (files, directories, globs, partitioned directories).  Expected
# printSchema()/show() text is in tests/golden/cli/*.expected, made by PySpark
# from the same inputs (tests/golden/cli/gen_expected.py).
#   tests/golden/run_convert.sh build
# Prints PASS/FAIL lines; exit status 1 when anything failed.
cd "$(dirname "$0")/../.." || exit 2
build=${1:-build}
smelt="$build/smelt"
if [ ! -x "$smelt" ]; then
  echo "FAIL convert: $smelt is missing (make BUILD=$build)"
  exit 1
fi
case "$smelt" in /*) ;; *) smelt="$PWD/$smelt" ;; esac
D=$PWD/tests/golden/cli
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
failed=0
pass() { echo "PASS convert/$1"; }
fail() { echo "FAIL convert/$1"; shift; [ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/    /'; failed=1; }
# golden NAME CASE COMMAND...: stdout must equal $D/CASE.expected, exit 0
golden() {
  name=$1; case_=$2; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?
  if [ $rc -eq 0 ] && cmp -s "$D/$case_.expected" "$tmp/out"; then pass "$name"
  else fail "$name" "rc=$rc $(head -c 300 "$tmp/err")" "$(diff "$D/$case_.expected" "$tmp/out" | head -10)"; fi
}
# error NAME RC PATTERN COMMAND...: exit status RC, PATTERN on stderr, nothing on stdout
error() {
  name=$1; want=$2; pat=$3; shift 3
  "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?
  if [ $rc -eq "$want" ] && grep -qF -- "$pat" "$tmp/err" && [ ! -s "$tmp/out" ]; then pass "$name"
  else fail "$name" "rc=$rc (want $want)" "stderr: $(head -c 300 "$tmp/err")" "stdout: $(head -c 200 "$tmp/out")"; fi
}
ok() { "$@" >"$tmp/out" 2>"$tmp/err" || { echo "    $* failed: $(head -c 300 "$tmp/err")"; return 1; }; }
cd "$tmp" || exit 2

# ---- schema and head on CSV -----------------------------------------------------
golden csv-schema csv_schema "$smelt" schema "$D/people.csv"
golden csv-head csv_head "$smelt" head "$D/people.csv"
golden csv-head-n csv_head_n2 "$smelt" head "$D/people.csv" -n 2
golden csv-head-sep semi_head "$smelt" head "$D/people_semi.csv" -o "sep=;"
mkdir -p "$tmp/globdir" && cp "$D/people.csv" "$tmp/globdir/a.csv"
golden csv-schema-glob csv_schema "$smelt" schema "$tmp/globdir/*.csv"

# ---- CSV -> Parquet ------------------------------------------------------------
if ok "$smelt" convert "$D/people.csv" p.parquet && [ -f p.parquet/_SUCCESS ] &&
   ls p.parquet/part-00000-*-c000.snappy.parquet >/dev/null 2>&1; then pass csv-to-parquet-layout
else fail csv-to-parquet-layout "$(ls p.parquet 2>&1)"; fi
golden parquet-schema parquet_schema "$smelt" schema p.parquet
golden parquet-head parquet_head "$smelt" head p.parquet
golden parquet-schema-file parquet_schema "$smelt" schema p.parquet/part-00000-*.parquet
# a Parquet file whose name says nothing is found by its magic bytes
cp p.parquet/part-00000-*.parquet noext
golden parquet-sniffed parquet_schema "$smelt" schema noext
golden parquet-from-flag parquet_head "$smelt" head --from parquet noext

# ---- JSON lines (nested values) -------------------------------------------------
golden json-schema json_schema "$smelt" schema "$D/nested.json"
golden json-head json_head "$smelt" head "$D/nested.json"
if ok "$smelt" convert "$D/nested.json" j.json && [ -f j.json/_SUCCESS ]; then pass json-to-json
else fail json-to-json "$(ls j.json 2>&1)"; fi
golden json-roundtrip-head json_head "$smelt" head j.json

# ---- Parquet -> CSV (directory input, --to) --------------------------------------
if ok "$smelt" convert p.parquet back --to csv && ls back/part-*.csv >/dev/null 2>&1 &&
   [ "$(head -1 back/part-*.csv)" = "id,name,country,score,joined,last_seen,active" ]; then
  pass parquet-to-csv-header
else fail parquet-to-csv-header "$(ls back 2>&1)"; fi
golden roundtrip-csv-head roundtrip_csv_head "$smelt" head back

# ---- flags -------------------------------------------------------------------------
ok "$smelt" convert "$D/people_semi.csv" semi.parquet --sep ';' --no-infer-schema
golden sep-no-infer semi_strings_schema "$smelt" schema semi.parquet
# --no-header: both sides have none (the header line is a row of strings)
if ok "$smelt" convert "$D/people.csv" nohdr.csv --no-header && ok "$smelt" head --from csv nohdr.csv -o header=false &&
   grep -q '^|_c0| *_c1|' "$tmp/out" && grep -q '^| id| *name|' "$tmp/out" && [ "$(head -1 nohdr.csv/part-*.csv)" = "id,name,country,score,joined,last_seen,active" ]; then
  pass no-header; else fail no-header "$(cat "$tmp/out")"; fi
ok "$smelt" convert "$D/people.csv" nohdr2.csv -w header=false
if [ "$(cat nohdr2.csv/part-*.csv | head -1)" = "1,Ada Lovelace,UK,91.5,2021-03-04,2024-01-02T03:04:05.000Z,true" ]; then
  pass writer-no-header; else fail writer-no-header "$(head -1 nohdr2.csv/part-*.csv)"; fi
if ok "$smelt" convert "$D/people.csv" z.parquet --compression zstd && ls z.parquet/part-*.zstd.parquet >/dev/null 2>&1 &&
   ok "$smelt" count z.parquet && [ "$(cat "$tmp/out")" = 6 ]; then pass compression-zstd
else fail compression-zstd "$(ls z.parquet 2>&1)"; fi
if ok "$smelt" convert p.parquet gz.csv --compression gzip && ls gz.csv/part-*.csv.gz >/dev/null 2>&1; then pass csv-gzip
else fail csv-gzip "$(ls gz.csv 2>&1)"; fi
golden csv-gzip-read roundtrip_csv_head "$smelt" head gz.csv
# the codec from a CSV/JSON output's suffix (docs/compression.md)
for sfx in bz2 zst lz4 snappy deflate gz; do
  if ok "$smelt" convert p.parquet "sfx.csv.$sfx" && ls "sfx.csv.$sfx"/part-00000-*-c000.csv."$sfx" >/dev/null 2>&1
  then pass "csv-suffix-$sfx"; else fail "csv-suffix-$sfx" "$(ls "sfx.csv.$sfx" 2>&1)"; fi
  golden "csv-suffix-$sfx-read" roundtrip_csv_head "$smelt" head "sfx.csv.$sfx"
done
if ok "$smelt" convert "$D/nested.json" j.json.bz2 && ls j.json.bz2/part-*-c000.json.bz2 >/dev/null 2>&1
then pass json-suffix-bz2; else fail json-suffix-bz2 "$(ls j.json.bz2 2>&1)"; fi
golden json-suffix-bz2-read json_head "$smelt" head j.json.bz2
# --compression wins over the suffix
if ok "$smelt" convert p.parquet w.csv.gz --compression zstd && ls w.csv.gz/part-*.csv.zst >/dev/null 2>&1
then pass csv-suffix-flag-wins; else fail csv-suffix-flag-wins "$(ls w.csv.gz 2>&1)"; fi
error csv-suffix-xz 2 "xz is not a codec" "$smelt" convert p.parquet o.csv.xz
# a truncated compressed input: one message naming the file and the offset
head -c 40 "$(ls sfx.csv.bz2/part-*)" >cut.csv.bz2
error truncated-bz2 1 "cut.csv.bz2: bzip2 data is truncated at byte 40" "$smelt" head cut.csv.bz2
ok "$smelt" convert "$D/people.csv" part.parquet --partition-by country
if [ -d part.parquet/country=UK ] && [ -d part.parquet/country=FR ] && [ -f part.parquet/_SUCCESS ]; then pass partition-by-layout
else fail partition-by-layout "$(find part.parquet | head)"; fi
golden partition-by-schema partitioned_schema "$smelt" schema part.parquet
golden partition-by-rows partition_uk_head "$smelt" head part.parquet/country=UK
# -w passes a writer option, --schema a reader schema
if ok "$smelt" convert "$D/people.csv" mr.csv -w maxRecordsPerFile=2 && [ "$(ls mr.csv/part-*.csv | wc -l)" = 3 ]; then pass writer-option
else fail writer-option "$(ls mr.csv 2>&1)"; fi
if ok "$smelt" convert "$D/people.csv" s.parquet --schema "id STRING, name STRING" && ok "$smelt" schema s.parquet &&
   [ "$(cat "$tmp/out")" = "root
 |-- id: string (nullable = true)
 |-- name: string (nullable = true)" ]; then pass user-schema
else fail user-schema "$(cat "$tmp/out")"; fi

# ---- save modes and atomic commit ----------------------------------------------------
error exists 1 "[PATH_ALREADY_EXISTS]" "$smelt" convert "$D/people.csv" p.parquet
golden exists-untouched parquet_head "$smelt" head p.parquet
if ok "$smelt" convert "$D/people_semi.csv" p.parquet --overwrite --sep ';' && ok "$smelt" count p.parquet &&
   [ "$(cat "$tmp/out")" = 6 ] && ok "$smelt" head p.parquet && grep -q 'Turing Alan' "$tmp/out"; then pass overwrite
else fail overwrite "$(cat "$tmp/out")"; fi
ok "$smelt" convert "$D/people.csv" app.parquet && ok "$smelt" convert "$D/people.csv" app.parquet --mode append &&
  ok "$smelt" count app.parquet
if [ "$(cat "$tmp/out")" = 12 ]; then pass append; else fail append "$(cat "$tmp/out")"; fi
# a failing write leaves no output directory and no staging directory behind
error bad-codec 1 "zzz" "$smelt" convert "$D/people.csv" bad.parquet --compression zzz
if [ -z "$(ls -A "$tmp" | grep bad)" ]; then pass bad-codec-no-output; else fail bad-codec-no-output "$(ls -A "$tmp")"; fi
# a malformed input (FAILFAST) fails the whole conversion: nothing written
printf 'a,b\n1,2\n3\n' >bad.csv
error failfast 1 "FAILFAST" "$smelt" convert bad.csv ff.parquet -o mode=FAILFAST --schema "a INT, b INT"
if [ -z "$(ls -A "$tmp" | grep ff)" ]; then pass failfast-no-output; else fail failfast-no-output "$(ls -A "$tmp")"; fi

# ---- bad command lines ------------------------------------------------------------------
error missing-input 1 "[PATH_NOT_FOUND]" "$smelt" convert nope.csv o.parquet
error missing-input-noext 1 "[PATH_NOT_FOUND]" "$smelt" convert nope o.parquet
error unknown-in-ext 2 "cannot tell the format of" "$smelt" convert "$D/gen_expected.py" o.parquet
error unknown-out-ext 2 "cannot tell the output format from 'outdir'" "$smelt" convert "$D/people.csv" outdir
error unknown-to 2 "unknown format 'xml'" "$smelt" convert "$D/people.csv" o --to xml
error missing-out 2 "usage: smelt convert IN OUT" "$smelt" convert "$D/people.csv"
error unknown-flag 2 "unknown flag '--frobnicate'" "$smelt" convert "$D/people.csv" o.parquet --frobnicate
error bad-kv 2 "is not key=value" "$smelt" convert "$D/people.csv" o.parquet -o header
error head-bad-n 2 "-n wants a number" "$smelt" head "$D/people.csv" -n ten
error head-missing 1 "[PATH_NOT_FOUND]" "$smelt" head nope.parquet
printf 'PAR1 not really' >fake.parquet
error head-corrupt 1 "fake.parquet" "$smelt" head fake.parquet
if "$smelt" --help | grep -q "convert IN OUT"; then pass help; else fail help; fi

exit $failed
