#!/usr/bin/env python3
"""Turns run.sh's CSV into Markdown for bench/RESULTS.md and a bar chart.

    report.py PEERS_CSV SVG DATE MACHINE

Prints the results table, mergepipe's speed-up over each peer and its share of the ceiling;
writes SVG with gnuplot: MB/s per tool (log scale), NDJSON and array side by side, one panel
per generated input (users-SIZE).
"""

import csv
import os
import subprocess
import sys
import tempfile

REFERENCE_ROWS = ("cat > /dev/null", "newline count")


def number(text):
    try:
        return float(text)
    except ValueError:
        return None


def cell(row):
    """The median cell: seconds, or why there are none."""
    return row["median_s"] if number(row["median_s"]) is not None else row["note"]


def print_table(rows, date, machine):
    print(f"## Against peers ({date})\n")
    print(f"Machine: {machine}. Command: `bench/peers/run.sh`; medians of hyperfine runs with "
          "a warm page cache, peak RSS from `/usr/bin/time -v`. Job: the latest record per `id` "
          "by `updated_at`, ties to the later record, NDJSON out. \"Same result\": the same set "
          "of records as mergepipe's, compared canonically (numbers as doubles, null fields as "
          "absent, `updated_at` as an instant; `bench/peers/tools/same.py`).\n")
    print("| tool | command | file | median s | MB/s | peak MB | same result | note |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        note = r["note"] if number(r["median_s"]) is not None else ""
        print(f"| {r['tool']} | `{r['command']}` | {r['file']} | {cell(r)} | {r['mb_per_s']} | "
              f"{r['peak_mb']} | {r['same']} | {note} |")


def print_ratios(rows):
    files = list(dict.fromkeys(r["file"] for r in rows))
    peers = list(dict.fromkeys(
        r["tool"] for r in rows
        if r["tool"] != "mergepipe" and r["tool"] not in REFERENCE_ROWS
        and not r["tool"].startswith("ceiling")))
    print("\nmergepipe's speed-up (peer's median time / mergepipe's) and its throughput as a "
          "share of twice the one-thread ceiling (2 cores):\n")
    print("| file | " + " | ".join(peers) + " | share of 2 × ceiling |")
    print("| --- |" + " --- |" * (len(peers) + 1))
    for f in files:
        by_tool = {r["tool"]: r for r in rows if r["file"] == f}
        ours = number(by_tool["mergepipe"]["median_s"])
        cells = []
        for p in peers:
            theirs = number(by_tool[p]["median_s"]) if p in by_tool else None
            cells.append(f"{theirs / ours:.1f}×" if theirs and ours else "-")
        ceiling = number(by_tool.get("ceiling 1 thread", {}).get("mb_per_s", ""))
        share = "-"
        if ceiling and ours:
            mbs = number(by_tool["mergepipe"]["mb_per_s"])
            share = f"{mbs / (2 * ceiling):.0%} ({mbs:.0f} of 2 × {ceiling:.0f} MB/s)"
        print(f"| {f} | " + " | ".join(cells) + f" | {share} |")


def plot(rows, svg):
    inputs = list(dict.fromkeys(os.path.splitext(r["file"])[0] for r in rows))
    tools = list(dict.fromkeys(r["tool"] for r in rows if r["tool"] not in REFERENCE_ROWS))
    with tempfile.TemporaryDirectory() as tmp:
        panels = []
        for stem in inputs:
            data = os.path.join(tmp, f"{stem}.dat")
            mine = [r for r in rows if os.path.splitext(r["file"])[0] == stem]
            with open(data, "w", encoding="utf-8") as out:
                for tool in tools:
                    speed = {r["format"]: r["mb_per_s"] for r in mine if r["tool"] == tool}
                    values = [speed.get(f, "-") for f in ("ndjson", "array")]
                    values = [v if number(v) else "-" for v in values]
                    failed = any(r["tool"] == tool and r["note"].startswith("failed") for r in mine)
                    label = f"{tool} (failed)" if failed and values == ["-", "-"] else tool
                    out.write(f'"{label}" {values[0]} {values[1]}\n')
            panels.append(
                f'set title "{stem} ({mine[0]["size_mb"]} MB)"\n'
                f'plot "{data}" using 2:xtic(1) title "NDJSON", "" using 3 title "array"\n')
        script = (
            f'set terminal svg size {560 * len(inputs)},480 dynamic font "sans,11"\n'
            f'set output "{svg}"\n'
            'set datafile missing "-"\n'
            "set style data histogram\nset style histogram clustered gap 1\n"
            "set style fill solid 0.8 border -1\nset boxwidth 0.9\n"
            "set logscale y\nset yrange [0.1:*]\nset ylabel \"MB/s (log scale)\"\n"
            "set xtics rotate by -40 nomirror\nset grid ytics\nset key tmargin horizontal\n"
            f"set multiplot layout 1,{len(inputs)}\n" + "".join(panels) + "unset multiplot\n")
        subprocess.run(["gnuplot"], input=script, text=True, check=True)


def main():
    path, svg, date, machine = sys.argv[1:5]
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    print_table(rows, date, machine)
    print_ratios(rows)
    plot(rows, svg)


if __name__ == "__main__":
    main()
