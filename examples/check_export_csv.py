#!/usr/bin/env python3
"""Runs the export_csv example and the command line on the same input, and checks that the
CSV has one row per record the command line writes, in the same order, with the record's id,
updated_at, email and city; then loads it into SQLite (Python's own) with `id` as the primary
key, as a database load would: one row per user, so no key may repeat.

    check_export_csv.py EXAMPLE CLI INPUT WORK_DIR
"""
import csv
import json
import pathlib
import sqlite3
import subprocess
import sys

example, cli, source, work = sys.argv[1:5]
out = pathlib.Path(work) / "out.csv"
out.parent.mkdir(parents=True, exist_ok=True)
subprocess.run([example, str(out), source], check=True, stdout=subprocess.DEVNULL)
latest = subprocess.run([cli, "--delete-when", "op=d", source], check=True,
                        capture_output=True, text=True).stdout.splitlines()
with open(out, newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f))
if rows[0] != ["id", "updated_at", "email", "city"]:
    sys.exit(f"header: {rows[0]}")
rows = rows[1:]
if len(rows) != len(latest) or len(rows) < 2:
    sys.exit(f"{len(rows)} rows for {len(latest)} records")
for row, line in zip(rows, latest):
    record = json.loads(line)
    # The time as the merge read it: fractions of a second without trailing zeros.
    updated_at = record["updated_at"]
    if "." in updated_at:
        updated_at = updated_at[:-1].rstrip("0").rstrip(".") + "Z"
    expected = [str(record["id"]), updated_at, record["email"], record["address"]["city"]]
    if row != expected:
        sys.exit(f"row {row} for record {line}")
with sqlite3.connect(":memory:") as db:
    db.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, updated_at TEXT, email TEXT, city TEXT)")
    db.executemany("INSERT INTO users VALUES (?, ?, ?, ?)", rows)  # a repeated id fails here
    loaded = db.execute("SELECT COUNT(*) FROM users").fetchone()
if loaded[0] != len(rows):
    sys.exit(f"{loaded[0]} rows loaded for {len(rows)}")
print(f"{len(rows)} rows match and load into SQLite with one row per id")
