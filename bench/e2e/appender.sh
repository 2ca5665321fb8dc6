#!/usr/bin/env bash
# A ~1 GB NDJSON file merged by the library, added by name (mapped) or read in 64 KiB pieces
# and handed to merger::append: median wall time and peak resident memory, side by side. The
# second file has few keys, where memory should stay flat however long the feed is.
#
#   bench/e2e/appender.sh [BUILD_DIR] [SIZE] [RUNS]      (defaults: build 1G 5)
#
# Writes a Markdown table on stdout. Inputs go to ${MERGEPIPE_BENCH_DIR:-/tmp/mergepipe-bench}.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
size=${2:-1G}
runs=${3:-5}
work=${MERGEPIPE_BENCH_DIR:-/tmp/mergepipe-bench}
feed=$build/bench/appender/appender_feed
mpgen=$build/tools/mpgen
mkdir -p "$work"

third=$work/users-$size.ndjson
few=$work/users-$size-few-keys.ndjson
[[ -s $third ]] || "$mpgen" --size "$size" --format ndjson --ts-style mixed --seed 7 -o "$third"
[[ -s $few ]] || "$mpgen" --size "$size" --format ndjson --ts-style mixed --seed 7 \
  --distinct-ratio 0.0003 -o "$few"

median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

echo "| input | fed as | median s | peak RSS MB | output MB |"
echo "| --- | --- | --- | --- | --- |"
for file in "$third" "$few"; do
  cat "$file" >/dev/null  # warm page cache
  declare -A times=() peaks=()
  for ((i = 0; i < runs; i++)); do
    for mode in file append; do  # alternated, so that drift hits both alike
      out=$( { /usr/bin/time -f '%M' "$feed" "$file" "$mode"; } 2>&1)
      read -r seconds output_bytes <<<"$(head -1 <<<"$out")"
      times[$mode]+="$seconds " peaks[$mode]+="$(tail -1 <<<"$out") "
    done
  done
  for mode in file append; do
    t=$(tr ' ' '\n' <<<"${times[$mode]}" | grep . | median)
    peak=$(tr ' ' '\n' <<<"${peaks[$mode]}" | grep . | median)
    echo "| $(basename "$file") | $mode | $t | $((peak / 1024)) | $((output_bytes / 1000000)) |"
  done
  unset times peaks
done
