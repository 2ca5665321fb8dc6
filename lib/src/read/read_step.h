#pragma once

#include <cstddef>
#include <cstdint>

#include "chunk.h"
#include "read/input_set.h"

namespace mergepipe::detail {

/// The read step: walks the inputs in order, detects each one's compression and format from
/// its first bytes, and makes the next `chunk_size` bytes available (a stream is read; a
/// mapped file already is; a compressed input's compressed bytes are read, for the
/// decompress step). Each call hands out one chunk for the cut step to fill, with the end of
/// the bytes it may need. Called from one thread at a time.
class read_step {
 public:
  read_step(input_set& inputs, std::size_t chunk_size, chunk_pool& pool)
      : inputs_(inputs), chunk_size_(chunk_size), pool_(pool) {}

  /// The next chunk, or null once every input was read.
  chunk* next();

  /// Input bytes handed out so far, for progress: a compressed input's as stored, as
  /// input_source::known_size counts them.
  [[nodiscard]] std::uint64_t bytes_done() const noexcept {
    return progress_bytes_ + input_progress_;
  }
  /// Bytes of the inputs read to their end.
  [[nodiscard]] std::uint64_t bytes_read() const noexcept { return finished_bytes_; }
  /// Bytes of the compressed inputs read to their end, as stored.
  [[nodiscard]] std::uint64_t compressed_bytes_read() const noexcept { return compressed_bytes_; }
  /// Chunks handed out so far.
  [[nodiscard]] std::uint64_t chunks() const noexcept { return chunks_; }

 private:
  void start(opened_input& input);
  input_source::extent read_ahead(opened_input& input);

  input_set& inputs_;
  std::size_t chunk_size_;
  chunk_pool& pool_;
  std::size_t file_ = 0;
  bool started_ = false;
  input_format format_ = input_format::ndjson;
  std::uint64_t records_begin_ = 0;
  // The end of the bytes made available so far. The cut step is never behind it: it cuts
  // at least `chunk_size` bytes per chunk, so the last chunk of an input reaches its end.
  std::uint64_t window_ = 0;
  // Of the input being read, the bytes bytes_done counts: the window, or for a compressed
  // input the compressed bytes its decoder took.
  std::uint64_t input_progress_ = 0;
  std::uint64_t finished_bytes_ = 0;
  std::uint64_t compressed_bytes_ = 0;
  std::uint64_t progress_bytes_ = 0;  // of the inputs read to their end, as bytes_done counts
  std::uint64_t chunks_ = 0;
  bool end_seen_ = false;  // a chunk of the input being read was handed out after its end
};

}  // namespace mergepipe::detail
