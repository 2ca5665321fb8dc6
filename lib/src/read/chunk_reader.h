#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "chunk.h"
#include "read/chunker.h"
#include "read/input_source.h"

namespace mergepipe::detail {

/// An input to cut, or the piece of it in [begin, end) (see `cut_into_pieces`).
struct reader_input {
  input_source* source = nullptr;
  std::uint64_t begin = 0;
  std::uint64_t end = UINT64_MAX;  ///< Clamped to the input's size.
};

/// The pipeline's input stage: walks the inputs in order and cuts them into chunks of whole
/// records of about `chunk_size` bytes. Called from one thread at a time.
class chunk_reader {
 public:
  chunk_reader(const std::vector<reader_input>& inputs, std::size_t chunk_size, chunk_pool& pool)
      : inputs_(inputs), chunk_size_(chunk_size), pool_(pool) {}

  /// The next chunk, or null at the end of the input (or after an array that cannot be cut).
  chunk* next();

  /// Input bytes cut into chunks so far.
  [[nodiscard]] std::uint64_t bytes_done() const noexcept { return finished_bytes_ + position_; }
  /// Bytes of all inputs once every one was read.
  [[nodiscard]] std::uint64_t bytes_read() const noexcept { return finished_bytes_; }
  /// Chunks made so far.
  [[nodiscard]] std::uint64_t chunks() const noexcept { return chunks_; }

 private:
  struct window {
    std::size_t size;  // bytes that may be cut
    bool complete;     // no more will come
  };

  void start_file(input_source& source, std::uint64_t begin);
  [[nodiscard]] window available(const input_source& source) const;
  chunk* new_chunk(const input_source& source);
  chunk* cut_ndjson(input_source& source);
  chunk* cut_array(input_source& source);

  const std::vector<reader_input>& inputs_;
  std::size_t chunk_size_;
  chunk_pool& pool_;
  std::size_t file_ = 0;
  bool started_ = false;
  input_format format_ = input_format::ndjson;
  std::size_t position_ = 0;
  std::optional<array_splitter> splitter_;
  bool stopped_ = false;  // an array could not be delimited: nothing after it is read
  std::uint64_t finished_bytes_ = 0;
  std::uint64_t chunks_ = 0;
};

}  // namespace mergepipe::detail
