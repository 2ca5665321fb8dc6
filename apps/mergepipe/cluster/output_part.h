#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "mergepipe/sink.h"

namespace mergepipe::cluster {

/// Writes one part of a job's output, as a write task does: its records as NDJSON, then a
/// trailer line `#mergepipe part BYTES RECORDS`. Parts are intermediate files, so they are not
/// synced; the trailer lets the join tell a complete part from a torn one.
class output_part_sink final : public record_sink {
 public:
  explicit output_part_sink(std::string path)
      : out_(std::move(path), output_format::ndjson, /*durable=*/false) {}

  using record_sink::write;
  void write(std::string_view record) override;
  void finish() override;

 private:
  json_file_sink out_;
  std::uint64_t bytes_ = 0;
  std::uint64_t records_ = 0;
};

/// Appends the records of the part at `path` to `out`, which frames them as `format` asks:
/// NDJSON in one block, an array record by record. Returns how many there were. Throws
/// `mergepipe::error` naming the part: `io` when it cannot be read, `bad_input` when it is
/// torn.
std::uint64_t append_output_part(const std::string& path, json_file_sink& out,
                                 output_format format);

}  // namespace mergepipe::cluster
