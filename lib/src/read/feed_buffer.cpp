#include "read/feed_buffer.h"

#include <stdexcept>

namespace mergepipe::detail {
namespace {

// Small appends join the last queued block, so that a writer handing over a line at a time
// does not make the reader wake for each.
constexpr std::size_t join_below = std::size_t{1} << 20;

}  // namespace

bool feed_buffer::put(std::string_view bytes) {
  std::unique_lock lock(mutex_);
  if (bytes.empty()) return !reader_stopped_;
  // A block larger than the capacity waits for an empty queue rather than forever.
  changed_.wait(lock, [&] {
    return reader_stopped_ || queued_bytes_ == 0 || queued_bytes_ + bytes.size() <= capacity_;
  });
  if (reader_stopped_) return false;
  if (!queued_.empty() && queued_.back().size() < join_below) {
    queued_.back().append(bytes);
  } else {
    queued_.emplace_back(bytes);
  }
  queued_bytes_ += bytes.size();
  changed_.notify_all();
  return true;
}

void feed_buffer::end() {
  std::lock_guard lock(mutex_);
  ended_ = true;
  changed_.notify_all();
}

void feed_buffer::cancel() {
  std::lock_guard lock(mutex_);
  cancelled_ = true;
  changed_.notify_all();
}

void feed_buffer::stop_reading() {
  std::lock_guard lock(mutex_);
  reader_stopped_ = true;
  changed_.notify_all();
}

feed_buffer::int_type feed_buffer::underflow() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return cancelled_ || ended_ || !queued_.empty(); });
  // std::istream turns an exception from its buffer into badbit: the read fails.
  if (cancelled_) throw std::runtime_error("the appender was abandoned");
  if (queued_.empty()) return traits_type::eof();
  reading_ = std::move(queued_.front());
  queued_.pop_front();
  queued_bytes_ -= reading_.size();
  changed_.notify_all();
  setg(reading_.data(), reading_.data(), reading_.data() + reading_.size());
  return traits_type::to_int_type(reading_.front());
}

}  // namespace mergepipe::detail
