#include "parse/stamp_step.h"

#include <algorithm>
#include <string>
#include <vector>

namespace mergepipe::detail {

void stamp_chunk(chunk& c, record_stamper& stamper) {
  const std::size_t slots = stamper.slot_count();
  std::vector<captured_field> fields(slots);
  std::string reason;
  std::size_t parse_bad = c.bad.size();
  std::size_t stamped = 0;
  for (std::size_t i = 0; i < c.records.size(); ++i) {
    for (std::size_t s = 0; s < slots; ++s) {
      const kept_field& kept = c.kept[i * slots + s];
      fields[s] = {kept.present, kept.type,
                   std::string_view(c.kept_text).substr(kept.text_begin, kept.text_size),
                   kept.boolean};
    }
    parsed_record record = c.records[i];
    record.key_begin = c.keys.size();
    if (!stamper.stamp(fields, c.keys, record.fields, reason)) [[unlikely]] {
      c.bad.push_back({record.offset, record.size, reason});
      continue;
    }
    record.key_size = c.keys.size() - record.key_begin;
    if (!stamper.tail().empty()) c.tails.append(stamper.tail());
    c.records[stamped++] = record;
  }
  c.records.resize(stamped);
  // The parse step's bad records and these are each in input order: so is their merge.
  auto by_offset = [](const bad_record& a, const bad_record& b) { return a.offset < b.offset; };
  std::inplace_merge(c.bad.begin(), c.bad.begin() + static_cast<std::ptrdiff_t>(parse_bad),
                     c.bad.end(), by_offset);
}

}  // namespace mergepipe::detail
