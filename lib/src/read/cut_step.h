#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "chunk.h"
#include "read/chunker.h"
#include "read/input_set.h"

namespace mergepipe::detail {

/// The cut step: gives each chunk the next run of whole records of its input, about
/// `chunk_size` bytes, cut at a newline or, in an array, after an element. Once an array
/// cannot be delimited, or a compressed input could not be decoded, nothing after it is cut.
/// An array of one element per line in memory is cut exactly only in its first chunk, then by
/// guess (read/guessed_cut.h).
/// Called from one thread at a time, on the chunks in input order.
class cut_step {
 public:
  cut_step(input_set& inputs, std::size_t chunk_size) : inputs_(inputs), chunk_size_(chunk_size) {}

  void run(chunk& c);

 private:
  void start(const chunk& c);
  void cut_ndjson(chunk& c, opened_input& input);
  void cut_array(chunk& c, opened_input& input);
  [[nodiscard]] bool may_guess(const chunk& c, const opened_input& input,
                               input_source::extent available) const;
  void cut_by_guess(chunk& c, const opened_input& input);
  void stop_at_failure(chunk& c, const opened_input& input);

  input_set& inputs_;
  std::size_t chunk_size_;
  std::uint32_t file_ = 0;
  bool started_ = false;
  bool stopped_ = false;  // nothing more can be cut
  std::uint64_t position_ = 0;
  std::optional<array_splitter> splitter_;
  bool guess_decided_ = false;  // after the input's first chunk, cut exactly
  bool guessing_ = false;       // the input's chunks are cut by guess (read/guessed_cut.h)
};

}  // namespace mergepipe::detail
