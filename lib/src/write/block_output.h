#pragma once

#include <cstdint>
#include <optional>

#include "mergepipe/sink.h"
#include "write/output_file.h"

namespace mergepipe::detail {

/// A `json_file_sink`, as the writer takes it: blocks of records framed in the sink's format,
/// written whole. To a regular file they go at their offsets from several threads at once;
/// to anything else (standard output, a pipe, a device) in order, each in one piece.
struct block_output {
  output_format format;
  output_file& file;
  std::uint64_t& records;  ///< The sink's count of records, which an array's framing follows.
  bool at_offsets;         ///< `file.takes_blocks()`
};

struct sink_access {
  /// The block output of `sink`: a `json_file_sink` with nothing written yet.
  static std::optional<block_output> blocks_of(record_sink& sink);
};

}  // namespace mergepipe::detail
