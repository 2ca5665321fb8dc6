#!/usr/bin/env bash
# Side-by-side benchmark: the latest record per id by updated_at (ties to the later record,
# NDJSON out), by mergepipe and by DuckDB, Polars, SQLite, jq, gojq, Miller and Python, on the
# same generated files, next to a simdjson walking ceiling. Every output is checked against
# mergepipe's (bench/peers/tools/same.py says what "same" means).
#
#   bench/peers/run.sh [--sizes 100M,1G] [--quick] [--runs N] [--slow-runs N]
#                      [--work DIR] [--results DIR] [--timeout SECONDS] [--gojq-mem-gb N]
#
#   --sizes      input sizes for mpgen (default 100M,1G); --quick means --sizes 10M and
#                results in the work directory instead of bench/peers/results
#   --runs       timed runs of the fast tools (default 5); --slow-runs for jq, gojq, Miller
#                and Python (default 3)
#   --work       inputs, outputs and logs/ (default /tmp/mergepipe-peers)
#   --timeout    seconds before one run counts as failed (default 900)
#   --gojq-mem-gb  gojq's address-space cap (default 8): its reduce copies the whole object
#                  per record and would otherwise take the machine's memory
#
# Writes peers.csv and peers.svg into the results directory (hyperfine's JSON and the
# /usr/bin/time logs into its hyperfine/ folder) and prints a Markdown table for
# bench/RESULTS.md.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
sizes=100M,1G
quick=0
runs=5
slow_runs=3
work=/tmp/mergepipe-peers
results=""
timeout_s=900
gojq_mem_gb=8

usage() { sed -n '7,21p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while (($#)); do
  case $1 in
    --sizes) sizes=$2; shift 2 ;;
    --quick) quick=1; sizes=10M; shift ;;
    --runs) runs=$2; shift 2 ;;
    --slow-runs) slow_runs=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    --timeout) timeout_s=$2; shift 2 ;;
    --gojq-mem-gb) gojq_mem_gb=$2; shift 2 ;;
    *) usage ;;
  esac
done
# A quick run must not overwrite the committed results.
[[ -n $results ]] || { ((quick)) && results=$work/results-quick || results=$here/results; }
mkdir -p "$work/logs" "$results/hyperfine"
work=$(cd "$work" && pwd) results=$(cd "$results" && pwd)
logs=$work/logs
cd "$root"
log() { printf '%s\n' "$*" >&2; }

# --- 1. peers --------------------------------------------------------------------------------
tools/install-deps.sh hyperfine jq gojq miller sqlite3 time gnuplot-nox python3
command -v npm >/dev/null || tools/install-deps.sh nodejs npm
# nodejs-polars 0.26 needs Node 20 or later; Debian 12's own is 18, on which Polars is left out.
node_major=$(node -p 'process.versions.node.split(".")[0]')
# nodejs-polars lists its native package as an optional dependency, which npm skips on Node 20
# (it asks for Node 22); package.json names it directly. The lock lists every platform's
# optional packages (npm 11's `npm ci` wants them all) and placeholders for five that
# nodejs-polars 0.26.1 names but never published: recent npm (11.19) drops those when it
# writes a lock, then rejects the lock (npm/cli#9846). Debian 12's npm 9.2 reads it too.
# To regenerate it: npx npm@11.13.0 install --package-lock-only
if [[ ! -d $here/node_modules/nodejs-polars-linux-x64-gnu || ! -d $here/node_modules/@duckdb/node-api ]]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

# --- 2. build and data -----------------------------------------------------------------------
build=build-bench
[[ -f $build/build.ninja ]] ||
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMERGEPIPE_BUILD_BENCH=ON >&2
cmake --build "$build" --target mergepipe_cli mpgen ceiling >&2
mergepipe=$build/apps/mergepipe/mergepipe
python=$(command -v /usr/bin/python3 || command -v python3)

# mpgen writes the same seed differently per format (its timestamp spread depends on the
# layout), so the array is made from the NDJSON lines: exactly the same records, in mpgen's
# one-element-per-line array layout. "space" timestamps (2024-03-05 12:34:56[.123], UTC) are
# one spelling whose text order is time order, so every peer can compare them as strings.
generate() {  # size -> users-SIZE.ndjson and users-SIZE.json in $work
  local size=$1 ndjson=$work/users-$1.ndjson array=$work/users-$1.json
  if [[ ! -s $ndjson ]]; then
    local need avail
    need=$(numfmt --from=iec "$size")
    avail=$(df --output=avail -B1 "$work" | tail -1)
    # Two inputs, then outputs of about a third of an input at a time, and room to spare.
    ((avail > 3 * need)) || { log "not enough space in $work for $size inputs"; exit 1; }
    log "generating $ndjson"
    "$build/tools/mpgen" --size "$size" --format ndjson --ts-style space --seed 7 -o "$ndjson.tmp"
    mv "$ndjson.tmp" "$ndjson"
    rm -f "$array"
  fi
  if [[ ! -s $array ]]; then
    log "generating $array"
    { echo '['; sed '$!s/$/,/' "$ndjson"; echo ']'; } >"$array.tmp"
    mv "$array.tmp" "$array"
  fi
}

# --- 3. tools --------------------------------------------------------------------------------
# name|speed|largest input in bytes (0: any)|command; FILE and OUT are filled in per run.
max_slow=$((200 * 1000 * 1000))  # the 100 MB inputs, not the 1 GB ones
tools=(
  "mergepipe|fast|0|$mergepipe FILE -o OUT"
  "DuckDB|fast|0|node bench/peers/tools/duckdb.js FILE OUT"
  "Polars|fast|0|node bench/peers/tools/polars.js FILE OUT"
  "SQLite|fast|0|bench/peers/tools/sqlite.sh FILE OUT"
  "jq|slow|0|jq -c -n -f bench/peers/tools/latest.jq FILE > OUT"
  "gojq|slow|$max_slow|ulimit -v $((gojq_mem_gb << 20)); gojq -c -n -f bench/peers/tools/latest.jq FILE > OUT"
  "Miller|slow|$max_slow|mlr --ijson --ojsonl sort -f updated_at then tail -n 1 -g id FILE > OUT"
  "Python|slow|0|$python bench/peers/tools/latest.py FILE OUT"
  "Python mp|slow|$max_slow|$python bench/peers/tools/latest_mp.py FILE OUT"
)
if ((node_major < 20)); then
  log "Polars left out: nodejs-polars needs Node 20 or later, this is Node $node_major"
  for i in "${!tools[@]}"; do if [[ ${tools[i]} == Polars\|* ]]; then unset 'tools[i]'; fi; done
fi

csv=$results/peers.csv
csv_field() { local s=${1//\"/\"\"}; printf '"%s"' "$s"; }
# tool, command, file, size MB, format, median s, MB/s, peak MB, same, note
row() {
  local IFS=,
  local fields=("$(csv_field "$1")" "$(csv_field "$2")" "$3" "$4" "$5" "$6" "$7" "$8" "$9"
                "$(csv_field "${10}")")
  echo "${fields[*]}" >>"$csv"
}
echo "tool,command,file,size_mb,format,median_s,mb_per_s,peak_mb,same,note" >"$csv"

median_of() { jq '.results[0].median' "$1"; }
seconds() { awk -v s="$1" 'BEGIN {printf "%.4f", s}'; }
mb() { awk -v b="$1" 'BEGIN {printf "%.0f", b / 1e6}'; }
rate() { awk -v b="$1" -v s="$2" 'BEGIN {printf "%.1f", b / 1e6 / s}'; }

# One tool on one file: a run under /usr/bin/time -v for peak memory and the output to check
# (it also warms the page cache), then hyperfine.
measure() {  # name speed max command file format reference
  local name=$1 speed=$2 max=$3 template=$4 file=$5 format=$6 reference=$7
  local bytes tag out cmd shown peak="-" same="-" note=""
  bytes=$(stat -c %s "$file")
  tag=$(basename "$file")-${name// /-}
  out=$work/out-$tag.ndjson
  cmd=${template//FILE/$file}
  cmd=${cmd//OUT/$out}
  shown=${template//FILE/$(basename "$file")}
  shown=${shown//$root\//}
  shown=${shown#ulimit -v * }
  if ((max > 0 && bytes > max)); then
    row "$name" "$shown" "$(basename "$file")" "$(mb "$bytes")" "$format" - - - - \
      "not run: too slow or too large above 100 MB"
    return
  fi
  if [[ $name == SQLite && $format == array ]] && ((bytes > 1000000000)); then
    row "$name" "$shown" "$(basename "$file")" "$(mb "$bytes")" "$format" - - - - \
      "n/a: readfile() and json_each() refuse values over 1e9 bytes"
    return
  fi
  log "$name on $(basename "$file")"
  rm -f "$out"
  local status=0 timelog=$results/hyperfine/$tag.time
  /usr/bin/time -v -o "$timelog" timeout "$timeout_s" bash -c "$cmd" 2>"$logs/$tag.err" ||
    status=$?
  peak=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$timelog")
  if ((status != 0)); then
    if ((status == 124)); then
      note="failed: timeout after $timeout_s s"
    elif grep -q -i -E 'out of memory|MemoryError|cannot allocate|bad_alloc' "$logs/$tag.err"; then
      note="failed: out of memory (peak $peak MB)"
      [[ $name == gojq ]] && note+=", capped at $gojq_mem_gb GB"
    else
      note="failed: exit $status: $(tail -1 "$logs/$tag.err" | cut -c1-80)"
    fi
    log "  $note"
    row "$name" "$shown" "$(basename "$file")" "$(mb "$bytes")" "$format" - - "$peak" - "$note"
    rm -f "$out"
    return
  fi
  same=$("$python" bench/peers/tools/same.py "$reference" "$out" "$logs/$tag.diff")
  [[ $same == yes ]] || { note=$same; same=no; }
  [[ $name == "Python mp" ]] && note="${note:+$note; }peak of the largest process"
  local warmup=1 n=$runs json=$results/hyperfine/$tag.json
  # The /usr/bin/time run has just warmed the cache; a slow tool skips a second warm-up.
  [[ $speed == slow ]] && { warmup=0; n=$slow_runs; }
  hyperfine --shell=bash --style basic --warmup "$warmup" --runs "$n" --export-json "$json" \
    --command-name "$name" "$cmd" >"$logs/$tag.hyperfine" 2>&1
  local t
  t=$(median_of "$json")
  log "  $(seconds "$t") s, $peak MB, same: $same"
  row "$name" "$shown" "$(basename "$file")" "$(mb "$bytes")" "$format" "$(seconds "$t")" \
    "$(rate "$bytes" "$t")" "$peak" "$same" "$note"
  [[ $name == mergepipe && $file == "$reference_input" ]] || rm -f "$out"
}

# The plain reading speed and the simdjson walk on the same file.
ceiling() {  # file format
  local file=$1 format=$2 bytes name json
  bytes=$(stat -c %s "$file")
  name=$(basename "$file")
  json=$results/hyperfine/$name-cat.json
  log "cat and ceiling on $name"
  hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$json" \
    "cat $file > /dev/null" >"$logs/$name-cat.hyperfine" 2>&1
  local t
  t=$(median_of "$json")
  row "cat > /dev/null" "cat $name > /dev/null" "$name" "$(mb "$bytes")" "$format" \
    "$(seconds "$t")" "$(rate "$bytes" "$t")" - - "page-cache read"
  "$build/bench/ceiling/ceiling" "$file" "$runs" | tail -n +2 |
    while IFS=$'\t' read -r mode threads t mbs keys; do
      if [[ $mode == newlines ]]; then
        row "newline count" "ceiling $name" "$name" "$(mb "$bytes")" "$format" "$t" "$mbs" - - \
          "std::count over an mmap"
      else
        row "ceiling $threads thread$( ((threads > 1)) && echo s)" "ceiling $name" "$name" \
          "$(mb "$bytes")" "$format" "$t" "$mbs" - - \
          "simdjson walk, id + updated_at into a hash map ($keys keys$( ((threads > 1)) &&
            echo ', one map per half'))"
      fi
    done
}

IFS=, read -r -a size_list <<<"$sizes"
for size in "${size_list[@]}"; do
  generate "$size"
  reference_input=$work/users-$size.ndjson
  reference=$work/out-users-$size.ndjson-mergepipe.ndjson
  for format in ndjson array; do
    file=$reference_input
    [[ $format == array ]] && file=$work/users-$size.json
    for tool in "${tools[@]}"; do
      IFS='|' read -r name speed max template <<<"$tool"
      measure "$name" "$speed" "$max" "$template" "$file" "$format" "$reference"
    done
    ceiling "$file" "$format"
  done
  rm -f "$reference"
done

# --- 4. report -------------------------------------------------------------------------------
model=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
"$python" bench/peers/tools/report.py "$csv" "$results/peers.svg" "$(date -u +%Y-%m-%d)" \
  "$model, $(nproc) CPUs"
log "results: $csv, $results/peers.svg"
