#pragma once

#include <cstdint>

#include "chunk.h"
#include "parse/record_scanner.h"
#include "read/input_set.h"

namespace mergepipe::detail {

/// The order step's side of arrays cut by guess (read/guessed_cut.h). On the chunks in input
/// order, it knows where the elements cut so far truly end, and holds each guessed chunk
/// against it: a chunk whose guess held, starting there, stands; any other is cut again,
/// exactly, from there (its elements may run past the chunk, or the chunk before may have
/// taken them all), and parsed and stamped again with `scanner`.
class guess_check {
 public:
  explicit guess_check(input_set& inputs) : inputs_(inputs) {}

  void run(chunk& c, record_scanner& scanner);

  /// Chunks cut by guess.
  [[nodiscard]] std::uint64_t guessed() const noexcept { return guessed_; }
  /// Of them, chunks cut again because their guess did not hold.
  [[nodiscard]] std::uint64_t recut() const noexcept { return recut_; }

 private:
  input_set& inputs_;
  std::uint32_t file_ = 0;
  std::uint64_t cut_through_ = 0;  // the delimiter after the last element cut in `file_`
  std::uint64_t guessed_ = 0;
  std::uint64_t recut_ = 0;
};

}  // namespace mergepipe::detail
