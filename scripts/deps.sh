#!/bin/sh
# Installs the Debian packages smelt needs, when missing.  Runs as root on a
# fresh Debian machine: `make demo` calls it for the build, `make test` with
# --test for the tools the tests need too (clang for the libFuzzer targets, Open MPI,
# iproute2 for the multi-host test, tpchgen-cli for the MPI TPC-H test).
set -e
pkgs="gcc make libpcre2-dev zlib1g-dev libssl-dev libsqlite3-dev libyaml-dev libedit-dev libsnappy-dev libzstd-dev liblz4-dev libbrotli-dev libbz2-dev python3"
[ "${1:-}" = "--test" ] && pkgs="$pkgs clang libclang-rt-14-dev openmpi-bin libopenmpi-dev iproute2 python3-pip"
need=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need="$need $p"
done
if [ -n "$need" ]; then
  echo "smelt: installing Debian packages:$need"
  if [ "$(id -u)" != 0 ]; then
    echo "smelt: run as root (or install:$need) and try again" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
fi
# The MPI TPC-H test makes its data with tpchgen-cli (PyPI); without it the
# test says it skipped.
if [ "${1:-}" = "--test" ] && ! command -v tpchgen-cli >/dev/null 2>&1; then
  echo "smelt: installing tpchgen-cli (pip) for the MPI TPC-H test"
  python3 -m pip install --quiet --break-system-packages tpchgen-cli >/dev/null 2>&1 ||
    python3 -m pip install --quiet tpchgen-cli >/dev/null 2>&1 ||
    echo "smelt: could not install tpchgen-cli: tests/mpi/run_tpch_mpi.sh will skip" >&2
fi
