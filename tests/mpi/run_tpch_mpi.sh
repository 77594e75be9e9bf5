#!/bin/sh
# The 22 TPC-H queries at scale factor 0.01 (tables cut into 5 files each) on
# one process and on 2 and 4 MPI ranks (SMELT_TPCH_RANKS): identical outputs.
#   tests/mpi/run_tpch_mpi.sh BUILD_DIR
# Skips (with a line saying why) without mpirun, without an MPI build of
# smelt, or without tpchgen-cli (pip install tpchgen-cli) to make the data.
cd "$(dirname "$0")/../.." || exit 2
B=${1:-build}
case "$B" in /*) SMELT=$B/smelt ;; *) SMELT=$PWD/$B/smelt ;; esac
Q=../shared/conformance/tpch/queries
if ! command -v mpirun >/dev/null 2>&1; then echo "skipped: no MPI (mpirun not found)"; exit 0; fi
if ! command -v tpchgen-cli >/dev/null 2>&1; then echo "skipped: no tpchgen-cli (pip install tpchgen-cli)"; exit 0; fi
[ -d "$Q" ] || { echo "skipped: no TPC-H queries in $Q"; exit 0; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export HWLOC_COMPONENTS=-gl ASAN_OPTIONS=detect_leaks=0:abort_on_error=0 SMELT_EXCHANGE_ROUND_BYTES=262144
T=$(mktemp -d "${TMPDIR:-/tmp}/smelt-tpch-mpi-XXXXXX")
[ -n "$SMELT_MPI_KEEP" ] || trap 'rm -rf "$T"' EXIT
MPIRUN="timeout 300 mpirun --bind-to none"
if ! $MPIRUN -n 2 "$SMELT" sql --format tsv "SELECT 1" >"$T/probe" 2>&1; then
    grep -q "built without MPI" "$T/probe" && { echo "skipped: no MPI ($SMELT was built without it)"; exit 0; }
    echo "FAIL tpch-mpi: mpirun -n 2 smelt sql 'SELECT 1'"; head -20 "$T/probe"; exit 1
fi
tpchgen-cli csv --scale-factor 0.01 --parts 5 --output-dir "$T/data" >"$T/gen.log" 2>&1 ||
    { echo "skipped: tpchgen-cli failed"; exit 0; }

view() { echo "CREATE TEMPORARY VIEW $1 ($2) USING csv OPTIONS (path '$T/data/$1', header 'true');"; }
{
view region 'r_regionkey BIGINT, r_name STRING, r_comment STRING'
view nation 'n_nationkey BIGINT, n_name STRING, n_regionkey BIGINT, n_comment STRING'
view supplier 's_suppkey BIGINT, s_name STRING, s_address STRING, s_nationkey BIGINT, s_phone STRING, s_acctbal DECIMAL(15,2), s_comment STRING'
view customer 'c_custkey BIGINT, c_name STRING, c_address STRING, c_nationkey BIGINT, c_phone STRING, c_acctbal DECIMAL(15,2), c_mktsegment STRING, c_comment STRING'
view part 'p_partkey BIGINT, p_name STRING, p_mfgr STRING, p_brand STRING, p_type STRING, p_size INT, p_container STRING, p_retailprice DECIMAL(15,2), p_comment STRING'
view partsupp 'ps_partkey BIGINT, ps_suppkey BIGINT, ps_availqty INT, ps_supplycost DECIMAL(15,2), ps_comment STRING'
view orders 'o_orderkey BIGINT, o_custkey BIGINT, o_orderstatus STRING, o_totalprice DECIMAL(15,2), o_orderdate DATE, o_orderpriority STRING, o_clerk STRING, o_shippriority INT, o_comment STRING'
view lineitem 'l_orderkey BIGINT, l_partkey BIGINT, l_suppkey BIGINT, l_linenumber INT, l_quantity DECIMAL(15,2), l_extendedprice DECIMAL(15,2), l_discount DECIMAL(15,2), l_tax DECIMAL(15,2), l_returnflag STRING, l_linestatus STRING, l_shipdate DATE, l_commitdate DATE, l_receiptdate DATE, l_shipinstruct STRING, l_shipmode STRING, l_comment STRING'
} >"$T/setup.sql"
cp "$T/setup.sql" "$T/all.sql"
for i in $(seq 1 22); do { cat "$Q/q$i.sql"; echo ";"; } >>"$T/all.sql"; done
if ! "$SMELT" sql --format tsv -f "$T/all.sql" >"$T/out.1" 2>"$T/err.1"; then
    echo "FAIL tpch-mpi: the queries fail on one process"; head -20 "$T/err.1"; exit 0
fi
for n in ${SMELT_TPCH_RANKS:-2 4}; do
    if $MPIRUN -n $n "$SMELT" sql --format tsv -f "$T/all.sql" >"$T/out.$n" 2>"$T/err.$n" &&
        cmp -s "$T/out.1" "$T/out.$n"; then
        echo "PASS tpch-mpi: 22 TPC-H queries (SF 0.01) on $n ranks = one process ($(wc -l <"$T/out.1") lines)"
    else
        echo "FAIL tpch-mpi: the 22 TPC-H queries on $n ranks differ from one process"
        diff "$T/out.1" "$T/out.$n" | head -20; head -10 "$T/err.$n"
    fi
done
# every join shuffled (no broadcast of small sides), whole rows moved (no partial aggregation)
if SMELT_BROADCAST_THRESHOLD=-1 SMELT_NO_PARTIAL_AGG=1 $MPIRUN -n 3 "$SMELT" sql --format tsv -f "$T/all.sql" \
        >"$T/out.s" 2>"$T/err.s" && cmp -s "$T/out.1" "$T/out.s"; then
    echo "PASS tpch-mpi: 22 TPC-H queries on 3 ranks, shuffled joins, no partial aggregation"
else
    echo "FAIL tpch-mpi: 22 TPC-H queries on 3 ranks, shuffled joins, no partial aggregation"
    diff "$T/out.1" "$T/out.s" | head -20; head -10 "$T/err.s"
fi
exit 0
