#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "mergepipe/export.h"

namespace mergepipe {

namespace detail {
class appender_feed;
}

/// An input fed as its bytes arrive (from a socket, a queue, a producer in the same
/// program), made by `merger::append`. The bytes are read as one stream: a record may be cut
/// anywhere between two appends, lines and byte offsets count from the input's start, and
/// NDJSON, arrays and compressed bytes are told apart as for a file. Records are merged while
/// more arrive, and memory holds only the bytes of records that may still win, plus up to
/// 16 MiB handed over but not yet read: `append` waits while that much is queued.
///
/// Nothing of the input counts until `close()` returns: an error in it (a bad record under
/// `error_policy::fail`, an exception from a callback or the reject sink) is thrown by the
/// next `append` or by `close`, and leaves the merger as it was before `merger::append`, as a
/// failed `merger::add` does. An appender destroyed before `close()` is abandoned the same
/// way: what it was given is not merged.
///
/// While an appender is open its merger does its reading on a thread of its own, which also
/// calls the progress callback and the reject sink; any other call on that merger is a usage
/// error until the appender is closed or destroyed.
///
/// @code
///   mergepipe::appender feed = m.append({.input = 3}, "orders-feed");
///   while (auto message = queue.next()) feed.append(message->bytes());
///   feed.close();  // the records now count; throws what went wrong, if anything did
/// @endcode
class MERGEPIPE_API appender {
 public:
  appender(appender&&) noexcept;
  appender& operator=(appender&&) noexcept;  ///< Abandons this appender's input, if open.
  appender(const appender&) = delete;
  appender& operator=(const appender&) = delete;
  ~appender();  ///< Abandons the input unless `close()` was called.

  /// Hands over the next bytes of the input (copied). Waits while 16 MiB are queued.
  /// Throws what ended the input's merge early (`mergepipe::error` with its location, or an
  /// exception from a callback, unchanged), and `mergepipe::error` (usage) once closed.
  void append(std::string_view bytes);

  /// Ends the input and waits until every record is merged; they count from then on.
  /// Throws as `append` does; the appender is closed either way.
  void close();

  /// Bytes appended so far.
  [[nodiscard]] std::uint64_t appended() const noexcept;

 private:
  friend class merger;
  appender() = default;  // made by merger::append, which sets feed_
  std::shared_ptr<detail::appender_feed> feed_;
};

}  // namespace mergepipe
