#pragma once

#include <string>
#include <vector>

#include "mergepipe/result_rules.h"
#include "parse/field_path.h"
#include "parse/record_fields.h"
#include "parse/timestamp.h"

namespace mergepipe::detail {

/// What to extract from every record, compiled once per merge from the options and then
/// shared read-only by all scanning threads.
struct record_rules {
  /// A delete rule whose value is already in key encoding.
  struct delete_match {
    int slot = -1;
    std::string encoded_value;
  };

  field_selector selector;
  std::vector<int> key_slots;          ///< One per key part, in order.
  std::vector<std::string> key_names;  ///< The key parts as the user wrote them.
  std::vector<int> timestamp_slots;    ///< One per timestamp field, compared in turn.
  std::vector<std::string> timestamp_names;
  timestamp_parser timestamps;
  std::vector<delete_match> deletes;
  bool keep_first = false;
  bool merge_fields = false;

  /// Bytes of a stamp's timestamp fields after the first (`further_stamp_size` each).
  [[nodiscard]] std::size_t tail_size() const noexcept;

  /// Compiles the rules; throws mergepipe::error (errc::usage) for invalid options.
  static record_rules compile(const result_rules& given);
};

/// Encodes a delete-rule VALUE: a JSON scalar when it is one, else the plain string.
std::string encode_rule_value(const std::string& value);

}  // namespace mergepipe::detail
