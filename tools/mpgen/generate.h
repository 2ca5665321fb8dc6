#pragma once

#include <cstdint>
#include <optional>

#include "mpgen/output_file.h"
#include "mpgen/timestamp_text.h"

namespace mpgen {

enum class output_format { ndjson, array };

/// compact: `[{...},{...}]`; lines: one record per line; pretty: indented records.
enum class array_style { compact, lines, pretty };

struct options {
  std::optional<std::uint64_t> size_bytes;  // exactly one of size_bytes and records is set
  std::optional<std::uint64_t> records;
  output_format format = output_format::ndjson;
  array_style style = array_style::lines;
  ts_style timestamps = ts_style::iso;
  std::uint64_t seed = 1;
  double distinct_ratio = 0.33;
  double delete_ratio = 0;
  double null_ts_ratio = 0;
};

/// Streams the records `opts` asks for to `out` in constant memory; the bytes are a pure
/// function of `opts`.
void generate(const options& opts, output_file& out);

}  // namespace mpgen
