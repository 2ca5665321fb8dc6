#pragma once

#include <simdjson.h>

#include <array>
#include <cstddef>
#include <vector>

#include "parse/captured_field.h"
#include "parse/field_path.h"

namespace mergepipe::detail {

/// The fast path of a record scan. simdjson's DOM parser validates a record in full in one
/// pass (building its tape checks every value), after which the selected fields are read from
/// the tape. It only answers for records it can capture exactly; for anything else (invalid
/// JSON, a record that is not an object, nesting near the limit, a selected number that is
/// not an integer, whose exact text the tape does not keep) it declines, and the On-Demand
/// walk decides and explains.
class tape_scanner {
 public:
  explicit tape_scanner(const field_selector& selector);

  /// Parses `data[0, size)` (with `input_padding` readable bytes after it). True when the
  /// record is a valid object and `slots` now hold its selected fields; false to decline.
  [[nodiscard]] bool capture(const char* data, std::size_t size,
                             std::vector<captured_field>& slots);

 private:
  bool capture_value(simdjson::dom::element value, int node, std::vector<captured_field>& slots);
  bool capture_scalar(simdjson::dom::element value, int slot, captured_field& out);

  simdjson::dom::parser parser_;
  const field_selector& selector_;
  const std::vector<field_selector::node>& nodes_;
  std::vector<char> visited_;                      // fields matched in the current record
  std::vector<std::array<char, 24>> number_text_;  // per slot: an integer written back as text
};

}  // namespace mergepipe::detail
