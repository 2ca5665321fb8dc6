#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mergepipe/export.h"
#include "mergepipe/source.h"

namespace mergepipe {

/// A point in time as the merge read it from a timestamp field: seconds and nanoseconds since
/// 1970-01-01T00:00:00Z (UTC). Any year a timestamp can name, unlike `std::chrono`'s
/// nanosecond clock, which stops at 2262.
struct instant {
  std::int64_t seconds = 0;
  std::uint32_t nanos = 0;  ///< 0 to 999,999,999.
};

/// A winning record as data: its text and what the merge already read from it, so that a
/// sink need not parse the record again to learn them. Valid only during the sink's call.
class MERGEPIPE_API record_view {
 public:
  /// Bytes readable after `json()`: enough for simdjson to parse the record where it lies,
  /// e.g. `parser.iterate(v.json().data(), v.json().size(), v.json().size() +
  /// record_view::padding)`.
  static constexpr std::size_t padding = source::padding;

  /// The record, minified, without a trailing newline: what `record_sink::write` gets.
  [[nodiscard]] std::string_view json() const noexcept { return json_; }
  /// The key as canonical JSON: `17`, `"u-17"`, or an array such as `[17,"eu"]` for a key
  /// of several fields. Keys equal by the merge's rule (`1`, `1.0` and `1e0`) read the same:
  /// numbers in their shortest exact decimal form (`12.5`, `1000`, `1.5e+30`).
  [[nodiscard]] std::string key() const;
  /// The record's (first) timestamp field; none when it is absent or null, or without
  /// timestamp fields.
  [[nodiscard]] std::optional<instant> time() const noexcept { return time_; }
  /// True for a delete marker (written with `result_rules::keep_deletes` only).
  [[nodiscard]] bool is_delete() const noexcept { return is_delete_; }
  /// Where the record stands in the input order (for a merged object, its latest record).
  [[nodiscard]] mergepipe::position position() const noexcept { return position_; }

  /// Made by the library for its sinks; `encoded_key` is its internal form of the key.
  record_view(std::string_view json, std::string_view encoded_key, std::optional<instant> time,
              bool is_delete, mergepipe::position at) noexcept
      : json_(json), encoded_key_(encoded_key), time_(time), is_delete_(is_delete), position_(at) {}

 private:
  std::string_view json_;
  std::string_view encoded_key_;
  std::optional<instant> time_;
  bool is_delete_;
  mergepipe::position position_;
};

}  // namespace mergepipe
