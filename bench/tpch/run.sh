#!/bin/sh
# The 22 TPC-H queries through `smelt sql`, checked against DuckDB.
#   bench/tpch/run.sh [DATA_DIR] [BUILD] [--queries 1,3,5] [--infer] [--timeout S] [--report SF]
# DATA_DIR (default bench/data/tpch/sf1) comes from bench/tpch/gen.sh.  Prints
# per query: status (ok / wrong / error), smelt's time and DuckDB's.  See run.py.
cd "$(dirname "$0")/../.." || exit 2
python3 -c 'import duckdb' 2>/dev/null || pip install --quiet duckdb || exit 1
exec python3 bench/tpch/run.py "$@"
