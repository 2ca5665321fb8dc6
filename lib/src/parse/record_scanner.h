#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "parse/captured_field.h"
#include "parse/record_fields.h"
#include "parse/record_rules.h"
#include "parse/record_stamper.h"
#include "parse/tape_scanner.h"

namespace mergepipe::detail {

/// The parse step for one record: validates it in full and captures its selected fields,
/// then, in `scan`, stamps it too.
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

  /// Validates `data[0, size)`, a whitespace-trimmed record with `input_padding` readable
  /// bytes after it, and captures its selected fields into `captures()`. On failure returns
  /// false and `reason()` says why.
  [[nodiscard]] bool capture(const char* data, std::size_t size);

  /// The fields the last capture found, indexed by the rules' slots; valid until the next.
  [[nodiscard]] const std::vector<captured_field>& captures() const noexcept { return captures_; }

  /// Captures and stamps: on success appends the encoded key to `key` and fills `out`. On
  /// failure returns false, leaves `key` as it was, and `reason()` says why.
  [[nodiscard]] bool scan(const char* data, std::size_t size, std::string& key,
                          record_fields& out) {
    return capture(data, size) && stamper_.stamp(captures_, key, out, reason_);
  }

  /// The stamper of this thread, for a stamp step apart from the parse.
  [[nodiscard]] record_stamper& stamper() noexcept { return stamper_; }

  /// Why the last failed capture or scan failed.
  [[nodiscard]] const std::string& reason() const noexcept { return reason_; }

 private:
  class walker;

  std::vector<captured_field> captures_;  // filled by whichever scan answered
  std::optional<tape_scanner> tape_;
  std::unique_ptr<walker> walker_;
  record_stamper stamper_;
  std::string reason_;
};

}  // namespace mergepipe::detail
