#!/usr/bin/env bash
# The distributed mode's scaling on one machine, each worker pinned to its own cores to stand
# in for a host (all of them share one disk and one Redis on loopback). For each worker count:
# the median wall time of `submit --wait` over RUNS runs, the wall time of each phase (first
# task started to last task done, from the workers' logs), the CPU seconds of all workers
# together, and the bytes the job wrote to its storage; against one `mergepipe` run pinned
# to as many cores as one worker. Each job's output is compared with that run's.
#
#   bench/cluster/scaling.sh MERGEPIPE FILE [CORES_PER_WORKER] [WORKER_COUNTS] [RUNS] [-- SUBMIT OPTIONS]
#   e.g. bench/cluster/scaling.sh build/apps/mergepipe/mergepipe users-1G.ndjson 1 "1 2" 3 \
#          -- --pieces-mb 64 --buckets 4
#
# Prints one CSV line per worker count after a header: workers, wall, map, reduce, write,
# collect, cpu seconds, storage MB written (partial files and parts, not the output). With
# SVG=FILE, also plots each worker count's phases stacked, against the one process.
set -euo pipefail
mergepipe=$(realpath "$1") file=$(realpath "$2")
cores_per_worker=${3:-1}
counts=${4:-"1 2"}
runs=${5:-3}
shift $(($# < 5 ? $# : 5))
[[ ${1:-} == -- ]] && shift
ncores=$(nproc)
work=$(mktemp -d "${MERGEPIPE_BENCH_DIR:-${TMPDIR:-/tmp}}/scaling.XXXXXX")
redis_pid=
cleanup() {
  [[ -n $redis_pid ]] && kill "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" \
  --daemonize no >"$work/redis.log" 2>&1 &
redis_pid=$!
url=redis://127.0.0.1:$port
until redis-cli -p "$port" ping >/dev/null 2>&1; do sleep 0.05; done

median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
cpus_of() { # the cores of worker $1 (from 0), wrapping around the machine
  local first=$(($1 * cores_per_worker % ncores))
  echo "$first-$((first + cores_per_worker - 1))"
}
cat "$file" >/dev/null  # warm the page cache

# Every run starts with no dirty pages of the runs before: each ends with an fsync of its
# output, whose time would otherwise depend on what the previous run left to write back.
single_run() {
  sync
  /usr/bin/time -f %e taskset -c "$(cpus_of 0)" "$mergepipe" "$file" -o "$work/single" 2>&1 \
    >/dev/null | tail -1
}
single_run >/dev/null  # its output is what every job must write
echo "workers,wall_s,map_s,reduce_s,write_s,collect_s,cpu_s,storage_mb" >"$work/rows.csv"

# Phase wall times from the workers' logs: first "started" to last "done" of each task kind.
phases() {
  cat "$work"/w*.log | awk '
    function secs(t,  p) { split(t, p, ":"); return p[1] * 3600 + p[2] * 60 + p[3] }
    / (map|reduce|write|collect)[:0-9]*: (started|done)/ {
      kind = $0; sub(/.* /, "", kind)
      match($0, / (map|reduce|write|collect)[:0-9]*: /); k = substr($0, RSTART + 1, RLENGTH - 3)
      sub(/:.*/, "", k); t = secs($1)
      if ($0 ~ /started/) { if (!(k in s) || t < s[k]) s[k] = t }
      else if (!(k in e) || t > e[k]) e[k] = t
    }
    END { printf "%.2f,%.2f,%.2f,%.2f", e["map"] - s["map"], e["reduce"] - s["reduce"], e["write"] - s["write"], e["collect"] - s["collect"] }'
}

# One job of a worker count: its CSV fields after the worker count.
job_run() {
  local workers=$1 job=$2
  shift 2
  rm -f "$work"/w*.log "$work"/w*.time
  local pids=()
  for ((w = 0; w < workers; ++w)); do
    /usr/bin/time -f '%U %S' -o "$work/w$w.time" taskset -c "$(cpus_of "$w")" \
      "$mergepipe" worker --redis "$url" --job "$job" --name "w$w" 2>"$work/w$w.log" &
    pids+=($!)
  done
  sync
  local start wall out_mb cpu written
  start=$(date +%s.%N)
  "$mergepipe" submit --redis "$url" --job "$job" --storage "$work/storage" -o "$work/$job" \
    "$@" "$file" --wait 2>"$work/submit.log"
  wall=$(awk "BEGIN { print $(date +%s.%N) - $start }")
  wait "${pids[@]}"
  cmp "$work/single" "$work/$job"
  out_mb=$(stat -c %s "$work/$job")
  rm "$work/$job"
  cpu=$(cat "$work"/w*.time | awk '{ s += $1 + $2 } END { print s }')
  written=$(grep -ho 'wrote [0-9]* bytes' "$work"/w*.log | awk '{ s += $2 } END { print s + 0 }')
  echo "$wall,$(phases),$cpu,$(awk "BEGIN { printf \"%.0f\", ($written - $out_mb) / 1e6 }")"
}

# The runs interleave (one process, then each worker count, RUNS times), so that a drift of a
# noisy machine moves every column alike.
declare -A rows
single=()
for ((r = 0; r < runs; r++)); do
  single+=("$(single_run)")
  for workers in $counts; do rows[$workers]+="$(job_run "$workers" "w$workers-r$r" "$@")"$'\n'; done
done
single_s=$(printf '%s\n' "${single[@]}" | median)
echo "one process on $cores_per_worker core(s): $single_s s (${single[*]})"
cat "$work/rows.csv"
for workers in $counts; do
  # The run with the median wall time.
  printf '%s' "${rows[$workers]}" | sort -t, -g -k1,1 | sed -n "$(((runs + 1) / 2))p" |
    sed "s/^/$workers,/" | tee -a "$work/rows.csv"
done

if [[ -n ${SVG:-} ]]; then
  # Stacked phases per worker count; "other" is the wall time outside them (queueing, the
  # workers noticing the job, submit seeing it end).
  tail -n +2 "$work/rows.csv" | awk -F, '{ o = $2 - $3 - $4 - $5 - $6; if (o < 0) o = 0
    printf "\"%s worker%s\" %s %s %s %s %s\n", $1, ($1 == 1 ? "" : "s"), $3, $4, $5, $6, o }' \
    >"$work/phases.dat"
  gnuplot <<PLOT
set terminal svg size 640,400 font "sans,11"
set output "$SVG"
set title "mergepipe submit, workers of $cores_per_worker core(s): $(basename "$file")"
set ylabel "wall seconds"
set style data histograms
set style histogram rowstacked
set style fill solid 0.8 border -1
set boxwidth 0.6
set yrange [0:*]
set key outside right
plot "$work/phases.dat" using 2:xtic(1) title "map", "" using 3 title "reduce", \
     "" using 4 title "write", "" using 5 title "collect", "" using 6 title "other", \
     $single_s with lines lw 2 dt 2 lc rgb "black" title "one process"
PLOT
fi
