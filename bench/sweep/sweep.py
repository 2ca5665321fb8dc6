#!/usr/bin/env python3
"""Runs mergepipe over threads x live tokens x chunk sizes, and over pipeline layouts, and
shows which filter bounds it.

    bench/sweep/sweep.py FILE [--mergepipe PATH] [--threads 1,2] [--tokens 1,2,4,8,16]
                         [--chunk-sizes 64K,256K,1M,4M,16M] [--pipelines L1,L2,...]
                         [--repeat 3] [--out DIR] [--title TEXT] [--no-plot]
    bench/sweep/sweep.py --replot DIR/sweep.csv [--out DIR] [--title TEXT]

Two sweeps, each point the median wall time of --repeat runs (output to /dev/null, page
cache warm), with mergepipe's own busy seconds per filter (--stats-json) from the median run:

* the grid: every thread count x token count x chunk size, with the engine's default layout
  read+cut|parse+stamp|order|merge;
* the layouts (--pipelines, split on commas only, since layouts hold `|`): every layout at
  every thread count, with the most tokens given and the chunk size given nearest 1 MiB
  (the conditions of the grid's "where the time goes" panel, so the default layout's points
  are shared with the grid and not run twice).

The default layouts, one or two per filter count, each one split away from a neighbour in
the list, so that what a split gains or a handoff costs can be read off the plot (a filter
holding read, cut or order runs serially, any other in parallel):

    read+cut+parse+stamp+order+merge   1 filter: everything serial, no handoff at all
    read+cut+parse+stamp+order|merge   2: merge alone runs in parallel
    read+cut|parse+stamp+order|merge   3: cutting overlaps the rest, but order fused with
                                          parse keeps parsing serial (the cost of that)
    read+cut|parse+stamp|order+merge   3: parsing in parallel, merge serial behind order
    read+cut|parse+stamp|order|merge   4: the default
    read+cut|parse|stamp|order|merge   5: a handoff between two parallel filters
    read|cut|parse+stamp|order|merge   5: a handoff between two serial filters
    read|cut|parse|stamp|order|merge   6: every step its own filter

With the defaults (2 threads, 5 token counts, 5 chunk sizes, 8 layouts) that is 50 grid
points and 14 layout points: 192 runs with --repeat 3, about 6-7 minutes on 2 cores for a
1 GB file.

Writes DIR/sweep.csv, one row per point: input_bytes, threads, tokens, chunk_bytes, pipeline
(the layout), filters (their count), median_s, chunks, mb_per_s, filterN_steps,
filterN_mode (serial or parallel) and filterN_busy_s for N = 1..6 (empty past the layout's
filters), finish_busy_s (the work after the pipeline). And DIR/sweep.svg (gnuplot), four
panels: throughput against threads (one line per token count) and against chunk size; where
the time goes against threads (serial filters' busy time as is, parallel filters' busy time
divided by the threads, per MB of input: where a serial line meets the wall line, that
filter bounds the pipeline); and the layouts by filter count: throughput (one line per
thread count) over stacked bars of each filter's busy time at the most threads.
--no-plot skips gnuplot (on a machine without it); --replot draws the plot of a CSV later
(CSVs from before the layouts, with per-stage columns, are read as the default layout).
"""
import argparse
import collections
import csv
import json
import math
import os
import pathlib
import re
import statistics
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
STEPS = ["read", "cut", "parse", "stamp", "order", "merge"]
MAX_FILTERS = len(STEPS)
DEFAULT_LAYOUT = "read+cut|parse+stamp|order|merge"
DEFAULT_LAYOUTS = [
    "read+cut+parse+stamp+order+merge",
    "read+cut+parse+stamp+order|merge",
    "read+cut|parse+stamp+order|merge",
    "read+cut|parse+stamp|order+merge",
    DEFAULT_LAYOUT,
    "read+cut|parse|stamp|order|merge",
    "read|cut|parse+stamp|order|merge",
    "read|cut|parse|stamp|order|merge",
]
FIELDS = (["input_bytes", "threads", "tokens", "chunk_bytes", "pipeline", "filters", "median_s",
           "chunks", "mb_per_s"]
          + [f"filter{i}_{what}" for i in range(1, MAX_FILTERS + 1)
             for what in ("steps", "mode", "busy_s")]
          + ["finish_busy_s"])
INT_FIELDS = {"input_bytes", "threads", "tokens", "chunk_bytes", "filters", "chunks"}


def parse_size(text):
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    return int(text[:-1]) * units[text[-1]] if text[-1] in units else int(text)


def parse_layout(text):
    """The layout in the engine's spelling, or None when it is not one."""
    text = re.sub(r"\s+", "", text)
    return text if re.split(r"[|+]", text) == STEPS else None


def filters_of(layout):
    return layout.split("|")


def serial_filter(steps):
    """Whether the engine runs a filter of these steps serially (read, cut or order)."""
    return any(step in ("read", "cut", "order") for step in steps.split("+"))


def short(layout):
    """A layout by its steps' initials, which differ: read+cut|parse -> rc|p."""
    return "|".join("".join(step[0] for step in f.split("+")) for f in filters_of(layout))


def run_once(mergepipe, path, point, stats_path):
    threads, tokens, chunk, layout = point
    cmd = [mergepipe, "--threads", str(threads), "--tokens", str(tokens), "--chunk-size",
           str(chunk), "--pipeline", layout, "--stats-json", stats_path, "-o", "/dev/null", path]
    subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL)
    with open(stats_path) as f:
        return json.load(f)


def points(args):
    """The grid (default layout), then the layouts at the grid's "where the time goes"
    conditions, less the points the grid already has."""
    grid = [(t, k, c, DEFAULT_LAYOUT)
            for t in args.threads for k in args.tokens for c in args.chunk_sizes]
    tokens, chunk = max(args.tokens), pick(args.chunk_sizes, 1 << 20)
    layouts = [(t, tokens, chunk, layout) for t in args.threads for layout in args.pipelines
               if layout != DEFAULT_LAYOUT]
    return grid + layouts


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
    """Four panels: throughput against threads (one line per token count, 1 MiB chunks),
    throughput against chunk size (most threads), where the time goes against threads, and
    the layouts against their filter count."""
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

    # The layouts measured at those conditions, by filter count: throughput per thread count
    # (lines, left axis) over each filter's busy time at the most threads (bars, right axis).
    at = [r for r in rows if r["tokens"] == most_tokens and r["chunk_bytes"] == chunk]
    layouts = sorted({r["pipeline"] for r in at}, key=lambda l: (
        len(filters_of(l)), DEFAULT_LAYOUTS.index(l) if l in DEFAULT_LAYOUTS else 99, l))
    x_of = {l: i for i, l in enumerate(layouts)}
    layout_threads = sorted({r["threads"] for r in at})
    top = layout_threads[-1]
    with open(scratch / "layouts.dat", "w") as f:
        for t in layout_threads:
            f.write(f'"{plural(t, "thread")}"\n')
            for x, rate in sorted((x_of[r["pipeline"]], r["mb_per_s"])
                                  for r in at if r["threads"] == t):
                f.write(f"{x} {rate:.1f}\n")
            f.write("\n\n")
    serial_rgb, parallel_rgb, finish_rgb = 0xE6862E, 0x3A7DC9, 0xA0A0A0
    bar_top = 0.0
    with open(scratch / "bars.dat", "w") as f, open(scratch / "wall.dat", "w") as w:
        for r in at:
            if r["threads"] != top:
                continue
            x, low = x_of[r["pipeline"]], 0.0
            parts = [(short(steps), busy / (1 if serial else top),
                      serial_rgb if serial else parallel_rgb)
                     for steps, serial, busy in row_filters(r)]
            parts.append(("fin", r["finish_busy_s"], finish_rgb))
            for label, seconds, rgb in parts:
                high = low + per_mb(seconds)
                f.write(f'{x} {low:.4f} {high:.4f} {rgb} "{label}"\n')
                low = high
            w.write(f"{x} {per_mb(r['median_s']):.4f}\n")
            bar_top = max(bar_top, low, per_mb(r["median_s"]))
    # Segment labels only where the segment is tall enough to hold one.
    key_rows = math.ceil((4 + len(layout_threads)) / 3)
    headroom = 1.25 + 0.1 * key_rows  # the top of both axes is left to the key
    min_label = bar_top * headroom * 0.04
    xtics = ", ".join(f'"{short(l)}" {x_of[l]}' for l in layouts)
    groups = collections.defaultdict(list)  # filter count -> x of its layouts
    for l in layouts:
        groups[len(filters_of(l))].append(x_of[l])
    x2tics = ", ".join(f'"{plural(n, "filter")}" {statistics.mean(xs)}'
                       for n, xs in sorted(groups.items()))
    x2grid = "\n".join(f"set arrow from {xs[0] - 0.5}, graph 0 to {xs[0] - 0.5}, graph 1 "
                       "nohead dt 3 lc rgb '#808080'"
                       for n, xs in sorted(groups.items()) if xs[0] > 0)
    rate_top = max(r["mb_per_s"] for r in at) * headroom

    script = f"""
set terminal svg size 1400,1000 dynamic font 'sans,11'
set termoption noenhanced
set output '{svg}'
set multiplot layout 2,2 title '{title} ({size / 1e6:.0f} MB), median of the runs'
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
set key top center horizontal maxrows 2 opaque
set title 'where the time goes ({plural(most_tokens, "token")}, {chunk >> 10} KiB chunks, {DEFAULT_LAYOUT})'
plot {', '.join(stage_plots)}
unset logscale
unset grid
set grid ytics
set title 'layouts by filter count ({plural(most_tokens, "token")}, {chunk >> 10} KiB chunks): throughput (lines), busy time per filter at {plural(top, "thread")} (bars)'
set xlabel 'layout: r read, c cut, p parse, s stamp, o order, m merge; | a handoff between filters'
set xrange [-0.6:{len(layouts) - 0.4}]
set xtics ({xtics}) rotate by -30 left
set x2range [-0.6:{len(layouts) - 0.4}]
set x2tics ({x2tics}) scale 0
{x2grid}
set ylabel 'MB/s (lines)'
set yrange [0:{rate_top:.1f}]
set y2label 'ms per MB of input at {plural(top, "thread")} (bars)'
set y2range [0:{bar_top * headroom:.4f}]
set y2tics
line_colors = '#7B2CBF #1A9850 #C0392B #8C564B #D81B9C #6B8E23 #333333'
set ytics nomirror
set key top center horizontal maxcols 3 opaque
set style fill transparent solid 0.55 border lc rgb '#404040'
plot '{scratch}/bars.dat' using 1:(($2+$3)/2):(0.32):(($3-$2)/2):4 axes x1y2 with boxxyerror lc rgb variable notitle, \\
     '' using 1:(($2+$3)/2):(($3-$2) >= {min_label:.4f} ? stringcolumn(5) : '') axes x1y2 with labels font ',9' notitle, \\
     '{scratch}/wall.dat' using ($1-0.4):2:(0.8):(0) axes x1y2 with vectors nohead lw 2 dt 2 lc rgb 'black' title 'wall (bars)', \\
     1/0 with boxes lc rgb '#{serial_rgb:06X}' title 'serial', \\
     1/0 with boxes lc rgb '#{parallel_rgb:06X}' title 'parallel / threads', \\
     1/0 with boxes lc rgb '#{finish_rgb:06X}' title 'finish', \\
     for [i=0:{len(layout_threads) - 1}] '{scratch}/layouts.dat' index i using 1:2 with linespoints lw 2 pt 5 lc rgb word(line_colors, i + 1) title columnheader(1)
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
    p.add_argument("--pipelines", default=",".join(DEFAULT_LAYOUTS),
                   help="layouts, comma-separated (default: eight, from 1 to 6 filters)")
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
    layouts = []
    for text in args.pipelines.split(","):
        layout = parse_layout(text)
        if layout is None:
            p.error(f"not a layout: {text!r} (expected {'|'.join(STEPS)} with | or + "
                    "between the steps)")
        if layout not in layouts:
            layouts.append(layout)
    args.pipelines = layouts
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
