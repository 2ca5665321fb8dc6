#pragma once

// The sequential reference that the engine is checked against, by the engine tests and by
// the engine fuzz target.

#include <cstddef>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "record_generator.h"

namespace mergepipe::testing {

// Last-writer-wins the obvious way: one pass in input order, a std::map, no parsing at all
// (the caller tells the logical key and the rank of each timestamp).
inline std::string reference_merge(const std::vector<generated_record>& records) {
  std::map<std::size_t, std::pair<int, std::size_t>> latest;  // key -> (time rank, index)
  for (std::size_t i = 0; i < records.size(); ++i) {
    auto [it, inserted] = latest.try_emplace(records[i].key, records[i].time_rank, i);
    if (!inserted && std::pair(records[i].time_rank, i) > it->second)
      it->second = {records[i].time_rank, i};
  }
  std::map<std::size_t, std::size_t> winners_in_input_order;
  for (const auto& [key, stamp] : latest) {
    if (!records[stamp.second].is_delete) winners_in_input_order[stamp.second] = key;
  }
  std::string out;
  for (const auto& [index, key] : winners_in_input_order) out += records[index].json + "\n";
  return out;
}

}  // namespace mergepipe::testing
