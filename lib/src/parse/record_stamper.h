#pragma once

#include <span>
#include <string>
#include <vector>

#include "parse/captured_field.h"
#include "parse/record_fields.h"
#include "parse/record_rules.h"

namespace mergepipe::detail {

/// The stamp step for one record: from the fields a scan captured, the key in canonical
/// bytes, the timestamp as an instant, and whether the record is a delete marker.
/// One per thread: it keeps scratch space.
class record_stamper {
 public:
  explicit record_stamper(const record_rules& rules)
      : rules_(rules),
        timestamp_slot_(rules.timestamp_slots.empty() ? -1 : rules.timestamp_slots[0]),
        timestamp_slots_(rules.timestamp_slots) {}

  /// `fields` are indexed by the rules' slots. On success appends the encoded key to `key`,
  /// fills `out` and `tail()`; on failure returns false, leaves `key` as it was, and sets
  /// `reason`.
  [[nodiscard]] bool stamp(std::span<const captured_field> fields, std::string& key,
                           record_fields& out, std::string& reason);

  /// The timestamp fields after the first of the last stamped record, `rules.tail_size()`
  /// bytes (see `append_further_stamp`).
  [[nodiscard]] const std::string& tail() const noexcept { return tail_; }

  /// How many fields a record's capture holds.
  [[nodiscard]] std::size_t slot_count() const noexcept {
    return static_cast<std::size_t>(rules_.selector.slot_count());
  }

 private:
  bool stamp_key(std::span<const captured_field> fields, std::string& key, std::string& reason);
  bool stamp_tail(std::span<const captured_field> fields, std::string& reason);
  bool read_timestamp(const captured_field& value, const std::string& name, bool& present,
                      timestamp& ts, std::string& reason);
  [[nodiscard]] bool is_delete(std::span<const captured_field> fields);

  const record_rules& rules_;
  // Copied from the rules: read for every record, and kept in this thread's memory rather
  // than in a small shared allocation whose cache line other threads may write.
  int timestamp_slot_;
  std::vector<int> timestamp_slots_;  // all of them; the first is also `timestamp_slot_`
  std::string scratch_;
  std::string tail_;
};

}  // namespace mergepipe::detail
