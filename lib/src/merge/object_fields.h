#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mergepipe::detail {

/// One top-level field of a JSON object, as its text spells it.
struct object_field {
  std::string_view spelling;  ///< The name between its quotes, escapes as written.
  std::string_view value;     ///< The value's text, whitespace inside it kept.
};

/// Walks the top-level fields of a whitespace-trimmed JSON object that the parse step has
/// validated, in order, without parsing them: strings and nesting are followed only to find
/// where each value ends. (`--merge-fields` needs each field's text; simdjson 3.0.1 gives the
/// raw text of objects and arrays, not of any value.)
class object_fields {
 public:
  explicit object_fields(std::string_view object);

  /// The next field; false after the last.
  bool next(object_field& field);

 private:
  std::string_view text_;
  std::size_t at_;
};

/// The content of a validated JSON string (between its quotes), unescaped.
std::string unescaped(std::string_view raw);

}  // namespace mergepipe::detail
