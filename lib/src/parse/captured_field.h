#pragma once

#include <simdjson.h>

#include <string_view>

namespace mergepipe::detail {

/// A selected field's value as a record scan captured it. Views stay valid until the scanner
/// reads its next record: strings are unescaped in a parser's buffer, numbers are text.
struct captured_field {
  bool present = false;
  simdjson::ondemand::json_type type = simdjson::ondemand::json_type::null;
  std::string_view text;  ///< Unescaped string, or the number as JSON text.
  bool boolean = false;
};

}  // namespace mergepipe::detail
