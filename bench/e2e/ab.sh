#!/usr/bin/env bash
# A/B of two mergepipe binaries on the same warm input: runs them in turn, RUNS times each,
# and prints each one's median wall seconds (output to /dev/null unless OUT is set; with
# PIPE=1 the input comes through `cat FILE |`, the time is the whole pipeline's).
#
#   bench/e2e/ab.sh BEFORE AFTER FILE [RUNS] [-- MERGEPIPE OPTIONS...]     (RUNS default 7)
#
# Interleaving the two keeps a noisy machine's drift out of the ratio.
set -euo pipefail
before=$1 after=$2 file=$3
shift 3
runs=7
if (($#)) && [[ $1 != -- ]]; then runs=$1; shift; fi
[[ ${1:-} == -- ]] && shift
out=${OUT:-/dev/null}

median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
if [[ ${PIPE:-0} == 1 ]]; then
  wall() { /usr/bin/time -f %e bash -c 'cat "$0" | "$@"' "$file" "$@" -o "$out" - 2>&1 >/dev/null | tail -1; }
else
  wall() { /usr/bin/time -f %e "$@" -o "$out" "$file" 2>&1 >/dev/null | tail -1; }
fi

cat "$file" >/dev/null  # warm the page cache
a=() b=()
for ((i = 0; i < runs; i++)); do
  a+=("$(wall "$before" "$@")")
  b+=("$(wall "$after" "$@")")
done
ma=$(printf '%s\n' "${a[@]}" | median)
mb=$(printf '%s\n' "${b[@]}" | median)
echo "before $ma s (${a[*]})"
echo "after  $mb s (${b[*]})"
awk -v a="$ma" -v b="$mb" 'BEGIN {printf "after/before %.3f\n", b / a}'
