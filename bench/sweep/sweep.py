#!/usr/bin/env python3
"""Runs mergepipe over threads x live tokens x chunk sizes and shows which stage bounds it.

    bench/sweep/sweep.py FILE [--mergepipe PATH] [--threads 1,2] [--tokens 1,2,4,8,16]
                         [--chunk-sizes 64K,256K,1M,4M,16M] [--repeat 3] [--out DIR]
                         [--title TEXT] [--no-plot]
    bench/sweep/sweep.py --replot DIR/sweep.csv [--out DIR] [--title TEXT]

Each point is the median wall time of --repeat runs (output to /dev/null, page cache warm),
with mergepipe's own per-stage busy seconds (--stats-json) from the median run. Writes
DIR/sweep.csv and DIR/sweep.svg (gnuplot): throughput against threads (one line per token
count) and against chunk size, and where the time goes against threads: the serial read
stage's busy time next to the parallel stages' busy time divided by the threads, per MB of
input. Where the read line meets the others, the serial input filter bounds the pipeline.
--no-plot skips gnuplot (on a machine without it); --replot draws the plot of a CSV later.
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
STAGES = ["read", "parse", "order", "merge", "finish"]


def parse_size(text):
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    return int(text[:-1]) * units[text[-1]] if text[-1] in units else int(text)


def run_once(mergepipe, path, threads, tokens, chunk, stats_path):
    cmd = [mergepipe, "--threads", str(threads), "--tokens", str(tokens), "--chunk-size",
           str(chunk), "--stats-json", stats_path, "-o", "/dev/null", path]
    subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL)
    with open(stats_path) as f:
        return json.load(f)


def sweep(args):
    size = os.path.getsize(args.file)
    subprocess.run(["cat", args.file], check=True, stdout=subprocess.DEVNULL)  # warm the cache
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        stats_path = os.path.join(scratch, "stats.json")
        for threads in args.threads:
            for tokens in args.tokens:
                for chunk in args.chunk_sizes:
                    runs = [run_once(args.mergepipe, args.file, threads, tokens, chunk, stats_path)
                            for _ in range(args.repeat)]
                    runs.sort(key=lambda r: r["wall_seconds"])
                    median = runs[len(runs) // 2]
                    row = {"input_bytes": size, "threads": threads, "tokens": tokens,
                           "chunk_bytes": chunk,
                           "median_s": statistics.median(r["wall_seconds"] for r in runs),
                           "chunks": median["chunks"]}
                    row["mb_per_s"] = size / 1e6 / row["median_s"]
                    for stage in STAGES:
                        row[stage + "_busy_s"] = median["stage_seconds"][stage]
                    rows.append(row)
                    print(f"threads {threads:2} tokens {tokens:3} chunk {chunk:>9}: "
                          f"{row['median_s']:.3f} s, {row['mb_per_s']:.0f} MB/s", file=sys.stderr)
    return size, rows


def write_csv(path, rows):
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def pick(values, wanted):
    """The value of `values` closest to `wanted` (on a log scale)."""
    return min(values, key=lambda v: abs(math.log(v / wanted)))


def plot(svg, rows, title):
    """Three panels: throughput against threads (one line per token count, 1 MiB chunks),
    throughput against chunk size (most threads), and where the time goes against threads."""
    threads = sorted({r["threads"] for r in rows})
    tokens = sorted({r["tokens"] for r in rows})
    chunks = sorted({r["chunk_bytes"] for r in rows})
    size = rows[0]["input_bytes"]
    chunk = pick(chunks, 1 << 20)
    scratch = pathlib.Path(svg).with_suffix(".tmp")
    scratch.mkdir(exist_ok=True)
    with open(scratch / "threads.dat", "w") as f:
        for tok in tokens:
            f.write(f'"{tok} token{"s" if tok != 1 else ""}"\n')
            for r in rows:
                if r["tokens"] == tok and r["chunk_bytes"] == chunk:
                    f.write(f"{r['threads']} {r['mb_per_s']:.1f}\n")
            f.write("\n\n")
    with open(scratch / "chunks.dat", "w") as f:
        for tok in tokens:
            f.write(f'"{tok} token{"s" if tok != 1 else ""}"\n')
            for r in rows:
                if r["tokens"] == tok and r["threads"] == threads[-1]:
                    f.write(f"{r['chunk_bytes']} {r['mb_per_s']:.1f}\n")
            f.write("\n\n")
    # Per thread count, the run with the most tokens at 1 MiB chunks: the serial stages'
    # busy time against the parallel stages' busy time shared by the threads.
    with open(scratch / "stages.dat", "w") as f:
        for t in threads:
            best = max((r for r in rows if r["threads"] == t and r["chunk_bytes"] == chunk),
                       key=lambda r: r["tokens"])
            per_mb = lambda seconds: seconds / (size / 1e6) * 1e3
            f.write(f"{t} {per_mb(best['median_s']):.3f} {per_mb(best['read_busy_s']):.3f} "
                    f"{per_mb(best['parse_busy_s'] / t):.3f} {per_mb(best['merge_busy_s'] / t):.3f} "
                    f"{per_mb(best['finish_busy_s']):.3f}\n")
    script = f"""
set terminal svg size 1500,450 dynamic font 'sans,11'
set output '{svg}'
set multiplot layout 1,3 title '{title} ({size / 1e6:.0f} MB), median of the runs'
set grid
set key left top
set logscale x 2
set xlabel 'threads'
set ylabel 'MB/s'
set title 'throughput, {chunk >> 10} KiB chunks'
plot for [i=0:{len(tokens) - 1}] '{scratch}/threads.dat' index i using 1:2 with linespoints title columnheader(1)
set xlabel 'chunk size (bytes)'
set format x '%.0b%B'
set title 'throughput, {threads[-1]} threads'
plot for [i=0:{len(tokens) - 1}] '{scratch}/chunks.dat' index i using 1:2 with linespoints title columnheader(1)
set format x '%g'
set xlabel 'threads'
set ylabel 'ms per MB of input'
set logscale y 2
set key right top
set title 'where the time goes ({max(tokens)} tokens)'
plot '{scratch}/stages.dat' using 1:2 with linespoints lw 2 title 'wall', \\
     '' using 1:3 with linespoints title 'read (serial)', \\
     '' using 1:4 with linespoints title 'parse / threads', \\
     '' using 1:5 with linespoints title 'merge / threads', \\
     '' using 1:6 with linespoints title 'finish (after the pipeline)'
unset multiplot
"""
    subprocess.run(["gnuplot"], input=script.encode(), check=True)
    for f in scratch.iterdir():
        f.unlink()
    scratch.rmdir()


def read_csv(path):
    with open(path, newline="") as f:
        return [{k: (float(v) if "." in v else int(v)) for k, v in r.items()}
                for r in csv.DictReader(f)]


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
