# The latest record per id by updated_at; `<=` hands ties to the later record. Run with -n so
# that NDJSON (a stream of records) and an array file (one value) read alike.
reduce (inputs | if type == "array" then .[] else . end) as $r ({};
  ($r.id | tostring) as $k
  | if .[$k] == null or .[$k].updated_at <= $r.updated_at then .[$k] = $r else . end)
| .[]
