// The latest record per id by updated_at in DuckDB (@duckdb/node-api): duckdb.js INPUT OUTPUT.
// read_json infers the columns; rn numbers the rows in input order (DuckDB keeps insertion
// order by default) and breaks timestamp ties. COPY writes NDJSON.
const { DuckDBInstance } = require("@duckdb/node-api");
const isArray = require("./first_byte");

async function main() {
  const [input, output] = process.argv.slice(2);
  const format = isArray(input) ? "array" : "newline_delimited";
  const quote = (s) => `'${s.replaceAll("'", "''")}'`;
  const db = await DuckDBInstance.create(":memory:");
  const connection = await db.connect();
  await connection.run(`
    COPY (
      SELECT * EXCLUDE (rn) FROM (
        SELECT *, row_number() OVER () AS rn FROM read_json(${quote(input)}, format = '${format}'))
      QUALIFY row_number() OVER (PARTITION BY id ORDER BY updated_at DESC, rn DESC) = 1
    ) TO ${quote(output)} (FORMAT JSON)`);
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
