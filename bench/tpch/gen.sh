#!/bin/sh
# Generates TPC-H data as CSV files with a header line, one file per table.
#   bench/tpch/gen.sh [SCALE_FACTOR] [DIR]     (default 1, bench/data/tpch/sf<SF>)
# Uses tpchgen-cli from PyPI (installed with pip when missing).  SF 1 is about
# 1 GB of CSV and takes a minute or so; SF 0.1 is ten times smaller.
cd "$(dirname "$0")/../.." || exit 2
sf=${1:-1}
dir=${2:-bench/data/tpch/sf$sf}
if ! command -v tpchgen-cli >/dev/null 2>&1; then
  echo "installing tpchgen-cli (pip)" >&2
  pip install --quiet tpchgen-cli || { echo "pip install tpchgen-cli failed" >&2; exit 1; }
fi
mkdir -p "$dir" || exit 1
tpchgen-cli csv --scale-factor "$sf" --output-dir "$dir" --overwrite || exit 1
echo "TPC-H SF $sf in $dir:"
ls -l "$dir"
