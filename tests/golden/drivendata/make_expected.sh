#!/bin/sh
# Regenerates the expected outputs of the drivendata golden test with PySpark
# (needs pyspark and Java; the tests themselves do not).
#   tests/golden/drivendata/make_expected.sh
# Case "sample": the bundled examples/drivendata/data (gen_data.py --seed 42
# --rows 4000).  Case "seed7": tests/golden/drivendata/input2 (gen_data.py
# --seed 7 --rows 3000 --dup-frac 0.3).  Case "messy": tests/golden/drivendata/messy,
# written by hand-made rules (gen_messy.py): CRLF, quoted names, bad dates, decimal and
# non-numeric durations, NaN and 1e3 speeds, huge traffic, conflicting duplicates across
# files of different sizes, a ragged row.
set -e
cd "$(dirname "$0")/../../.."
here=tests/golden/drivendata
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for c in sample:examples/drivendata/data seed7:$here/input2 messy:$here/messy; do
  name=${c%%:*}; raw=${c#*:}
  python3 examples/drivendata/drivendata_spark.py "$raw" "$tmp/$name"
  mkdir -p "$here/expected/$name"
  for o in filtered grouped; do
    python3 $here/compare_outputs.py normalize "$tmp/$name/$o" "$here/expected/$name/$o.csv"
  done
  echo "expected/$name: $(wc -l < $here/expected/$name/filtered.csv) filtered lines," \
       "$(wc -l < $here/expected/$name/grouped.csv) grouped lines"
done
