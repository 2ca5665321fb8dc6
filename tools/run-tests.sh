#!/usr/bin/env bash
# Builds and runs every test: a warnings-as-errors release build (unit, CLI, install, limit
# and distributed-mode tests; the latter start their own redis-server), then the unit, CLI
# and distributed tests again under AddressSanitizer+UBSan, the unit and CLI tests under
# ThreadSanitizer, then every fuzz target for 50 seconds from a fixed seed. Build trees:
# build/, build-asan/, build-tsan/, build-fuzz/. Warnings are errors in the release build
# only: instrumented builds provoke GCC's false positives inside libstdc++. Tests labelled
# `long` (a 5 GB input) are left out: run them with `ctest --test-dir build -L long`.
#
#   tools/run-tests.sh            everything, as CI runs it
#   tools/run-tests.sh --quick    the release build and its tests alone
#
# Each stage says how long it took, and the run fails if tests left folders behind in the
# temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

quick=0
case ${1:-} in
  "") ;;
  --quick) quick=1 ;;
  *) echo "usage: tools/run-tests.sh [--quick]" >&2; exit 2 ;;
esac

configure_and_test() {
  local dir=$1 labels=$2 exclude=$3
  shift 3
  cmake -S . -B "$dir" -G Ninja "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
  ctest --test-dir "$dir" -L "$labels" ${exclude:+-E "$exclude"} --output-on-failure -j "$jobs" \
    --timeout 600
}

release() {
  configure_and_test build 'unit|cli|install|limits|cluster' '' -DCMAKE_BUILD_TYPE=Release \
    -DMERGEPIPE_WERROR=ON -DMERGEPIPE_BUILD_BENCH=ON
}

# -O1 and line tables only: half the compile time of -O2 -g, the same stack traces with
# file and line, and no slower tests (sanitizers' checks dominate their run time).
asan() {
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    configure_and_test build-asan 'unit|cli|cluster' '' -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    '-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG' -DMERGEPIPE_SANITIZE=address,undefined
}

# sumbench's methods are oneTBB's and libstdc++'s parallel algorithms themselves: their
# synchronisation lives in Debian's uninstrumented libtbb, where TSan cannot see it. The
# engine's own pipeline states its ordering for TSan (lib/src/pipeline/tsan_annotations.h).
# TSan's default sleeps a second at the exit of every process that started threads, and the
# CLI tests start hundreds of processes: no sleep. Line tables only, as for ASan.
tsan() {
  TSAN_OPTIONS="halt_on_error=1 history_size=7 atexit_sleep_ms=0 suppressions=$PWD/tests/tsan.supp" \
    configure_and_test build-tsan 'unit|cli' '^sumbench\.' -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    '-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG' -DMERGEPIPE_SANITIZE=thread
}

# A fixed seed: the same mutations every run, so the gate passes or fails on the code, not on
# the draw; `tools/run-fuzz.sh SECONDS` without a seed explores further.
fuzz() { tools/run-fuzz.sh 50 1; }

# Stages and their seconds, for the summary; a stage that fails shows as the last one.
summary=()
started=$SECONDS
stage() {  # title function
  local begin=$SECONDS
  echo "== $1"
  summary+=("$1: did not finish")
  "$2"
  summary[-1]="$1: $((SECONDS - begin)) s"
  echo "== $1: done in $((SECONDS - begin)) s"
}
print_summary() {
  echo "== summary"
  printf '   %s\n' "${summary[@]}" "total: $((SECONDS - started)) s"
}
trap print_summary EXIT

# The test folders (test_files.h, cli_runner.h) and the fuzzing scratch folder.
temp=${TMPDIR:-/tmp}
temp_folders() { find "$temp" -maxdepth 1 -name 'mergepipe-*' | sort; }
folders_before=$(temp_folders)

stage "release build: unit, CLI, install, limit and distributed tests" release
if ((!quick)); then
  stage "AddressSanitizer + UndefinedBehaviorSanitizer" asan
  stage "ThreadSanitizer" tsan
  stage "fuzzing" fuzz
fi

left=$(comm -13 <(echo "$folders_before") <(temp_folders))
if [[ -n $left ]]; then
  echo "tests left these behind in $temp:"
  echo "$left"
  exit 1
fi
