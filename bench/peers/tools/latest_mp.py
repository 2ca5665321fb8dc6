#!/usr/bin/env python3
"""The latest record per id by updated_at, the way a first parallel attempt looks:
latest_mp.py INPUT OUTPUT [PROCESSES].

NDJSON: the file is cut into one byte range per process at line starts; each process builds
its own dict id -> (updated_at, byte offset, line) and sends it back (pickled) to be merged.
An array file cannot be cut without parsing it, so the parent loads it and hands each
process a slice of the records (pickled both ways). Ties go to the later position.
"""

import json
import multiprocessing
import os
import sys


def better(a, b):
    return b if a is None or (b[0], b[1]) >= (a[0], a[1]) else a


def ndjson_part(args):
    path, start, end = args
    latest = {}
    with open(path, "rb") as f:
        f.seek(start)
        offset = start
        while offset < end:
            line = f.readline()
            if not line:
                break
            record = json.loads(line)
            latest[record["id"]] = better(latest.get(record["id"]),
                                          (record["updated_at"], offset, line))
            offset += len(line)
    return latest


def array_part(args):
    first, records = args
    latest = {}
    for i, record in enumerate(records, first):
        latest[record["id"]] = better(latest.get(record["id"]), (record["updated_at"], i, record))
    return latest


def line_start(f, offset):
    """The first line start at or after offset."""
    if offset == 0:
        return 0
    f.seek(offset - 1)
    f.readline()
    return f.tell()


def main():
    source, target = sys.argv[1], sys.argv[2]
    processes = int(sys.argv[3]) if len(sys.argv) > 3 else os.cpu_count()
    with open(source, "rb") as f:
        is_array = f.read(64).lstrip().startswith(b"[")
        size = os.fstat(f.fileno()).st_size
        cuts = [] if is_array else [line_start(f, size * p // processes)
                                    for p in range(processes)] + [size]
    with multiprocessing.Pool(processes) as pool:
        if is_array:
            with open(source, encoding="utf-8") as f:
                records = json.load(f)
            step = -(-len(records) // processes)
            parts = pool.map(array_part, [(i, records[i:i + step])
                                          for i in range(0, len(records), step)])
        else:
            parts = pool.map(ndjson_part, [(source, cuts[p], cuts[p + 1])
                                           for p in range(processes)])
    latest = parts[0]
    for part in parts[1:]:
        for key, candidate in part.items():
            latest[key] = better(latest.get(key), candidate)
    with open(target, "wb") as out:
        for _, _, record in latest.values():
            out.write(record if isinstance(record, bytes) else
                      (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
                      .encode())


if __name__ == "__main__":
    main()
