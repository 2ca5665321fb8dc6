#!/usr/bin/env python3
"""Runs mergepipe over threads x live tokens x chunk sizes and shows which filter bounds it.

    bench/sweep/sweep.py FILE [--mergepipe PATH] [--threads 1,2] [--tokens 1,2,4,8,16]
                         [--chunk-sizes 64K,256K,1M,4M,16M] [--repeat 3] [--out DIR]
                         [--title TEXT] [--no-plot]
    bench/sweep/sweep.py --replot DIR/sweep.csv [--out DIR] [--title TEXT]

Each point is the median wall time of --repeat runs (output to /dev/null, page cache warm),
with mergepipe's own busy seconds per filter (--stats-json) from the median run. Writes
DIR/sweep.csv, one row per point: input_bytes, threads, tokens, chunk_bytes, pipeline (the
layout), filters (their count), median_s, chunks, mb_per_s, filterN_steps, filterN_mode
(serial or parallel) and filterN_busy_s for N = 1..6 (empty past the layout's filters),
finish_busy_s (the work after the pipeline). And DIR/sweep.svg (gnuplot): throughput against
threads (one line per token count) and against chunk size, and where the time goes against
threads: serial filters' busy time as is, parallel filters' busy time divided by the
threads, per MB of input. Where a serial line meets the wall line, that filter bounds the
pipeline. --no-plot skips gnuplot (on a machine without it); --replot draws the plot of a
CSV later (CSVs from before the layouts, with per-stage columns, are read as the default
layout).
"""
import argparse
import csv
import json
import math
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
STEPS = ["read", "cut", "parse", "stamp", "order", "merge"]
MAX_FILTERS = len(STEPS)
DEFAULT_LAYOUT = "read+cut|parse+stamp|order|merge"
FIELDS = (["input_bytes", "threads", "tokens", "chunk_bytes", "pipeline", "filters", "median_s",
           "chunks", "mb_per_s"]
          + [f"filter{i}_{what}" for i in range(1, MAX_FILTERS + 1)
             for what in ("steps", "mode", "busy_s")]
          + ["finish_busy_s"])
INT_FIELDS = {"input_bytes", "threads", "tokens", "chunk_bytes", "filters", "chunks"}


def parse_size(text):
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    return int(text[:-1]) * units[text[-1]] if text[-1] in units else int(text)


def filters_of(layout):
    return layout.split("|")


def serial_filter(steps):
    """Whether the engine runs a filter of these steps serially (read, cut or order)."""
    return any(step in ("read", "cut", "order") for step in steps.split("+"))


def run_once(mergepipe, path, point, stats_path):
    threads, tokens, chunk, layout = point
    cmd = [mergepipe, "--threads", str(threads), "--tokens", str(tokens), "--chunk-size",
           str(chunk), "--pipeline", layout, "--stats-json", stats_path, "-o", "/dev/null", path]
    subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL)
    with open(stats_path) as f:
        return json.load(f)


def points(args):
    return [(t, k, c, DEFAULT_LAYOUT)
            for t in args.threads for k in args.tokens for c in args.chunk_sizes]


def make_row(size, point, runs):
    threads, tokens, chunk, layout = point
    runs = sorted(runs, key=lambda r: r["wall_seconds"])
    median = runs[len(runs) // 2]
    filters = median["filters"]
    pipeline = "|".join(f["steps"] for f in filters)
    if pipeline != layout:
        sys.exit(f"asked for the layout {layout}, mergepipe reports {pipeline}")
    row = {"input_bytes": size, "threads": threads, "tokens": tokens, "chunk_bytes": chunk,
           "pipeline": pipeline, "filters": len(filters),
           "median_s": statistics.median(r["wall_seconds"] for r in runs),
           "chunks": median["chunks"]}
    row["mb_per_s"] = size / 1e6 / row["median_s"]
    for i in range(MAX_FILTERS):
        f = filters[i] if i < len(filters) else None
        row[f"filter{i + 1}_steps"] = f["steps"] if f else ""
        row[f"filter{i + 1}_mode"] = f["mode"] if f else ""
        row[f"filter{i + 1}_busy_s"] = f["busy_seconds"] if f else ""
    row["finish_busy_s"] = median["finish_seconds"]
    return row


def sweep(args):
    size = os.path.getsize(args.file)
    todo = points(args)
    print(f"{len(todo)} points x {args.repeat} runs = {len(todo) * args.repeat} runs",
          file=sys.stderr)
    subprocess.run(["cat", args.file], check=True, stdout=subprocess.DEVNULL)  # warm the cache
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        stats_path = os.path.join(scratch, "stats.json")
        for n, point in enumerate(todo, 1):
            runs = [run_once(args.mergepipe, args.file, point, stats_path)
                    for _ in range(args.repeat)]
            row = make_row(size, point, runs)
            rows.append(row)
            threads, tokens, chunk, layout = point
            print(f"[{n}/{len(todo)}] threads {threads:2} tokens {tokens:3} chunk {chunk:>9} "
                  f"{layout}: {row['median_s']:.3f} s, {row['mb_per_s']:.0f} MB/s",
                  file=sys.stderr)
    return size, rows


def write_csv(path, rows):
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)


def read_csv(path):
    with open(path, newline="") as f:
        raw = list(csv.DictReader(f))
    rows = []
    for r in raw:
        if "pipeline" not in r:
            r = from_stage_columns(r)
        row = {}
        for k, v in r.items():
            if k in INT_FIELDS:
                row[k] = int(v)
            elif k == "median_s" or k == "mb_per_s" or k.endswith("_busy_s"):
                row[k] = float(v) if v != "" else None
            else:
                row[k] = v
        rows.append(row)
    return rows


def from_stage_columns(r):
    """A row of a sweep from before the layouts (read, parse, order, merge stage columns):
    those stages were the filters of the default layout."""
    out = {k: r[k] for k in ("input_bytes", "threads", "tokens", "chunk_bytes", "median_s",
                             "chunks", "mb_per_s")}
    out["pipeline"] = DEFAULT_LAYOUT
    out["filters"] = str(len(filters_of(DEFAULT_LAYOUT)))
    stages = ["read", "parse", "order", "merge"]
    for i in range(MAX_FILTERS):
        steps = filters_of(DEFAULT_LAYOUT)[i] if i < len(stages) else ""
        out[f"filter{i + 1}_steps"] = steps
        out[f"filter{i + 1}_mode"] = (("serial" if serial_filter(steps) else "parallel")
                                      if steps else "")
        out[f"filter{i + 1}_busy_s"] = r[stages[i] + "_busy_s"] if steps else ""
    out["finish_busy_s"] = r["finish_busy_s"]
    return out


def pick(values, wanted):
    """The value of `values` closest to `wanted` (on a log scale)."""
    return min(values, key=lambda v: abs(math.log(v / wanted)))


def row_filters(row):
    """(steps, serial, busy seconds) of each filter of a row."""
    return [(row[f"filter{i}_steps"], row[f"filter{i}_mode"] == "serial",
             row[f"filter{i}_busy_s"]) for i in range(1, row["filters"] + 1)]


def plural(n, word):
    return f"{n} {word}{'s' if n != 1 else ''}"


def plot(svg, rows, title):
    """Three panels: throughput against threads (one line per token count, 1 MiB chunks),
    throughput against chunk size (most threads), and where the time goes against threads."""
    grid = [r for r in rows if r["pipeline"] == DEFAULT_LAYOUT]
    threads = sorted({r["threads"] for r in grid})
    tokens = sorted({r["tokens"] for r in grid})
    chunks = sorted({r["chunk_bytes"] for r in grid})
    size = rows[0]["input_bytes"]
    chunk = pick(chunks, 1 << 20)
    most_tokens = tokens[-1]
    per_mb = lambda seconds: seconds / (size / 1e6) * 1e3
    scratch = pathlib.Path(svg).with_suffix(".tmp")
    scratch.mkdir(exist_ok=True)
    with open(scratch / "threads.dat", "w") as f:
        for tok in tokens:
            f.write(f'"{plural(tok, "token")}"\n')
            for r in grid:
                if r["tokens"] == tok and r["chunk_bytes"] == chunk:
                    f.write(f"{r['threads']} {r['mb_per_s']:.1f}\n")
            f.write("\n\n")
    with open(scratch / "chunks.dat", "w") as f:
        for tok in tokens:
            f.write(f'"{plural(tok, "token")}"\n')
            for r in grid:
                if r["tokens"] == tok and r["threads"] == threads[-1]:
                    f.write(f"{r['chunk_bytes']} {r['mb_per_s']:.1f}\n")
            f.write("\n\n")

    # Per thread count, the run with the most tokens at 1 MiB chunks: the serial filters'
    # busy time against the parallel filters' busy time shared by the threads.
    best = {t: max((r for r in grid if r["threads"] == t and r["chunk_bytes"] == chunk),
                   key=lambda r: r["tokens"]) for t in threads}
    grid_filters = row_filters(best[threads[0]])
    values = []
    with open(scratch / "stages.dat", "w") as f:
        for t in threads:
            r = best[t]
            shares = [busy / (1 if serial else t) for _, serial, busy in row_filters(r)]
            line = [per_mb(v) for v in [r["median_s"], *shares, r["finish_busy_s"]]]
            f.write(f"{t} " + " ".join(f"{v:.4f}" for v in line) + "\n")
            values += [v for v in line if v > 0]
    # Headroom above the lines (on the log scale) for the key.
    stage_low = min(values) / 1.5
    stage_high = max(values) * (max(values) / stage_low) ** 0.5
    # Columns: threads, wall, one per filter, finish.
    stage_plots = [f"'{scratch}/stages.dat' using 1:2 with linespoints lw 2 lc rgb 'black' "
                   "title 'wall'"]
    for i, (steps, serial, _) in enumerate(grid_filters):
        name = f"{steps} (serial)" if serial else f"{steps} / threads"
        stage_plots.append(f"'' using 1:{i + 3} with linespoints title '{name}'")
    stage_plots.append(f"'' using 1:{len(grid_filters) + 3} with linespoints "
                       "title 'finish (after the pipeline)'")

    script = f"""
set terminal svg size 1700,500 dynamic font 'sans,11'
set termoption noenhanced
set output '{svg}'
set multiplot layout 1,3 title '{title} ({size / 1e6:.0f} MB), median of the runs'
set grid
set key left top
set logscale x 2
set xlabel 'threads'
set ylabel 'MB/s'
set title 'throughput, {chunk >> 10} KiB chunks, {DEFAULT_LAYOUT}'
plot for [i=0:{len(tokens) - 1}] '{scratch}/threads.dat' index i using 1:2 with linespoints title columnheader(1)
set xlabel 'chunk size (bytes)'
set format x '%.0b%B'
set title 'throughput, {plural(threads[-1], "thread")}, {DEFAULT_LAYOUT}'
plot for [i=0:{len(tokens) - 1}] '{scratch}/chunks.dat' index i using 1:2 with linespoints title columnheader(1)
set format x '%g'
set xlabel 'threads'
set ylabel 'ms per MB of input'
set logscale y 10
set format y '%g'
set yrange [{stage_low:.6g}:{stage_high:.6g}]
set key right top opaque
set title 'where the time goes ({plural(most_tokens, "token")}, {chunk >> 10} KiB chunks, {DEFAULT_LAYOUT})'
plot {', '.join(stage_plots)}
unset multiplot
"""
    subprocess.run(["gnuplot"], input=script.encode(), check=True)
    for f in scratch.iterdir():
        f.unlink()
    scratch.rmdir()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("file", help="the input, or with --replot the CSV of an earlier sweep")
    p.add_argument("--mergepipe", default=str(ROOT / "build/apps/mergepipe/mergepipe"))
    p.add_argument("--threads", default="1,2")
    p.add_argument("--tokens", default="1,2,4,8,16")
    p.add_argument("--chunk-sizes", default="64K,256K,1M,4M,16M")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--out", default=str(ROOT / "bench/sweep/results"))
    p.add_argument("--title", help="the plot's title (default: the input's name)")
    p.add_argument("--no-plot", action="store_true", help="write the CSV only (no gnuplot)")
    p.add_argument("--replot", action="store_true", help="draw the plot of an earlier CSV")
    args = p.parse_args()
    if args.replot:
        svg = os.path.join(args.out, "sweep.svg")
        plot(svg, read_csv(args.file), args.title or os.path.basename(os.path.dirname(args.file)))
        print(f"wrote {svg}")
        return
    args.threads = [int(t) for t in args.threads.split(",")]
    args.tokens = [int(t) for t in args.tokens.split(",")]
    args.chunk_sizes = [parse_size(s) for s in args.chunk_sizes.split(",")]
    if min(args.threads + args.tokens + args.chunk_sizes) <= 0 or args.repeat <= 0:
        p.error("threads, tokens, chunk sizes and repeat must be positive")
    os.makedirs(args.out, exist_ok=True)
    _, rows = sweep(args)
    csv_path = os.path.join(args.out, "sweep.csv")
    write_csv(csv_path, rows)
    print(f"wrote {csv_path}")
    if not args.no_plot:
        svg = os.path.join(args.out, "sweep.svg")
        plot(svg, rows, args.title or os.path.basename(args.file))
        print(f"wrote {svg}")


if __name__ == "__main__":
    main()
