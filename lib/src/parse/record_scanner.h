#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "parse/captured_field.h"
#include "parse/record_rules.h"
#include "parse/tape_scanner.h"
#include "parse/timestamp.h"

namespace mergepipe::detail {

/// What the merge needs from one good record.
struct record_fields {
  bool has_timestamp = false;  ///< False when the field is absent or null (oldest).
  timestamp ts;
  bool is_delete = false;
};

/// Validates one record in full and extracts its key, timestamp and delete flag.
/// One per thread: it owns a simdjson parser and scratch space, reused for every record,
/// so the good path allocates nothing once warm.
class record_scanner {
 public:
  /// Without `use_tape`, every record takes the On-Demand walk: the reference that the
  /// tape's answers are checked against.
  explicit record_scanner(const record_rules& rules, bool use_tape = true);
  ~record_scanner();
  record_scanner(const record_scanner&) = delete;
  record_scanner& operator=(const record_scanner&) = delete;

  /// Scans `data[0, size)`, a whitespace-trimmed record with `input_padding` readable bytes
  /// after it. On success appends the encoded key to `key` and fills `out`. On failure
  /// returns false, leaves `key` as it was, and `reason()` says why.
  [[nodiscard]] bool scan(const char* data, std::size_t size, std::string& key, record_fields& out);

  /// Why the last failed scan failed.
  [[nodiscard]] const std::string& reason() const noexcept { return reason_; }

 private:
  class walker;
  // Builds the key and fields from what the scan captured.
  bool extract(std::string& key, record_fields& out);

  [[nodiscard]] const captured_field& slot(int index) const noexcept { return captures_[index]; }

  const record_rules& rules_;
  std::vector<captured_field> captures_;  // filled by whichever scan answered
  std::optional<tape_scanner> tape_;
  std::unique_ptr<walker> walker_;
  std::string reason_;
  std::string scratch_;
};

}  // namespace mergepipe::detail
