#!/usr/bin/env bash
# Coverage reached by each fuzz target's corpus (the folder make test replays): replays the
# corpus once (-runs=0) and prints the edges libFuzzer saw ("cov") against the instrumented
# edges of the binary ("inline 8-bit counters"). Usage: scripts/fuzz-coverage.sh BUILD_DIR
# (a `make fuzz` build, e.g. build-fuzz). The inputs a `make fuzz` run found (fuzz-out/<target>/)
# are replayed too when they are there, so the figure is the coverage that run reached.
# docs/reliability.md records a run.
set -euo pipefail
build=${1:?usage: $0 BUILD_DIR}
printf '| target | corpus inputs | edges covered | instrumented edges | share |\n|---|---:|---:|---:|---:|\n'
while IFS= read -r bin; do
  name=$(basename "$bin" _fuzz)
  corpus=$(find src -type d -path "*/testdata/fuzz/$name" | head -n1)
  [ -n "$corpus" ] || corpus=$(find src -type d -path "*/testdata/fuzz/${name#*_}" | head -n1)
  [ -n "$corpus" ] || continue
  dirs=("$corpus")
  [ -d "fuzz-out/$name" ] && dirs+=("fuzz-out/$name")
  out=$("$bin" -runs=0 -max_len=4096 "${dirs[@]}" 2>&1 || true)
  total=$(sed -n 's/.*Loaded [0-9]* modules *(\([0-9]*\) inline 8-bit counters).*/\1/p' <<<"$out" | head -n1)
  cov=$(grep -o 'INITED cov: [0-9]*' <<<"$out" | grep -o '[0-9]*$' | tail -n1)
  inputs=$(find "${dirs[@]}" -type f | wc -l)
  share=$(awk -v c="${cov:-0}" -v t="${total:-0}" 'BEGIN { if (t > 0) printf "%.0f %%", 100 * c / t; else print "?" }')
  printf '| `%s` | %s | %s | %s | %s |\n' "$name" "$inputs" "${cov:-?}" "${total:-?}" "$share"
done < <(find "$build" -maxdepth 4 -type f -name '*_fuzz' -perm -u+x | sort)
