#!/bin/sh
# smelt against every installed peer, side by side, one command.
#   bench/run.sh [--rows N] [--runs R] [--workloads ch9,count,groupby,join,sort,distinct,tpch]
#                [--peers smelt,duckdb,polars,datafusion,chdb,pyspark,pysail]
#                [--spark-runs R] [--sf SF] [--timeout S] [--no-record]
# Defaults: 10 000 000 rows, 3 runs, every workload and peer, TPC-H SF 1.
# Writes a table of medians and peer/smelt ratios, with the machine, to
# bench/RESULTS.md.  See bench/suite.py for what is timed and how.
cd "$(dirname "$0")/.." || exit 2
exec python3 bench/suite.py "$@"
