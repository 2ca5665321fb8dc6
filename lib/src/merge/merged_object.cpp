#include "merge/merged_object.h"

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <tuple>
#include <vector>

#include "json_grammar.h"
#include "parse/record_fields.h"

// A state's bytes, integers little-endian (partial files carry states as they are):
//
//   u32 stamp size S
//   u8  has a delete marker; if so: S bytes of its stamp, u32 size and the marker's text
//   u32 field count, then per field, in the order the key first had them:
//     S bytes of the first stamp that held the field, u32 its place in that record
//     u8  has a value (else a delete marker hid it); if so:
//         S bytes of the value's stamp
//     u32 size and the name, unescaped (fields are told apart by it)
//     if it has a value: u32 size and the name as the value's record spelt it (without
//         quotes), or 0xFFFFFFFF when that is the unescaped name; u32 size and the value's text
//
// Hidden fields keep their first place: a field that comes back after a delete marker takes
// the place the key first gave it, whatever order the records were merged in.

namespace mergepipe::detail {
namespace {

constexpr std::uint32_t same_spelling = 0xFFFFFFFF;

struct field_entry {
  std::string_view first;  // stamp bytes
  std::uint32_t place = 0;
  std::string_view value_stamp;  // empty: hidden
  std::string_view name;
  std::string_view spelling;
  std::string_view value;
};

struct state {
  std::uint32_t stamp_size = 0;
  std::string_view marker_stamp;  // empty: no delete marker
  std::string_view marker;
  std::vector<field_entry> fields;
};

bool before(const field_entry& a, const field_entry& b) noexcept {
  int order = a.first.compare(b.first);
  return order < 0 || (order == 0 && a.place < b.place);
}

// --- bytes ---

void put_u32(std::string& out, std::uint32_t value) {
  char bytes[4];
  std::memcpy(bytes, &value, 4);
  out.append(bytes, 4);
}

void put_sized(std::string& out, std::string_view text) {
  put_u32(out, static_cast<std::uint32_t>(text.size()));
  out.append(text);
}

class reader {
 public:
  explicit reader(std::string_view bytes) : rest_(bytes) {}
  std::uint32_t u32() {
    std::uint32_t value = 0;
    std::memcpy(&value, rest_.data(), 4);
    rest_.remove_prefix(4);
    return value;
  }
  std::uint8_t u8() {
    auto value = static_cast<std::uint8_t>(rest_[0]);
    rest_.remove_prefix(1);
    return value;
  }
  std::string_view bytes(std::size_t n) {
    std::string_view taken = rest_.substr(0, n);
    rest_.remove_prefix(n);
    return taken;
  }
  std::string_view sized() { return bytes(u32()); }

 private:
  std::string_view rest_;
};

state read_state(std::string_view bytes) {
  state into;
  reader in(bytes);
  into.stamp_size = in.u32();
  if (in.u8() != 0) {
    into.marker_stamp = in.bytes(into.stamp_size);
    into.marker = in.sized();
  }
  std::uint32_t count = in.u32();
  into.fields.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    field_entry f;
    f.first = in.bytes(into.stamp_size);
    f.place = in.u32();
    bool has_value = in.u8() != 0;
    if (has_value) f.value_stamp = in.bytes(into.stamp_size);
    f.name = in.sized();
    if (has_value) {
      std::uint32_t spelling = in.u32();
      f.spelling = spelling == same_spelling ? f.name : in.bytes(spelling);
      f.value = in.sized();
    }
    into.fields.push_back(f);
  }
  return into;
}

void write_state(const state& s, std::string& out) {
  put_u32(out, s.stamp_size);
  out += static_cast<char>(s.marker_stamp.empty() ? 0 : 1);
  if (!s.marker_stamp.empty()) {
    out.append(s.marker_stamp);
    put_sized(out, s.marker);
  }
  put_u32(out, static_cast<std::uint32_t>(s.fields.size()));
  for (const field_entry& f : s.fields) {
    out.append(f.first);
    put_u32(out, f.place);
    out += static_cast<char>(f.value_stamp.empty() ? 0 : 1);
    if (!f.value_stamp.empty()) out.append(f.value_stamp);
    put_sized(out, f.name);
    if (!f.value_stamp.empty()) {
      if (f.spelling == f.name) {
        put_u32(out, same_spelling);
      } else {
        put_sized(out, f.spelling);
      }
      put_sized(out, f.value);
    }
  }
}

// --- a record's fields ---

std::size_t skip_space(std::string_view text, std::size_t at) {
  while (at < text.size() && is_json_space(text[at])) ++at;
  return at;
}

// `at` is on the opening quote; returns the index of the closing one.
std::size_t string_end(std::string_view text, std::size_t at) {
  for (++at; text[at] != '"'; ++at) {
    if (text[at] == '\\') ++at;
  }
  return at;
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

// A validated JSON string's content, unescaped. Hand-written because a field name is all it
// is used for, and names with escapes are rare: simdjson unescapes only what it parses.
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

// The state of one record, whose text and names must outlive it; unescaped names are kept in
// `names`.
state record_state(std::string_view record, std::string_view stamp, bool is_delete,
                   std::deque<std::string>& names) {
  state s;
  s.stamp_size = static_cast<std::uint32_t>(stamp.size());
  if (is_delete) {
    s.marker_stamp = stamp;
    s.marker = record;
    return s;
  }
  thread_local absl::flat_hash_map<std::string_view, std::size_t> index;
  index.clear();
  std::size_t at = skip_space(record, 1);  // past '{'
  std::uint32_t place = 0;
  while (record[at] == '"') {
    std::size_t close = string_end(record, at);
    std::string_view spelling = record.substr(at + 1, close - at - 1);
    std::string_view name = spelling;
    if (spelling.find('\\') != std::string_view::npos)
      name = names.emplace_back(unescaped(spelling));
    at = skip_space(record, skip_space(record, close + 1) + 1);  // past ':'
    std::size_t end = value_end(record, at);
    std::string_view value = record.substr(at, end - at);
    // Of a name given twice, the later value counts, at the earlier place.
    auto [it, inserted] = index.emplace(name, s.fields.size());
    if (inserted) {
      s.fields.push_back({stamp, place++, stamp, name, spelling, value});
    } else {
      s.fields[it->second].spelling = spelling;
      s.fields[it->second].value = value;
    }
    at = skip_space(record, end);
    if (record[at] == ',') at = skip_space(record, at + 1);
  }
  return s;
}

// `a` and `b` merged: the later marker, and per field the first place and the later value,
// hidden when a marker is later still.
state merged(const state& a, const state& b) {
  state out;
  out.stamp_size = a.stamp_size;
  const state& later_marker = a.marker_stamp.compare(b.marker_stamp) >= 0 ? a : b;
  out.marker_stamp = later_marker.marker_stamp;
  out.marker = later_marker.marker;

  thread_local absl::flat_hash_map<std::string_view, std::size_t> index;
  index.clear();
  out.fields = a.fields;
  for (std::size_t i = 0; i < out.fields.size(); ++i) index.emplace(out.fields[i].name, i);
  for (const field_entry& f : b.fields) {
    auto [it, inserted] = index.emplace(f.name, out.fields.size());
    if (inserted) {
      out.fields.push_back(f);
      continue;
    }
    field_entry& held = out.fields[it->second];
    if (before(f, held)) {
      held.first = f.first;
      held.place = f.place;
    }
    if (f.value_stamp.compare(held.value_stamp) > 0) {
      held.value_stamp = f.value_stamp;
      held.spelling = f.spelling;
      held.value = f.value;
    }
  }
  if (!out.marker_stamp.empty()) {
    for (field_entry& f : out.fields) {
      if (!f.value_stamp.empty() && f.value_stamp.compare(out.marker_stamp) < 0) {
        f.value_stamp = {};
        f.spelling = {};
        f.value = {};
      }
    }
  }
  std::sort(out.fields.begin(), out.fields.end(), before);
  return out;
}

}  // namespace

void append_stamp_bytes(std::string& out, const order_stamp& stamp, const char* tail,
                        std::size_t tail_size) {
  append_further_stamp(out, stamp.has_timestamp, stamp.ts);
  if (tail_size != 0) out.append(tail, tail_size);
  char position[12];
  std::uint32_t file = __builtin_bswap32(stamp.file);
  std::uint64_t offset = __builtin_bswap64(stamp.offset);
  std::memcpy(position, &file, 4);
  std::memcpy(position + 4, &offset, 8);
  out.append(position, sizeof position);
}

void merge_record_into_state(std::string_view held, std::string_view record, std::string_view stamp,
                             bool is_delete, std::string& out) {
  thread_local std::deque<std::string> names;
  names.clear();
  state mine = record_state(record, stamp, is_delete, names);
  if (held.empty()) {
    write_state(mine, out);
    return;
  }
  write_state(merged(read_state(held), mine), out);
}

void merge_states(std::string_view a, std::string_view b, std::string& out) {
  write_state(merged(read_state(a), read_state(b)), out);
}

void render_state(std::string_view bytes, std::string& out) {
  state s = read_state(bytes);
  out += '{';
  bool first = true;
  for (const field_entry& f : s.fields) {
    if (f.value_stamp.empty()) continue;
    if (!first) out += ',';
    first = false;
    out += '"';
    out.append(f.spelling);
    out += "\":";
    out.append(f.value);
  }
  out += '}';
}

std::string_view latest_delete_of(std::string_view bytes) { return read_state(bytes).marker; }

}  // namespace mergepipe::detail
