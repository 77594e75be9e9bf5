#!/bin/sh
# One MPI job across several hosts (docs/mpi.md "Tests"): three simulated hosts
# made as Linux network namespaces on this machine, joined by veth pairs to a
# bridge, with Open MPI's daemons started in them through `ip netns exec` as
# its launch agent (../shared/recipes/mpi-over-netns).  Every rank's traffic
# to the others crosses the veth links over TCP.
#   - SQL queries on 3 hosts (mpirun --hostfile) give the rows of one process;
#   - the chapter-9 job through `smelt run --ranks 3 --hostfile` writes the
#     same rows;
#   - a rank killed (SIGKILL) in one namespace mid-job: the job fails within
#     seconds, with no output and no staging directory.
#   tests/mpi/run_netns.sh BUILD_DIR
# Skips (prints "skipped: ...") without root / CAP_NET_ADMIN, ip, unshare,
# mpirun or an MPI build.  Everything it makes is removed on exit (trap):
# namespaces, links, the bridge, the scratch directory.  It never edits
# /etc/hosts: hosts are named by their addresses, and the launch agent maps an
# address to its namespace.  SMELT_NETNS_KEEP=1 keeps the scratch directory.
cd "$(dirname "$0")/../.." || exit 2
B=${1:-build}
case "$B" in /*) SMELT=$B/smelt ;; *) SMELT=$PWD/$B/smelt ;; esac
skip() { echo "skipped: multi-host test: $1"; exit 0; }
command -v mpirun >/dev/null 2>&1 || skip "no MPI (mpirun not found)"
command -v ip >/dev/null 2>&1 || skip "no 'ip' command (iproute2)"
command -v unshare >/dev/null 2>&1 || skip "no 'unshare' command (util-linux)"
[ "$(id -u)" = 0 ] || skip "network namespaces need root (CAP_NET_ADMIN); run as root to include it"
[ -x "$SMELT" ] || { echo "FAIL netns: $SMELT is missing"; exit 1; }

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 HWLOC_COMPONENTS=-gl
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=0
unset SMELT_TEST_KILL_RANK SMELT_TEST_KILL_AT
ID=$(( $$ % 100000 ))
NET=10.213.$(( $$ % 250 ))
NS="smeltns$ID"   # namespaces $NS-1 .. $NS-3
BR="smbr$ID"      # the bridge (interface names: at most 15 characters)
N=3
T=$(mktemp -d "${TMPDIR:-/tmp}/smelt-netns-XXXXXX")

cleanup() {
    for i in 1 2 3; do
        pids=$(ip netns pids "$NS-$i" 2>/dev/null)
        [ -n "$pids" ] && kill -9 $pids 2>/dev/null
        ip netns del "$NS-$i" 2>/dev/null
        ip link del "smv$ID-$i" 2>/dev/null
        rm -rf "/tmp/ompi.$NET.$i.0" 2>/dev/null
    done
    ip link del "$BR" 2>/dev/null
    [ -n "$SMELT_NETNS_KEEP" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# ---- the hosts
ip netns add "$NS-1" 2>"$T/ns.err" || skip "cannot create a network namespace ($(head -1 "$T/ns.err")): needs CAP_NET_ADMIN"
if ! ip link add "$BR" type bridge 2>"$T/ns.err"; then
    skip "cannot create a bridge ($(head -1 "$T/ns.err"))"
fi
ip addr add "$NET.254/24" dev "$BR" && ip link set "$BR" up || { echo "FAIL netns: bridge setup"; exit 1; }
for i in 1 2 3; do
    [ $i = 1 ] || ip netns add "$NS-$i" || { echo "FAIL netns: ip netns add $NS-$i"; exit 1; }
    ip link add "smv$ID-$i" type veth peer name eth0 netns "$NS-$i" &&
        ip link set "smv$ID-$i" master "$BR" && ip link set "smv$ID-$i" up &&
        ip -n "$NS-$i" addr add "$NET.$i/24" dev eth0 && ip -n "$NS-$i" link set eth0 up &&
        ip -n "$NS-$i" link set lo up || { echo "FAIL netns: veth for $NS-$i"; exit 1; }
    echo "$NET.$i $NS-$i" >>"$T/nsmap"
    echo "$NET.$i slots=1" >>"$T/hostfile"
done
# Open MPI's rsh launcher runs: AGENT HOST "<orted command quoted for a shell>".
# The agent finds the namespace of HOST (an address), gives the simulated host
# its own hostname (= its address, so every daemon has its own session
# directory) and re-parses the command with sh -c inside it.
cat >"$T/nsrsh" <<EOF
#!/bin/sh
host="\$1"; shift
ns=\$(awk -v h="\$host" '\$1 == h { print \$2 }' "$T/nsmap")
[ -n "\$ns" ] || { echo "nsrsh: unknown host \$host" >&2; exit 1; }
exec ip netns exec "\$ns" unshare --uts sh -c 'hostname "\$0" || exit 1; exec sh -c "\$1"' "\$host" "\$*"
EOF
chmod +x "$T/nsrsh"
if command -v ping >/dev/null 2>&1; then # links take a moment to come up
    for try in 1 2 3 4 5 6 7 8 9 10; do
        ok=1
        for i in 1 2 3; do ip netns exec "$NS-$i" ping -c1 -W1 "$NET.254" >/dev/null 2>&1 || ok=0; done
        [ $ok = 1 ] && break
        sleep 0.5
    done
    [ $ok = 1 ] || { echo "FAIL netns: the namespaces cannot reach the bridge"; exit 1; }
else
    sleep 2
fi

# MPI settings as environment variables, so that `smelt --ranks` gets them too
export OMPI_MCA_plm_rsh_agent="$T/nsrsh" OMPI_MCA_btl=vader,tcp,self
export OMPI_MCA_btl_tcp_if_include="$NET.0/24" OMPI_MCA_oob_tcp_if_include="$NET.0/24"
export OMPI_MCA_btl_tcp_disable_family=6
export OMPI_MCA_oob_tcp_keepalive_time=5 OMPI_MCA_oob_tcp_keepalive_intvl=1 OMPI_MCA_oob_tcp_keepalive_probes=3
export SMELT_EXCHANGE_ROUND_BYTES=65536
MPIRUN="timeout 120 mpirun --hostfile $T/hostfile -n $N --bind-to none"
pass() { echo "PASS netns: $1"; }
fail() { echo "FAIL netns: $1"; [ -f "$2" ] && head -30 "$2"; }

if ! $MPIRUN sh -c 'echo "$(hostname) $(readlink /proc/self/ns/net)"' >"$T/where" 2>"$T/where.err"; then
    if grep -qi "not.*permitted\|unshare" "$T/where.err"; then skip "cannot start processes in the namespaces ($(head -1 "$T/where.err"))"; fi
    fail "mpirun across 3 namespaces" "$T/where.err"; exit 1
fi
if [ "$(cut -d' ' -f1 "$T/where" | sort -u | wc -l)" = 3 ] && [ "$(cut -d' ' -f2 "$T/where" | sort -u | wc -l)" = 3 ] &&
   ! grep -q "$(readlink /proc/self/ns/net)" "$T/where"; then
    pass "3 ranks on 3 hosts, each in its own network namespace"
else
    fail "3 ranks on 3 hosts, each in its own network namespace" "$T/where"
fi
if ! $MPIRUN "$SMELT" sql --format tsv "SELECT 1" >"$T/probe" 2>&1; then
    grep -q "built without MPI" "$T/probe" && skip "$SMELT was built without MPI"
    fail "smelt on 3 namespaces" "$T/probe"; exit 1
fi

# ---- queries: the same rows as one process
mkdir -p "$T/facts" "$T/dim"
for f in 1 2 3 4 5; do
    awk -v f=$f 'BEGIN { print "id,k,name,v"; for (i = (f-1)*3000; i < f*3000; i++) {
        k = i % 23; if (i % 17 == 0) k = ""; print i "," k ",n" (i % 50) "," (i * 3) ".5" } }' >"$T/facts/p$f.csv"
done
awk 'BEGIN { print "k,dname"; for (k = 0; k < 20; k++) print k ",d" k }' >"$T/dim/d.csv"
cat >"$T/q.sql" <<SQL
CREATE TEMP VIEW f USING csv OPTIONS (path '$T/facts', header true, inferSchema true);
CREATE TEMP VIEW d USING csv OPTIONS (path '$T/dim', header true, inferSchema true);
SELECT count(*), sum(v), count(DISTINCT name) FROM f;
SELECT k, count(*), sum(v), min(name), max(id) FROM f GROUP BY k ORDER BY k;
SELECT DISTINCT name FROM f ORDER BY name;
SELECT f.id, d.dname FROM f JOIN d ON f.k = d.k WHERE f.id % 97 = 0 ORDER BY f.id;
SET spark.sql.autoBroadcastJoinThreshold=-1;
SELECT d.dname, count(*) FROM f JOIN d ON f.k = d.k GROUP BY d.dname ORDER BY d.dname;
SELECT id, k, row_number() OVER (PARTITION BY k ORDER BY id DESC) rn FROM f WHERE id % 13 = 0 ORDER BY id;
SELECT id, v FROM f ORDER BY v DESC, id LIMIT 7;
SQL
"$SMELT" sql --format tsv -f "$T/q.sql" >"$T/q1.out" 2>"$T/q1.err" || fail "queries on one process" "$T/q1.err"
if $MPIRUN "$SMELT" sql --format tsv -f "$T/q.sql" >"$T/q3.out" 2>"$T/q3.err" && cmp -s "$T/q1.out" "$T/q3.out"; then
    pass "queries on 3 hosts (mpirun --hostfile) = one process"
else
    fail "queries on 3 hosts (mpirun --hostfile) = one process" "$T/q3.err"
    diff "$T/q1.out" "$T/q3.out" | head -10
fi

# ---- a job through smelt run --ranks 3 --hostfile
"$SMELT" run examples/drivendata/job.yaml --quiet --arg input=examples/drivendata/data --arg output="$T/job1" \
    >"$T/job1.err" 2>&1 || fail "job on one process" "$T/job1.err"
printf '#!/bin/sh\nexec timeout 120 mpirun "$@"\n' >"$T/mpirun"
chmod +x "$T/mpirun"
if SMELT_MPIRUN="$T/mpirun" "$SMELT" run examples/drivendata/job.yaml --quiet --ranks 3 --hostfile "$T/hostfile" \
        --arg input=examples/drivendata/data --arg output="$T/job3" >"$T/job3.err" 2>&1; then
    same=1
    for sink in filtered grouped; do
        for f in "$T/job1/$sink"/part-*; do tail -n +2 "$f"; done | sort >"$T/a"
        for f in "$T/job3/$sink"/part-*; do tail -n +2 "$f"; done | sort >"$T/b"
        cmp -s "$T/a" "$T/b" && [ -s "$T/a" ] && [ -f "$T/job3/$sink/_SUCCESS" ] || same=0
    done
    if [ $same = 1 ]; then pass "job via smelt run --ranks 3 --hostfile: the same rows, committed"
    else fail "job via smelt run --ranks 3 --hostfile: the same rows, committed" "$T/job3.err"; fi
else
    fail "job via smelt run --ranks 3 --hostfile" "$T/job3.err"
fi

# ---- a rank killed in its namespace mid-job (SIGKILL at its second exchange):
# mpirun ends the job within seconds, SIGTERM makes rank 0 remove the staging
# directory: no output at all
start=$(date +%s)
if $MPIRUN -x SMELT_TEST_KILL_RANK=2 -x SMELT_TEST_KILL_AT=2 "$SMELT" sql "CREATE TEMP VIEW f USING csv OPTIONS (path '$T/facts', header true, inferSchema true);
        INSERT OVERWRITE DIRECTORY '$T/killed' USING csv SELECT k, count(*) FROM f GROUP BY k" >"$T/kill.out" 2>"$T/kill.err"; then
    fail "killed rank: the job must fail" "$T/kill.err"
else
    took=$(( $(date +%s) - start ))
    if [ $took -lt 60 ] && [ ! -e "$T/killed" ] && [ -z "$(ls -a "$T" | grep smelt-staging)" ] && [ ! -s "$T/kill.out" ]; then
        pass "rank killed in namespace 3: the job failed in ${took} s, no output, no staging left"
    else
        echo "took ${took} s"; ls -a "$T"
        fail "rank killed in namespace 3: a clean failure" "$T/kill.err"
    fi
fi
# nothing of the job keeps running in the namespaces
sleep 1
left=""
for i in 1 2 3; do left="$left$(ip netns pids "$NS-$i" 2>/dev/null)"; done
if [ -z "$left" ]; then pass "no process left in the namespaces"; else fail "no process left in the namespaces: $left"; fi
exit 0
