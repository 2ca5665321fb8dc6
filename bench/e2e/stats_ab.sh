#!/usr/bin/env bash
# A/B of two mergepipe binaries by their own --stats: runs them in turn on the same warm
# input, RUNS times each, output to /dev/null, and prints for each the wall seconds and the
# busy seconds of the parse filter, the merge filter and the finish, run by run.
#
#   bench/e2e/stats_ab.sh BEFORE AFTER FILE RUNS [MERGEPIPE OPTIONS...]
#
# Where ab.sh says which is faster, this says in which stage (the default layout's filters).
set -euo pipefail
before=$1 after=$2 file=$3 runs=$4
shift 4
cat "$file" >/dev/null  # warm the page cache
stats() {
  "$1" "${@:2}" --stats "$file" -o /dev/null 2>&1 |
    awk '/^wall time/ {w = $3} /^filter .*parse/ {p = $(NF - 4)} /^filter .*merge/ {m = $(NF - 4)}
         /^finish/ {f = $2} END {print w, p, m, f}'
}
for ((i = 0; i < runs; i++)); do
  echo "before $(stats "$before" "$@")"
  echo "after $(stats "$after" "$@")"
done | awk '{w[$1] = w[$1] " " $2; p[$1] = p[$1] " " $3; m[$1] = m[$1] " " $4; f[$1] = f[$1] " " $5}
            END {for (x in w) printf "%-6s wall%s | parse%s | merge%s | finish%s\n", x, w[x], p[x], m[x], f[x]}' |
  sort -r
