#include "merge/object_fields.h"

#include <cstring>

#include "json_grammar.h"

namespace mergepipe::detail {
namespace {

std::size_t skip_space(std::string_view text, std::size_t at) {
  while (at < text.size() && is_json_space(text[at])) ++at;
  return at;
}

// `at` is on the opening quote; returns the index of the closing one: the next quote that
// an even number of backslashes precedes.
std::size_t string_end(std::string_view text, std::size_t at) {
  while (true) {
    const void* quote = std::memchr(text.data() + at + 1, '"', text.size() - at - 1);
    at = static_cast<std::size_t>(static_cast<const char*>(quote) - text.data());
    std::size_t backslashes = 0;
    while (text[at - 1 - backslashes] == '\\') ++backslashes;
    if (backslashes % 2 == 0) return at;
  }
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

unsigned hex_value(std::string_view digits) {
  unsigned value = 0;
  for (char c : digits) {
    value = value * 16 + static_cast<unsigned>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
  }
  return value;
}

void append_utf8(std::string& out, unsigned code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | code >> 6);
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | code >> 12);
    out += static_cast<char>(0x80 | (code >> 6 & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | code >> 18);
    out += static_cast<char>(0x80 | (code >> 12 & 0x3F));
    out += static_cast<char>(0x80 | (code >> 6 & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
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

// Hand-written: a field name is all it is used for, names with escapes are rare, and
// simdjson unescapes only strings it parses itself.
std::string unescaped(std::string_view raw) {
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\\') {
      out += raw[i];
      continue;
    }
    char c = raw[++i];
    switch (c) {
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        unsigned code = hex_value(raw.substr(i + 1, 4));
        i += 4;
        if (code >= 0xD800 && code < 0xDC00 && i + 6 < raw.size() && raw[i + 1] == '\\' &&
            raw[i + 2] == 'u') {
          unsigned low = hex_value(raw.substr(i + 3, 4));
          if (low >= 0xDC00 && low < 0xE000) {
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
            i += 6;
          }
        }
        append_utf8(out, code);
        break;
      }
      default:  // " \ /
        out += c;
    }
  }
  return out;
}

}  // namespace mergepipe::detail
