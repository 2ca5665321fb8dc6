#pragma once

// The sequential reference that the engine is checked against, by the engine tests and by
// the engine fuzz target.

#include <cstddef>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "record_generator.h"

namespace mergepipe::testing {

// The result rules the reference knows.
struct reference_rules {
  bool keep_first = false;    // the smallest stamp wins
  bool keep_deletes = false;  // winning delete markers are written
  bool by_version = false;    // the "version" field breaks timestamp ties
};

// The winner per key the obvious way: one pass in input order, a std::map, no parsing at all
// (the caller tells the logical key and the rank of each timestamp).
inline std::string reference_merge(const std::vector<generated_record>& records,
                                   const reference_rules& rules = {}) {
  using stamp = std::tuple<int, int, std::size_t>;  // time rank, version rank, index
  std::map<std::size_t, stamp> winner;              // key -> stamp
  for (std::size_t i = 0; i < records.size(); ++i) {
    stamp s{records[i].time_rank, rules.by_version ? records[i].version : 0, i};
    auto [it, inserted] = winner.try_emplace(records[i].key, s);
    if (!inserted && (rules.keep_first ? s < it->second : s > it->second)) it->second = s;
  }
  std::map<std::size_t, std::size_t> winners_in_input_order;
  for (const auto& [key, s] : winner) {
    std::size_t index = std::get<2>(s);
    if (rules.keep_deletes || !records[index].is_delete) winners_in_input_order[index] = key;
  }
  std::string out;
  for (const auto& [index, key] : winners_in_input_order) out += records[index].json + "\n";
  return out;
}

}  // namespace mergepipe::testing
