#!/usr/bin/env python3
"""Says whether two NDJSON outputs hold the same set of records.

    same.py REFERENCE OUTPUT [DIFF_FILE]

Prints "yes" or "no" (with counts) and exits 0 either way; the first differences go to
DIFF_FILE. "Same" means equal multisets of canonical records, where the canonical form of a
record forgives only what the tools re-format while keeping every value:
  * numbers compare as doubles (1234, 1234.0, 1.234e3 and 123400E-2 are equal),
  * strings compare after unescaping ("\\u00e9" equals "é"),
  * a field whose value is null equals a missing field (DuckDB and Polars give every record
    every column of the inferred schema),
  * updated_at compares as an instant ("2024-03-05 12:00:00" equals
    "2024-03-05 12:00:00.000" and DuckDB's TIMESTAMP spelling of it),
  * field order does not matter.
A tool that picks another record for a key, loses or duplicates a key, or changes any other
value gives "no".
"""

import collections
import datetime
import json
import os
import sys


def canonical_ts(value):
    if not isinstance(value, str):
        return value
    try:
        t = datetime.datetime.fromisoformat(value)
    except ValueError:
        return value
    if t.tzinfo is not None:
        t = t.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return t.isoformat(timespec="microseconds")


def strip_nulls(value):
    if isinstance(value, dict):
        return {k: strip_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [strip_nulls(v) for v in value]
    return value


def canonical(line):
    record = strip_nulls(json.loads(line, parse_int=float))
    if "updated_at" in record:
        record["updated_at"] = canonical_ts(record["updated_at"])
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def load(path):
    with open(path, encoding="utf-8") as f:
        return collections.Counter(canonical(line) for line in f if line.strip())


def main():
    if not os.path.exists(sys.argv[2]):
        print("no (no output file)")
        return
    reference, output = load(sys.argv[1]), load(sys.argv[2])
    missing, extra = reference - output, output - reference
    if not missing and not extra:
        print("yes")
        return
    print(f"no ({sum(missing.values())} of {sum(reference.values())} reference records missing, "
          f"{sum(extra.values())} unexpected)")
    if len(sys.argv) > 3:
        with open(sys.argv[3], "w", encoding="utf-8") as f:
            for tag, records in (("-", missing), ("+", extra)):
                for record in list(records)[:20]:
                    f.write(f"{tag} {record}\n")


if __name__ == "__main__":
    main()
