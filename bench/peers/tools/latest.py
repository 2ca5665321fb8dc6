#!/usr/bin/env python3
"""The latest record per id by updated_at, single process: latest.py INPUT OUTPUT.

NDJSON lines are kept as read (the winners are written back unchanged); an array file is
loaded whole and its winners re-serialized compactly. The timestamps compare as text, which
is correct for one ISO spelling without offsets.
"""

import json
import sys


def is_array(path):
    with open(path, "rb") as f:
        return f.read(64).lstrip().startswith(b"[")


def main():
    source, target = sys.argv[1], sys.argv[2]
    latest = {}  # id -> (updated_at, index, record text); the later index wins ties
    if is_array(source):
        with open(source, encoding="utf-8") as f:
            records = json.load(f)
        for i, record in enumerate(records):
            current = latest.get(record["id"])
            if current is None or record["updated_at"] >= current[0]:
                latest[record["id"]] = (record["updated_at"], i, record)
        lines = (json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n"
                 for _, _, r in latest.values())
    else:
        with open(source, encoding="utf-8") as f:
            for i, line in enumerate(f):
                record = json.loads(line)
                current = latest.get(record["id"])
                if current is None or record["updated_at"] >= current[0]:
                    latest[record["id"]] = (record["updated_at"], i, line)
        lines = (line for _, _, line in latest.values())
    with open(target, "w", encoding="utf-8") as out:
        out.writelines(lines)


if __name__ == "__main__":
    main()
