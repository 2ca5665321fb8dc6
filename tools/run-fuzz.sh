#!/usr/bin/env bash
# Usage: tools/run-fuzz.sh [SECONDS_PER_TARGET [SEED]]
# Builds the libFuzzer targets with clang (build-fuzz/) and runs each for SECONDS_PER_TARGET
# seconds (default 60), as many at a time as there are cores. With SEED every target draws its
# mutations from that seed, so a run can be repeated (the test run does this); without, each
# run explores afresh. Each starts from the seeds and past findings in tests/fuzz and works in
# a scratch copy, so the repository's corpus stays small. Exits non-zero on any finding and says where its input was saved; such an input
# belongs in tests/fuzz/regressions/<target>/, where the replay tests run it from then on.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
seed_option=()
[[ -n ${2:-} ]] && seed_option=(-seed="$2")
root=$PWD
jobs=$(nproc)
targets=(fuzz_ndjson_chunker fuzz_array_chunker fuzz_engine fuzz_decompress fuzz_timestamp
  fuzz_key_encoding fuzz_minify)

CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DMERGEPIPE_FUZZ=ON -DMERGEPIPE_INSTALL=OFF >/dev/null
cmake --build build-fuzz -j "$jobs" --target "${targets[@]}"

scratch=$(mktemp -d "${TMPDIR:-/tmp}/mergepipe-fuzz.XXXXXX")
echo "fuzzing ${#targets[@]} targets for ${seconds}s each in $scratch"

run_target() {
  local target=$1 dir=$scratch/$1
  mkdir -p "$dir/corpus" "$dir/findings"
  cp tests/fuzz/corpus/"$target"/* "$dir/corpus/"
  local seeds=()
  [[ -d tests/fuzz/regressions/$target ]] && seeds+=("$root/tests/fuzz/regressions/$target")
  # Whole records and several of them per input: the engine and chunkers want room.
  local max_len=4096
  [[ $target == fuzz_engine || $target == fuzz_decompress ]] && max_len=1024
  [[ $target == fuzz_timestamp || $target == fuzz_key_encoding ]] && max_len=256
  (cd "$dir" && "$root/build-fuzz/tests/fuzz/$target" -max_total_time="$seconds" \
    -max_len="$max_len" -timeout=10 -rss_limit_mb=4096 "${seed_option[@]}" -artifact_prefix="$dir/findings/" \
    -print_final_stats=1 corpus "${seeds[@]}" >"$dir/log" 2>&1)
}

declare -A running=()
failed=0
finish_one() {
  local pid status=0
  wait -n -p pid "${!running[@]}" || status=$?
  local target=${running[$pid]}
  unset "running[$pid]"
  local runs
  runs=$(grep -o 'number_of_executed_units: [0-9]*' "$scratch/$target/log" | grep -o '[0-9]*$' || true)
  if ((status == 0)); then
    echo "$target: ok, ${runs:-?} inputs"
  else
    failed=1
    echo "$target: FAILED (exit $status); log: $scratch/$target/log"
    grep -A1 -E 'property failed|ERROR: |SUMMARY' "$scratch/$target/log" | head -8 || true
    # The input itself, so that a finding on a machine one cannot log into can be replayed.
    for finding in "$scratch/$target/findings"/*; do
      [[ -e $finding ]] || continue
      echo "  input: $finding, base64:"
      base64 "$finding" | head -c 4096 | sed 's/^/    /'
      echo
    done
  fi
}

for target in "${targets[@]}"; do
  ((${#running[@]} < jobs)) || finish_one
  run_target "$target" &
  running[$!]=$target
done
while ((${#running[@]} > 0)); do finish_one; done
((failed)) && exit 1
rm -rf "$scratch"
