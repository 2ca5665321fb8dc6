#include "merge/merged_object.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <utility>
#include <vector>

#include "merge/object_fields.h"
#include "parse/record_fields.h"

// A state's bytes, integers little-endian (partial files carry states as they are):
//
//   u32 stamp size S
//   u8  has a delete marker; if so: S bytes of its stamp, u32 size and the marker's text
//   u32 stamp count K, then K stamps of S bytes: those the fields refer to, each once (the
//       fields of one record share its stamp, so K is small)
//   u32 field count, then per field, in the order the key first had them:
//     u32 index of the first stamp that held the field, u32 its place in that record
//     u32 index of the value's stamp, or 0xFFFFFFFF when a delete marker hid the value
//     u32 size and the name, unescaped (fields are told apart by it)
//     if it has a value: u32 size and the name as the value's record spelt it (without
//         quotes), or 0xFFFFFFFF when that is the unescaped name; u32 size and the value's text
//
// Hidden fields keep their first place: a field that comes back after a delete marker takes
// the place the key first gave it, whatever order the records were merged in.

namespace mergepipe::detail {
namespace {

constexpr std::uint32_t same_spelling = 0xFFFFFFFF;
constexpr std::uint32_t no_value = 0xFFFFFFFF;
constexpr std::size_t position_size = 12;  // a stamp's input index and offset, big-endian

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
  std::vector<std::string_view> stamps;  // read_state's table, write_state's too
  std::vector<std::pair<std::uint32_t, std::uint32_t>> refs;  // write_state's, per field
};

bool before(const field_entry& a, const field_entry& b) noexcept {
  int order = a.first.compare(b.first);
  return order < 0 || (order == 0 && a.place < b.place);
}

// --- bytes ---

// Reads a state's fields. Unchecked: states are the merge's own, and those of partial files
// are checked once when loaded (`is_state`).
class reader {
 public:
  explicit reader(std::string_view bytes) : at_(bytes.data()) {}
  std::uint32_t u32() {
    std::uint32_t value = 0;
    std::memcpy(&value, at_, 4);
    at_ += 4;
    return value;
  }
  std::uint8_t u8() { return static_cast<std::uint8_t>(*at_++); }
  std::string_view bytes(std::size_t n) {
    std::string_view taken(at_, n);
    at_ += n;
    return taken;
  }
  std::string_view sized() { return bytes(u32()); }

 private:
  const char* at_;
};

// Writes a state into room that `write_state` measured.
class writer {
 public:
  explicit writer(char* at) : at_(at) {}
  void u32(std::uint32_t value) {
    std::memcpy(at_, &value, 4);
    at_ += 4;
  }
  void u8(std::uint8_t value) { *at_++ = static_cast<char>(value); }
  void bytes(std::string_view text) {
    std::memcpy(at_, text.data(), text.size());
    at_ += text.size();
  }
  void sized(std::string_view text) {
    u32(static_cast<std::uint32_t>(text.size()));
    bytes(text);
  }

 private:
  char* at_;
};

// Scratch states are reused per thread: a merge reads, merges and writes one per record.
void read_state(std::string_view bytes, state& into) {
  reader in(bytes);
  into.marker_stamp = {};
  into.marker = {};
  into.stamp_size = in.u32();
  if (in.u8() != 0) {
    into.marker_stamp = in.bytes(into.stamp_size);
    into.marker = in.sized();
  }
  into.stamps.clear();
  for (std::uint32_t k = 0, count = in.u32(); k < count; ++k) {
    into.stamps.push_back(in.bytes(into.stamp_size));
  }
  std::uint32_t count = in.u32();
  into.fields.clear();
  into.fields.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    field_entry f;
    f.first = into.stamps[in.u32()];
    f.place = in.u32();
    std::uint32_t value_stamp = in.u32();
    f.name = in.sized();
    if (value_stamp != no_value) {
      f.value_stamp = into.stamps[value_stamp];
      std::uint32_t spelling = in.u32();
      f.spelling = spelling == same_spelling ? f.name : in.bytes(spelling);
      f.value = in.sized();
    }
    into.fields.push_back(f);
  }
}

// Where `name` is among `fields`, looking from `hint` on first: records of a key mostly
// repeat its fields in the same order, so the next field is usually the next one held.
std::size_t find_field(const std::vector<field_entry>& fields, std::string_view name,
                       std::size_t hint) {
  const std::size_t n = fields.size();
  for (std::size_t k = 0; k < n; ++k) {
    std::size_t i = hint + k < n ? hint + k : hint + k - n;
    if (fields[i].name == name) return i;
  }
  return n;
}

// The index of `stamp` in `table`, added when it is new.
std::uint32_t stamp_index(std::vector<std::string_view>& table, std::string_view stamp) {
  for (std::size_t k = 0; k < table.size(); ++k) {
    if (table[k].data() == stamp.data() || table[k] == stamp) return static_cast<std::uint32_t>(k);
  }
  table.push_back(stamp);
  return static_cast<std::uint32_t>(table.size() - 1);
}

// Writes `s`, whose `stamps` and `refs` it fills.
void write_state(state& s, std::string& out) {
  s.stamps.clear();
  s.refs.clear();
  std::size_t size = 4 + 1 + 4 + 4;
  if (!s.marker_stamp.empty()) size += s.stamp_size + 4 + s.marker.size();
  for (const field_entry& f : s.fields) {
    s.refs.emplace_back(stamp_index(s.stamps, f.first),
                        f.value_stamp.empty() ? no_value : stamp_index(s.stamps, f.value_stamp));
    size += 4 + 4 + 4 + 4 + f.name.size();
    if (!f.value_stamp.empty()) {
      size += 4 + (f.spelling == f.name ? 0 : f.spelling.size()) + 4 + f.value.size();
    }
  }
  size += s.stamps.size() * s.stamp_size;

  const std::size_t start = out.size();
  out.resize(start + size);
  writer to(out.data() + start);
  to.u32(s.stamp_size);
  to.u8(s.marker_stamp.empty() ? 0 : 1);
  if (!s.marker_stamp.empty()) {
    to.bytes(s.marker_stamp);
    to.sized(s.marker);
  }
  to.u32(static_cast<std::uint32_t>(s.stamps.size()));
  for (std::string_view stamp : s.stamps) to.bytes(stamp);
  to.u32(static_cast<std::uint32_t>(s.fields.size()));
  for (std::size_t i = 0; i < s.fields.size(); ++i) {
    const field_entry& f = s.fields[i];
    to.u32(s.refs[i].first);
    to.u32(f.place);
    to.u32(s.refs[i].second);
    to.sized(f.name);
    if (!f.value_stamp.empty()) {
      if (f.spelling == f.name) {
        to.u32(same_spelling);
      } else {
        to.sized(f.spelling);
      }
      to.sized(f.value);
    }
  }
}

// The state of one record, whose text and names must outlive it; unescaped names are kept in
// `names`.
void record_state(std::string_view record, std::string_view stamp, bool is_delete,
                  std::deque<std::string>& names, state& s) {
  s.stamp_size = static_cast<std::uint32_t>(stamp.size());
  s.fields.clear();
  s.marker_stamp = {};
  s.marker = {};
  if (is_delete) {
    s.marker_stamp = stamp;
    s.marker = record;
    return;
  }
  std::uint64_t seen = 0;  // a bit per name length and first byte: most names are new
  object_fields fields(record);
  std::uint32_t place = 0;
  for (object_field field; fields.next(field);) {
    std::string_view name = field.spelling;
    if (name.find('\\') != std::string_view::npos) name = names.emplace_back(unescaped(name));
    // Of a name given twice, the later value counts, at the earlier place.
    std::uint64_t bit = std::uint64_t{1}
                        << ((name.size() * 31 +
                             (name.empty() ? 0 : static_cast<unsigned char>(name[0]))) %
                            64);
    std::size_t same = (seen & bit) != 0 ? find_field(s.fields, name, 0) : s.fields.size();
    seen |= bit;
    if (same == s.fields.size()) {
      s.fields.push_back({stamp, place++, stamp, name, field.spelling, field.value});
    } else {
      s.fields[same].spelling = field.spelling;
      s.fields[same].value = field.value;
    }
  }
}

// `a` and `b` merged: the later marker, and per field the first place and the later value,
// hidden when a marker is later still.
void merge(const state& a, const state& b, state& out) {
  out.stamp_size = a.stamp_size;
  const state& later_marker = a.marker_stamp.compare(b.marker_stamp) >= 0 ? a : b;
  out.marker_stamp = later_marker.marker_stamp;
  out.marker = later_marker.marker;

  out.fields.assign(a.fields.begin(), a.fields.end());
  std::size_t hint = 0;
  for (const field_entry& f : b.fields) {
    std::size_t i = find_field(out.fields, f.name, hint);
    if (i == out.fields.size()) {
      out.fields.push_back(f);
      continue;
    }
    hint = i + 1;
    field_entry& held = out.fields[i];
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
  if (!std::is_sorted(out.fields.begin(), out.fields.end(), before)) {
    std::sort(out.fields.begin(), out.fields.end(), before);
  }
}

struct scratch {
  state held, other, mine, out;
  std::deque<std::string> names;  // unescaped names of the record being merged
};

scratch& local_scratch() {
  thread_local scratch s;
  return s;
}

}  // namespace

void append_stamp_bytes(std::string& out, const order_stamp& stamp, const char* tail,
                        std::size_t tail_size) {
  append_further_stamp(out, stamp.has_timestamp, stamp.ts);
  if (tail_size != 0) out.append(tail, tail_size);
  char position[position_size];
  std::uint32_t file = __builtin_bswap32(stamp.file);
  std::uint64_t offset = __builtin_bswap64(stamp.offset);
  std::memcpy(position, &file, 4);
  std::memcpy(position + 4, &offset, 8);
  out.append(position, sizeof position);
}

void merge_record_into_state(std::string_view held, std::string_view record, std::string_view stamp,
                             bool is_delete, std::string& out) {
  scratch& s = local_scratch();
  s.names.clear();
  record_state(record, stamp, is_delete, s.names, s.mine);
  if (held.empty()) {
    write_state(s.mine, out);
    return;
  }
  read_state(held, s.held);
  merge(s.held, s.mine, s.out);
  write_state(s.out, out);
}

void merge_states(std::string_view a, std::string_view b, std::string& out) {
  scratch& s = local_scratch();
  read_state(a, s.held);
  read_state(b, s.other);
  merge(s.held, s.other, s.out);
  write_state(s.out, out);
}

void render_state(std::string_view bytes, std::string& out) {
  state& s = local_scratch().held;
  read_state(bytes, s);
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

bool is_state(std::string_view bytes, std::size_t stamp_size) {
  // The layout above, walked with every length checked against what is left.
  std::size_t left = bytes.size();
  const char* at = bytes.data();
  auto take = [&](std::size_t n) {
    if (n > left) return false;
    at += n;
    left -= n;
    return true;
  };
  auto u32 = [&](std::uint32_t& value) {
    if (left < 4) return false;
    std::memcpy(&value, at, 4);
    return take(4);
  };
  auto u8 = [&](std::uint8_t& value) {
    if (left < 1) return false;
    value = static_cast<std::uint8_t>(*at);
    return take(1);
  };
  auto sized = [&] {
    std::uint32_t size = 0;
    return u32(size) && take(size);
  };
  std::uint32_t size = 0;
  std::uint8_t flag = 0;
  if (!u32(size) || size != stamp_size || !u8(flag) || flag > 1) return false;
  if (flag == 1 && !(take(stamp_size) && sized())) return false;
  std::uint32_t stamps = 0;
  if (!u32(stamps) || stamps > left / std::max<std::size_t>(stamp_size, 1) ||
      !take(std::size_t{stamps} * stamp_size)) {
    return false;
  }
  std::uint32_t count = 0;
  if (!u32(count)) return false;
  for (std::uint32_t i = 0; i < count; ++i) {
    std::uint32_t first = 0;
    std::uint32_t place = 0;
    std::uint32_t value = 0;
    if (!u32(first) || first >= stamps || !u32(place) || !u32(value) ||
        (value != no_value && value >= stamps) || !sized()) {
      return false;
    }
    if (value != no_value) {
      std::uint32_t spelling = 0;
      if (!u32(spelling) || (spelling != same_spelling && !take(spelling)) || !sized()) {
        return false;
      }
    }
  }
  return left == 0;
}

std::size_t stamp_bytes_size(std::size_t tail_size) {
  return further_stamp_size + tail_size + position_size;
}

std::string_view latest_delete_of(std::string_view bytes) {
  state& s = local_scratch().held;
  read_state(bytes, s);
  return s.marker;
}

}  // namespace mergepipe::detail
