#!/usr/bin/env bash
# The cost of result options on one binary: each option set against the defaults, through
# ab.sh (interleaved runs, medians), on the same warm input.
#
#   bench/e2e/options_ab.sh MERGEPIPE FILE RUNS "OPTIONS" ["OPTIONS"...]
#
#   bench/e2e/options_ab.sh build/apps/mergepipe/mergepipe users-1G.ndjson 7 \
#     "--keep first" "--keep-deletes" "--ts updated_at,amount"
#
# BASE (default "--delete-when op=d") is given to both sides.
set -euo pipefail
binary=$(realpath "$1") file=$2 runs=$3
shift 3
here=$(dirname "$0")
wrappers=$(mktemp -d)
trap 'rm -rf "$wrappers"' EXIT
wrap() {  # a wrapper that runs the binary with the base options and these
  printf '#!/bin/sh\nexec %q %s %s "$@"\n' "$binary" "${BASE:---delete-when op=d}" "$2" >"$wrappers/$1"
  chmod +x "$wrappers/$1"
}
wrap default ""
for ((i = 1; i <= $#; i++)); do
  wrap "option$i" "${!i}"
  echo "== ${!i}"
  "$here/ab.sh" "$wrappers/default" "$wrappers/option$i" "$file" "$runs"
done
