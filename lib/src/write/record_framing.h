#pragma once

#include <cstdint>
#include <string_view>

#include "mergepipe/sink.h"

namespace mergepipe::detail {

/// The bytes that `output_format` puts around records, shared by the sinks that write it.
inline std::string_view bytes_before_record(output_format format, std::uint64_t index) {
  if (format == output_format::ndjson) return {};
  return index == 0 ? "[\n" : ",\n";
}

inline std::string_view bytes_after_record(output_format format) {
  return format == output_format::ndjson ? "\n" : "";
}

inline std::string_view bytes_after_last(output_format format, std::uint64_t count) {
  if (format == output_format::ndjson) return {};
  return count == 0 ? "[]\n" : "\n]\n";
}

}  // namespace mergepipe::detail
