#!/usr/bin/env bash
# Distributed mode against one process on this machine: the median of 3 wall times of
# `mergepipe` and of `mergepipe submit --wait` (cutting, queueing, map, reduce, collect and the
# output written) with 1, 2 and 4 workers on a generated NDJSON file, through a local
# redis-server. Usage: tests/cluster/measure_overhead.sh [BUILD_DIR] [SIZE]
set -euo pipefail
build=${1:-build-cluster}
size=${2:-200M}
mergepipe=$build/apps/mergepipe/mergepipe
work=$(mktemp -d)
redis_pid=
cleanup() {
  [[ -n $redis_pid ]] && kill "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --appendonly yes --save "" --dir "$work" \
  --daemonize no >"$work/redis.log" 2>&1 &
redis_pid=$!
url=redis://127.0.0.1:$port
until redis-cli -p "$port" ping >/dev/null 2>&1; do sleep 0.05; done

"$build/tools/mpgen" --size "$size" --delete-ratio 0.05 -o "$work/in.ndjson"
echo "input: $(stat -c %s "$work/in.ndjson") bytes, $(nproc) cores"

seconds() { date +%s.%N; }
median() { sort -n | sed -n 2p; }

for run in 1 2 3; do
  start=$(seconds)
  "$mergepipe" --delete-when op=d -o "$work/single.ndjson" "$work/in.ndjson"
  awk "BEGIN { print $(seconds) - $start }"
done | median | xargs printf 'single process: %.2f s\n'

for workers in 1 2 4; do
  for run in 1 2 3; do
    job=w$workers-r$run
    pids=()
    for ((w = 0; w < workers; ++w)); do
      "$mergepipe" worker --redis "$url" --job "$job" 2>>"$work/workers.log" &
      pids+=($!)
    done
    start=$(seconds)
    "$mergepipe" submit --redis "$url" --job "$job" --storage "$work/storage" --delete-when op=d \
      -o "$work/$job.ndjson" "$work/in.ndjson" --wait 2>>"$work/submit.log"
    awk "BEGIN { print $(seconds) - $start }"
    wait "${pids[@]}"
    cmp "$work/single.ndjson" "$work/$job.ndjson"
    rm "$work/$job.ndjson"
  done | median | xargs printf "$workers worker(s): %.2f s\n"
done
