#include "merge/object_fields.h"

#include <simdjson.h>

#include "json_grammar.h"
#include "mergepipe/error.h"
#include "read/element_scanner.h"

namespace mergepipe::detail {
namespace {

std::size_t skip_space(std::string_view text, std::size_t at) {
  while (at < text.size() && is_json_space(text[at])) ++at;
  return at;
}

// The closing quote of the string whose opening quote is at `at`.
std::size_t string_end(std::string_view text, std::size_t at) {
  return find_string_end(text.data(), at + 1, text.size());
}

// One past the value that starts at `at` (the record is valid JSON).
std::size_t value_end(std::string_view text, std::size_t at) {
  char c = text[at];
  if (c == '"') return string_end(text, at) + 1;
  if (c != '{' && c != '[') {
    while (at < text.size() && text[at] != ',' && text[at] != '}' && text[at] != ']' &&
           !is_json_space(text[at])) {
      ++at;
    }
    return at;
  }
  int depth = 0;
  for (;; ++at) {
    c = text[at];
    if (c == '"') {
      at = string_end(text, at);
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if ((c == '}' || c == ']') && --depth == 0) {
      return at + 1;
    }
  }
}

}  // namespace

object_fields::object_fields(std::string_view object)
    : text_(object), at_(skip_space(object, 1)) {}  // past '{'

bool object_fields::next(object_field& field) {
  if (at_ >= text_.size() || text_[at_] != '"') return false;
  const std::size_t close = string_end(text_, at_);
  field.spelling = text_.substr(at_ + 1, close - at_ - 1);
  const std::size_t value = skip_space(text_, skip_space(text_, close + 1) + 1);  // past ':'
  const std::size_t end = value_end(text_, value);
  field.value = text_.substr(value, end - value);
  at_ = skip_space(text_, end);
  if (at_ < text_.size() && text_[at_] == ',') at_ = skip_space(text_, at_ + 1);
  return true;
}

std::string unescaped(std::string_view raw) {
  // Parsed as a JSON string of its own, as delete rules' values are: names with escapes are
  // rare, and the record was validated, so this never fails.
  thread_local simdjson::dom::parser parser;
  std::string quoted;
  quoted.reserve(raw.size() + 2);
  quoted.append(1, '"').append(raw).append(1, '"');
  std::string_view text;
  if (parser.parse(simdjson::padded_string(quoted)).get_string().get(text) != simdjson::SUCCESS) {
    throw error(errc::bad_input, "a validated field name could not be unescaped");
  }
  return std::string(text);
}

}  // namespace mergepipe::detail
