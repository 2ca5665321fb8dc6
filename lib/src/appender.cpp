#include "mergepipe/appender.h"

#include "appender_feed.h"
#include "mergepipe/error.h"

namespace mergepipe {
namespace detail {

appender_feed::appender_feed(std::string name, add_function add) : name_(std::move(name)) {
  reader_ = std::thread([this, add = std::move(add)] {
    try {
      add(source::stream(stream_, name_));
    } catch (...) {
      failure_ = std::current_exception();
    }
    buffer_.stop_reading();
  });
}

void appender_feed::append(std::string_view bytes) {
  refuse_if_closed();
  if (buffer_.put(bytes)) {
    appended_ += bytes.size();
    return;
  }
  // The merge stopped before the end of the input: it failed, and says why.
  stop();
  throw error(errc::io, "the merge stopped reading before the end of the input",
              location{name_});
}

void appender_feed::close() {
  refuse_if_closed();
  buffer_.end();
  stop();
}

void appender_feed::abandon(const char* why) noexcept {
  if (!open()) return;
  buffer_.cancel();
  reader_.join();
  closed_because_ = why;
  open_.store(false, std::memory_order_release);
}

void appender_feed::refuse_if_closed() const {
  if (!open()) throw error(errc::usage, closed_because_);
}

void appender_feed::stop() {
  reader_.join();
  closed_because_ = failure_ ? "this appender is closed: its input failed"
                             : "this appender is closed: make a new one with merger::append";
  open_.store(false, std::memory_order_release);
  if (failure_) std::rethrow_exception(failure_);
}

}  // namespace detail

namespace {

detail::appender_feed& live(const std::shared_ptr<detail::appender_feed>& feed) {
  if (!feed) throw error(errc::usage, "this appender was moved from: use the one it was moved to");
  return *feed;
}

}  // namespace

appender::appender(appender&&) noexcept = default;
appender::~appender() {
  if (feed_) feed_->abandon(detail::appender_feed::abandoned);
}

appender& appender::operator=(appender&& other) noexcept {
  if (this != &other) {
    if (feed_) feed_->abandon(detail::appender_feed::abandoned);
    feed_ = std::move(other.feed_);
  }
  return *this;
}

void appender::append(std::string_view bytes) { live(feed_).append(bytes); }

void appender::close() { live(feed_).close(); }

std::uint64_t appender::appended() const noexcept { return feed_ ? feed_->appended() : 0; }

}  // namespace mergepipe
