#!/usr/bin/env bash
# Compressed inputs end to end: the same generated records plain, as gzip (one member, from
# gzip; many members, from bgzip) and as zstd (one frame, from zstd; several, from pzstd; and
# frames of 4 MiB, from zstd on each piece of split, which mergepipe decodes side by side),
# each given by name and piped, next to the decoder alone decompressing to /dev/null (igzip
# for gzip, the decoder mergepipe uses; zstd for zstd). Median wall seconds, the ratio to the
# plain file by name, and the median peak RSS.
#
#   bench/e2e/compressed.sh [BUILD_DIR] [SIZE] [RUNS] [THREADS] [FORMAT]
#                                      (defaults: build 1G 5 2 ndjson)
#
# Writes a Markdown table on stdout. Inputs go to ${MERGEPIPE_BENCH_DIR:-/tmp/mergepipe-bench}.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
size=${2:-1G}
runs=${3:-5}
threads=${4:-2}
format=${5:-ndjson}
work=${MERGEPIPE_BENCH_DIR:-/tmp/mergepipe-bench}
mergepipe=$(realpath "$build/apps/mergepipe/mergepipe")
mkdir -p "$work"

plain=$work/users-$size.$format
[[ -s $plain ]] || "$build/tools/mpgen" --size "$size" --format "$format" --ts-style mixed \
  --seed 7 -o "$plain"
[[ -s $plain.gz ]] || gzip -6 -c "$plain" >"$plain.gz"
[[ -s $plain.bgz ]] || bgzip -@ "$(nproc)" -c "$plain" >"$plain.bgz"
[[ -s $plain.zst ]] || zstd -q -3 -c "$plain" >"$plain.zst"
[[ -s $plain.frames.zst ]] || pzstd -q -3 -p "$(nproc)" -c "$plain" >"$plain.frames.zst"
if [[ ! -s $plain.4m-frames.zst ]]; then
  pieces=$(mktemp -d "$work/pieces.XXXXXX")
  split -b 4M -d -a 5 "$plain" "$pieces/p"
  for piece in "$pieces"/p*; do zstd -q -3 -c "$piece"; done >"$plain.4m-frames.zst"
  rm -r "$pieces"
fi

median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

# Runs "$@" (a shell command line) RUNS times: "median_seconds median_peak_kb".
measure() {
  local times=() peaks=() out
  for ((i = 0; i < runs; i++)); do
    out=$( { /usr/bin/time -f '%e %M' bash -c "$1" >/dev/null; } 2>&1 | tail -1)
    times+=("${out% *}") peaks+=("${out#* }")
  done
  echo "$(printf '%s\n' "${times[@]}" | median) $(printf '%s\n' "${peaks[@]}" | median)"
}

mp="$mergepipe --threads $threads -o /dev/null"
cat "$plain" "$plain".* >/dev/null  # warm the page cache
read -r base base_kb < <(measure "$mp '$plain'")

row() {  # name, command
  local s kb
  read -r s kb < <(measure "$2")
  printf '| %s | %s | %.2f | %d |\n' "$1" "$s" "$(awk -v a="$s" -v b="$base" 'BEGIN{print a/b}')" \
    "$((kb / 1024))"
}

echo "| $size $format, $threads threads | median s | × plain by name | peak RSS MB |"
echo "| --- | --- | --- | --- |"
printf '| plain, by name | %s | 1.00 | %d |\n' "$base" "$((base_kb / 1024))"
row "plain, piped (cat \\| mergepipe)" "cat '$plain' | $mp"
for ext in gz bgz zst frames.zst 4m-frames.zst; do
  row "$ext, by name" "$mp '$plain.$ext'"
  row "$ext, piped" "cat '$plain.$ext' | $mp"
done
row "gz: igzip -dc alone" "igzip -dc '$plain.gz'"
row "bgz: igzip -dc alone" "igzip -dc '$plain.bgz'"
row "zst: zstd -dc alone" "zstd -q -dc '$plain.zst'"
