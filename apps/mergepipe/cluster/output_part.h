#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mergepipe/merger.h"
#include "mergepipe/sink.h"

namespace mergepipe::cluster {

// A job's output in input order is written in parts, side by side and in place: each reduce
// task measures what its keys take in every part (`saved_range`), write task p writes part p
// as NDJSON at the sum of the measures of the parts before it, and the collect task renames
// the whole into place, or, where minifying shortened records and left gaps, joins the parts
// into the output.

/// Saves what a reduce task measured, a range per part, in a small file that appears whole or
/// not at all. Throws `mergepipe::error` (`io`).
void save_ranges(const std::string& path, const std::vector<saved_range>& ranges);

/// Reads a file of `save_ranges` holding `parts` ranges. Throws `mergepipe::error`: `io` when
/// it cannot be read, `bad_input` when it is torn.
std::vector<saved_range> load_ranges(const std::string& path, std::size_t parts);

/// Where each part lies in the output in progress: at most `size[p]` bytes from `start[p]`.
struct part_slots {
  std::vector<std::uint64_t> start;
  std::vector<std::uint64_t> size;
};

/// The slots of the parts that every reduce task measured (`by_bucket[b][p]`), one after
/// another; delete markers take room only when they are written.
part_slots lay_out_parts(const std::vector<std::vector<saved_range>>& by_bucket, bool keep_deletes);

/// What a write task wrote into its part's slot.
struct written_part {
  std::uint64_t bytes = 0;
  std::uint64_t records = 0;
};

/// Reads the file in which a write task recorded its part (`part_slot_sink`). Throws
/// `mergepipe::error`: `io` when it cannot be read, `bad_input` when it is torn.
written_part load_written_part(const std::string& path);

/// Writes one part of a job's output as NDJSON into its slot of the output in progress (the
/// file is opened, and made if need be, at once), then syncs it and records its size in
/// `size_path`: a part whose size file exists is on the disk. Throws `mergepipe::error` (`io`) when
/// the file cannot be written, when the part would outgrow its slot, or when the output in progress
/// is no longer the file it opened (the job ended while this task was stalled: nothing more is
/// written).
class part_slot_sink final : public record_sink {
 public:
  part_slot_sink(std::string path, std::uint64_t start, std::uint64_t slot_size,
                 std::string size_path);
  ~part_slot_sink() override;
  part_slot_sink(const part_slot_sink&) = delete;
  part_slot_sink& operator=(const part_slot_sink&) = delete;

  using record_sink::write;
  void write(std::string_view record) override;
  void finish() override;

  [[nodiscard]] written_part written() const noexcept { return written_; }

 private:
  void flush();
  [[noreturn]] void fail(const std::string& why) const;

  std::string path_;
  std::string size_path_;
  std::uint64_t start_;
  std::uint64_t slot_size_;
  int fd_ = -1;
  std::string buffer_;
  std::uint64_t flushed_ = 0;
  std::uint64_t written_back_ = 0;
  written_part written_;
};

/// Appends the parts lying in the file at `path` (part p: `parts[p].bytes` from
/// `slots.start[p]`) to `out`, which frames them as `format` asks: NDJSON in blocks, an array
/// record by record. Returns how many records there were. Throws `mergepipe::error` (`io`).
std::uint64_t join_parts(const std::string& path, const part_slots& slots,
                         const std::vector<written_part>& parts, json_file_sink& out,
                         output_format format);

}  // namespace mergepipe::cluster
