#!/usr/bin/env python3
"""Runs mergepipe over threads x live tokens x chunk sizes and shows which stage bounds it.

    bench/sweep/sweep.py FILE [--mergepipe PATH] [--threads 1,2] [--tokens 1,2,4,8,16]
                         [--chunk-sizes 64K,256K,1M,4M,16M] [--repeat 3] [--out DIR]

Each point is the median wall time of --repeat runs (output to /dev/null, page cache warm),
with mergepipe's own per-stage busy seconds (--stats-json) from the median run. Writes
DIR/sweep.csv and DIR/sweep.svg (gnuplot): throughput against chunk size, one line per
thread and token count, and the busy time of each stage per MB of input at the default
token count, which tells whether the serial reader, the parallel parse or the merge bounds
the pipeline.
"""
import argparse
import csv
import json
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
                    row = {"threads": threads, "tokens": tokens, "chunk_bytes": chunk,
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


def plot(svg, rows, size, args):
    # One data block per (threads, tokens) line for the throughput panel.
    data = pathlib.Path(svg).with_suffix(".dat")
    with open(data, "w") as f:
        for threads in args.threads:
            for tokens in args.tokens:
                f.write(f'"{threads} thr, {tokens} tok"\n')
                for r in rows:
                    if r["threads"] == threads and r["tokens"] == tokens:
                        f.write(f"{r['chunk_bytes']} {r['mb_per_s']:.1f}\n")
                f.write("\n\n")
    blocks = len(args.threads) * len(args.tokens)
    tokens = 4 * max(args.threads) if 4 * max(args.threads) in args.tokens else args.tokens[-1]
    stage_rows = [r for r in rows if r["threads"] == max(args.threads) and r["tokens"] == tokens]
    stages = pathlib.Path(svg).with_suffix(".stages.dat")
    with open(stages, "w") as f:
        for r in stage_rows:
            per_mb = [r[s + "_busy_s"] / (size / 1e6) * 1e3 for s in STAGES]
            f.write(f"{r['chunk_bytes']} " + " ".join(f"{v:.3f}" for v in per_mb) + "\n")
    script = f"""
set terminal svg size 1100,450 dynamic font 'sans,11'
set output '{svg}'
set multiplot layout 1,2 title '{os.path.basename(args.file)} ({size / 1e6:.0f} MB), median of {args.repeat}'
set logscale x 2
set format x '%.0b%B'
set xlabel 'chunk size (bytes)'
set ylabel 'MB/s'
set key left top
set grid
plot for [i=0:{blocks - 1}] '{data}' index i using 1:2 with linespoints title columnheader(1)
set ylabel 'busy ms per MB of input'
set title 'stage busy time, {max(args.threads)} threads, {tokens} tokens'
plot for [s=2:{len(STAGES) + 1}] '{stages}' using 1:s with linespoints title word('{" ".join(STAGES)}', s-1)
unset multiplot
"""
    subprocess.run(["gnuplot"], input=script.encode(), check=True)
    data.unlink()
    stages.unlink()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("file")
    p.add_argument("--mergepipe", default=str(ROOT / "build/apps/mergepipe/mergepipe"))
    p.add_argument("--threads", default="1,2")
    p.add_argument("--tokens", default="1,2,4,8,16")
    p.add_argument("--chunk-sizes", default="64K,256K,1M,4M,16M")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--out", default=str(ROOT / "bench/sweep/results"))
    args = p.parse_args()
    args.threads = [int(t) for t in args.threads.split(",")]
    args.tokens = [int(t) for t in args.tokens.split(",")]
    args.chunk_sizes = [parse_size(s) for s in args.chunk_sizes.split(",")]
    if min(args.threads + args.tokens + args.chunk_sizes) <= 0 or args.repeat <= 0:
        p.error("threads, tokens, chunk sizes and repeat must be positive")
    os.makedirs(args.out, exist_ok=True)
    size, rows = sweep(args)
    csv_path = os.path.join(args.out, "sweep.csv")
    write_csv(csv_path, rows)
    plot(os.path.join(args.out, "sweep.svg"), rows, size, args)
    print(f"wrote {csv_path} and {os.path.join(args.out, 'sweep.svg')}")


if __name__ == "__main__":
    main()
