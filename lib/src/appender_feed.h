#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <istream>
#include <string>
#include <string_view>
#include <thread>

#include "mergepipe/source.h"
#include "read/feed_buffer.h"

namespace mergepipe::detail {

/// What an appender shares with its merger: the queue of bytes, the stream over it, and the
/// thread on which the merger adds that stream as a source, as `merger::add` does.
class appender_feed {
 public:
  /// Adds a stream source to a merge; runs on the feed's thread.
  using add_function = std::function<void(const source&)>;

  /// Why an abandoned appender refuses calls.
  static constexpr const char* abandoned = "this appender's input was abandoned";
  static constexpr const char* abandoned_with_merger =
      "this appender's input was abandoned: its merger was destroyed or assigned to";

  /// Starts reading: `add` is called with a stream source named `name` at once.
  appender_feed(std::string name, add_function add);
  ~appender_feed() { abandon(abandoned); }
  appender_feed(const appender_feed&) = delete;
  appender_feed& operator=(const appender_feed&) = delete;

  void append(std::string_view bytes);
  void close();
  /// Ends the input as failed, so that the merge adds nothing of it, and waits for it; later
  /// calls get a usage error saying `why`.
  void abandon(const char* why) noexcept;

  /// True until closed or abandoned: the merger is being read meanwhile.
  [[nodiscard]] bool open() const noexcept { return open_.load(std::memory_order_acquire); }
  [[nodiscard]] std::uint64_t appended() const noexcept { return appended_; }

 private:
  void refuse_if_closed() const;
  void stop();  // joins the reader; rethrows what ended its merge

  static constexpr std::size_t queue_capacity = std::size_t{16} << 20;

  std::string name_;
  feed_buffer buffer_{queue_capacity};
  std::istream stream_{&buffer_};
  std::exception_ptr failure_;  // written by the reader, read after joining it
  std::thread reader_;
  std::atomic<bool> open_ = true;
  const char* closed_because_ = nullptr;
  std::uint64_t appended_ = 0;
};

}  // namespace mergepipe::detail
