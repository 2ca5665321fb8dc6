#!/usr/bin/env bash
# End-to-end timing of mergepipe on generated ~1 GB inputs (NDJSON and the same records as a
# JSON array) at 1 and 2 threads: median wall time, MB/s and peak resident memory.
#
#   bench/e2e/engine.sh [BUILD_DIR] [SIZE] [RUNS]      (defaults: build 1G 5)
#
# Writes a Markdown table on stdout. Inputs go to ${MERGEPIPE_BENCH_DIR:-/tmp/mergepipe-bench}.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
size=${2:-1G}
runs=${3:-5}
work=${MERGEPIPE_BENCH_DIR:-/tmp/mergepipe-bench}
mergepipe=$build/apps/mergepipe/mergepipe
mpgen=$build/tools/mpgen
mkdir -p "$work"

for format in ndjson array; do
  file=$work/users-$size.$format
  [[ -s $file ]] || "$mpgen" --size "$size" --format "$format" --ts-style mixed --seed 7 -o "$file"
done

median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

echo "| input | threads | median s | MB/s | peak RSS MB | distinct keys |"
echo "| --- | --- | --- | --- | --- | --- |"
for format in ndjson array; do
  file=$work/users-$size.$format
  bytes=$(stat -c %s "$file")
  cat "$file" >/dev/null  # warm page cache
  for threads in 1 2; do
    times=() peaks=()
    for ((i = 0; i < runs; i++)); do
      out=$( { /usr/bin/time -f '%e %M' "$mergepipe" --threads "$threads" --stats-json "$work/stats.json" \
               -o "$work/out.ndjson" "$file"; } 2>&1 | tail -1)
      times+=("${out% *}") peaks+=("${out#* }")
    done
    t=$(printf '%s\n' "${times[@]}" | median)
    peak=$(printf '%s\n' "${peaks[@]}" | median)
    keys=$(grep -o '"distinct_keys":[0-9]*' "$work/stats.json" | cut -d: -f2)
    awk -v f="$format" -v th="$threads" -v t="$t" -v b="$bytes" -v p="$peak" -v k="$keys" \
      'BEGIN {printf "| %s %.0f MB | %d | %.2f | %.0f | %.0f | %d |\n", f, b/1e6, th, t, b/1e6/t, p/1024, k}'
  done
done
