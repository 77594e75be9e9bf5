#!/bin/sh
# Installs the Debian packages smelt needs to build and test, when missing.
# Runs as root on a fresh Debian machine (make demo / make test call it).
set -e
need=""
for p in gcc make libpcre2-dev zlib1g-dev libssl-dev python3; do
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
