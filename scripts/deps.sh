#!/bin/sh
# Installs the Debian packages smelt needs, when missing.  Runs as root on a
# fresh Debian machine: `make demo` calls it for the build, `make test` with
# --test for the tools the tests need too (clang for the libFuzzer targets).
set -e
pkgs="gcc make libpcre2-dev zlib1g-dev libssl-dev libsqlite3-dev libyaml-dev libedit-dev libsnappy-dev libzstd-dev liblz4-dev libbrotli-dev libbz2-dev python3"
[ "${1:-}" = "--test" ] && pkgs="$pkgs clang libclang-rt-14-dev openmpi-bin libopenmpi-dev"
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
