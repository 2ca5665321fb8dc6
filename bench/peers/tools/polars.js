// The latest record per id by updated_at in nodejs-polars: polars.js INPUT OUTPUT.
// A row index keeps the input order through a stable sort by (updated_at, row), so the last
// row of each id is its winner; updated_at stays a string, which orders correctly for one
// ISO spelling without offsets. NDJSON goes through the lazy scanJson (this version's
// readJSON has no NDJSON reader); an array file is read eagerly with readJSON.
const pl = require("nodejs-polars");
const isArray = require("./first_byte");

const [input, output] = process.argv.slice(2);
const frame = isArray(input)
  ? pl.readJSON(input, { format: "json", inferSchemaLength: null }).lazy()
  : pl.scanJson(input, { inferSchemaLength: null });
frame
  .withRowIndex("rn")
  .sort(["updated_at", "rn"])
  .groupBy("id")
  .agg(pl.all().exclude("rn").last())
  .collectSync()
  .writeJSON(output, { format: "lines" });
