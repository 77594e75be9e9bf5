#!/bin/sh
# Runs the DrivenData example job on the bundled sample data through
# `smelt run examples/drivendata/job.yaml` (the same job as build/drivendata,
# as a job file) and prints the first rows of both outputs.  Called by
# `make demo` as
#   examples/drivendata/demo.sh build
set -e
cd "$(dirname "$0")/../.."
b=${1:-build}
if [ ! -x "$b/smelt" ]; then
  echo "demo.sh: $b/smelt is not built; run make first" >&2
  exit 1
fi
out=$(mktemp -d "${TMPDIR:-/tmp}/smelt-demo-XXXXXX")
trap 'rm -rf "$out"' EXIT

raw=examples/drivendata/data
echo "== input: $raw"
for f in "$raw"/*.csv; do echo "   $(basename "$f"): $(($(wc -l < "$f") - 1)) rows"; done
echo "== $b/smelt run examples/drivendata/job.yaml --arg input=$raw --arg output=$out"
"$b/smelt" run examples/drivendata/job.yaml --arg input="$raw" --arg output="$out"

show() { # title dir
  echo
  echo "== $1: $(ls "$2" | tr '\n' ' ')"
  if [ -x "$b/smelt" ] && "$b/smelt" head "$2" -n 10 2>/dev/null; then
    return 0
  fi
  for f in "$2"/part-*; do head -n 11 "$f"; break; done
}
show "filtered (sessions in 2024 longer than 30 minutes)" "$out/filtered"
show "grouped (per person: average session, total traffic)" "$out/grouped"
