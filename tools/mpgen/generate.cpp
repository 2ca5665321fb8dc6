#include "mpgen/generate.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mpgen/json_writer.h"
#include "mpgen/record.h"
#include "mpgen/rng.h"
#include "mpgen/update_stream.h"

namespace mpgen {
namespace {

// Large enough that write calls cost nothing, small enough to stay in L2 cache.
constexpr std::size_t block_bytes = std::size_t{1} << 20;

// The text around records. An NDJSON file is "records separated and ended by newlines".
struct framing {
  std::string_view open;
  std::string_view separator;
  std::string_view close;
  std::string_view empty;
};

framing framing_for(const options& opts) {
  if (opts.format == output_format::ndjson) return {"", "\n", "\n", ""};
  switch (opts.style) {
    case array_style::compact:
      return {"[", ",", "]\n", "[]\n"};
    case array_style::pretty:
      return {"[\n  ", ",\n  ", "\n]\n", "[]\n"};
    case array_style::lines:
      break;
  }
  return {"[\n", ",\n", "\n]\n", "[]\n"};
}

bool is_pretty(const options& opts) {
  return opts.format == output_format::array && opts.style == array_style::pretty;
}

// Only spreads timestamps over a plausible span, so a rough figure will do.
std::uint64_t expected_records(const options& opts) {
  if (opts.records) return *opts.records;
  const std::uint64_t record_bytes = is_pretty(opts) ? 420 : 300;
  return *opts.size_bytes / record_bytes + 1;
}

}  // namespace

void generate(const options& opts, output_file& out) {
  const framing frame = framing_for(opts);
  const bool pretty = is_pretty(opts);
  json_writer writer(block_bytes + max_record_bytes, pretty, pretty ? 1 : 0);
  update_stream updates({opts.distinct_ratio, opts.delete_ratio, opts.null_ts_ratio,
                         expected_records(opts), opts.timestamps});
  rng random(opts.seed);

  std::uint64_t flushed_bytes = 0;
  std::uint64_t count = 0;
  const auto done = [&] {
    if (opts.records) return count == *opts.records;
    return flushed_bytes + writer.size() + frame.close.size() >= *opts.size_bytes;
  };
  while (!done()) {
    // The flush below keeps the buffer under block_bytes, so a record always fits.
    writer.put(count == 0 ? frame.open : frame.separator);
    write_record(writer, updates.next(random), opts.timestamps, random);
    ++count;
    if (writer.size() >= block_bytes) {
      out.write(writer.data(), writer.size());
      flushed_bytes += writer.size();
      writer.clear();
    }
  }
  writer.put(count == 0 ? frame.empty : frame.close);
  out.write(writer.data(), writer.size());
  out.close();
}

}  // namespace mpgen
