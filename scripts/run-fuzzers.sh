#!/usr/bin/env bash
# Runs every libFuzzer target built in BUILD_DIR for SECONDS each, on a scratch copy of its
# corpus (new inputs are written to fuzz-out/<target>/; crashes to fuzz-out/crashes/).
# Add any crash input to the target's corpus folder (src/*/testdata/fuzz/<target>/) so that
# `make test` replays it forever. Usage: scripts/run-fuzzers.sh BUILD_DIR [SECONDS]
set -euo pipefail
build=${1:?usage: $0 BUILD_DIR [SECONDS]}
seconds=${2:-60}
out=fuzz-out
mkdir -p "$out/crashes"
status=0
while IFS= read -r bin; do
  name=$(basename "$bin" _fuzz)
  corpus=$(find src -type d -path "*/testdata/fuzz/$name" | head -n1)
  # dkim_message -> dkim/testdata/fuzz/message: the module prefix may be left out.
  [ -n "$corpus" ] || corpus=$(find src -type d -path "*/testdata/fuzz/${name#*_}" | head -n1)
  [ -n "$corpus" ] || { echo "no corpus for $name"; continue; }
  mkdir -p "$out/$name"
  echo "== $name (${seconds}s, corpus $corpus)"
  if ! "$bin" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 \
      -artifact_prefix="$out/crashes/$name-" "$out/$name" "$corpus" 2>&1 | tail -n 12; then
    status=1
  fi
done < <(find "$build" -maxdepth 4 -type f -name '*_fuzz' -perm -u+x | sort)
exit $status
