#!/usr/bin/env bash
# The latest record per id by updated_at in the sqlite3 shell: sqlite.sh INPUT OUTPUT.
# NDJSON: .import each line into a one-column table (ascii mode does no quoting, and the
# unit separator 0x1F cannot occur raw in JSON), so rowid is the input order. An array file:
# json_each over readfile(), whose key is the element index; SQLite refuses values over
# 1e9 bytes, so larger arrays cannot run. A window keeps the winner of each id.
set -euo pipefail
input=$1 output=$2
if [[ $(head -c 64 "$input" | tr -d ' \t\r\n' | head -c 1) == '[' ]]; then
  load=""
  records="SELECT value AS j, key AS pos FROM json_each(readfile('$input'))"
else
  load=$(printf '.mode ascii\n.separator \x1f "\\n"\n.import %s t' "$input")
  records="SELECT j, rowid AS pos FROM t"
fi
sqlite3 :memory: <<SQL
CREATE TABLE t(j TEXT);
$load
.mode list
.output $output
SELECT j FROM (
  SELECT j, row_number() OVER (PARTITION BY j->>'id' ORDER BY j->>'updated_at' DESC, pos DESC) AS r
  FROM ($records))
WHERE r = 1;
SQL
