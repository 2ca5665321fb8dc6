#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <streambuf>
#include <string>
#include <string_view>

namespace mergepipe::detail {

/// Bytes handed over by one thread and read as a `std::istream` by another: what lets an
/// appender's bytes enter the pipeline as a stream, so that records cut across two appends,
/// line numbers and offsets need nothing of their own. The writer waits while `capacity`
/// bytes are queued: memory stays bounded however far ahead the writer is.
class feed_buffer final : public std::streambuf {
 public:
  explicit feed_buffer(std::size_t capacity) : capacity_(capacity) {}

  /// Writer: queues a copy of `bytes`, waiting for room. False once the reader has stopped.
  bool put(std::string_view bytes);
  /// Writer: there are no more bytes; the reader sees the end once it has read the rest.
  void end();
  /// Writer: reading fails from now on (the stream goes bad), so that the merge reading it
  /// fails and merges nothing.
  void cancel();
  /// Reader: it reads no more; a writer waiting for room is let go.
  void stop_reading();

 protected:
  int_type underflow() override;

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t capacity_;
  std::deque<std::string> queued_;
  std::size_t queued_bytes_ = 0;
  std::string reading_;  // the block under the get area
  bool ended_ = false;
  bool cancelled_ = false;
  bool reader_stopped_ = false;
};

}  // namespace mergepipe::detail
