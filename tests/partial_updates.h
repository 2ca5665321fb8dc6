#pragma once

// Change streams of partial updates for `--merge-fields` tests: records that carry some of a
// key's fields, in any order, with a name spelt two ways and duplicated names, delete
// markers, tied timestamps and versions; and the merge they must give, computed the obvious
// way from the fields the generator chose (no parsing).

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace mergepipe::testing {

struct update_field {
  std::string name;      ///< Unescaped: how fields are told apart.
  std::string spelling;  ///< As written between the quotes.
  std::string value;     ///< Compact JSON text.
};

struct partial_update {
  std::string json;  ///< Compact, as written in NDJSON.
  std::size_t key = 0;
  int time_rank = 0;  ///< Order of `updated_at`'s instant; 0 when absent.
  int version = 0;    ///< Order of `version`; 0 when absent.
  bool is_delete = false;
  std::vector<update_field> fields;  ///< In the record's order, `id` and all.
};

inline std::vector<partial_update> generate_partial_updates(std::uint64_t seed, std::size_t count,
                                                            std::size_t distinct) {
  std::mt19937_64 rng(seed);
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  static const std::vector<std::pair<std::string, std::vector<std::string>>> pool = {
      {"name", {"\"Ada\"", "\"B\\\"ob\"", "null", "\"},{\""}},
      {"email", {"\"a@x\"", "\"b@y\"", "\"\\u00e9@z\""}},
      {"b", {"1", "2.50", "-0", "1e2", "true"}},
      {"tags", {"[]", "[1,{\"x\":\"]\"}]", "[\"a\",\"b\"]"}},
      {"address", {"{}", "{\"city\":\"Oslo\",\"zip\":[1,2]}", "{\"city\":null}"}},
      {"note", {"\"\"", "\"a,b\"", "\"\\\\\""}},
  };
  std::vector<partial_update> updates;
  for (std::size_t i = 0; i < count; ++i) {
    partial_update u;
    u.key = pick(distinct);
    u.is_delete = pick(8) == 0;
    std::vector<update_field> fields = {{"id", "id", std::to_string(u.key)}};
    if (pick(6) != 0) {
      u.time_rank = 1 + static_cast<int>(pick(5));
      fields.push_back({"updated_at", "updated_at", std::to_string(u.time_rank)});
    }
    if (pick(3) == 0) {
      u.version = 1 + static_cast<int>(pick(3));
      fields.push_back({"version", "version", std::to_string(u.version)});
    }
    if (u.is_delete) fields.push_back({"op", "op", "\"d\""});
    for (const auto& [name, values] : pool) {
      if (pick(3) != 0) continue;
      // "b" is also spelt "\u0062": the same field.
      std::string spelling = name == "b" && pick(2) == 0 ? "\\u0062" : name;
      fields.push_back({name, spelling, values[pick(values.size())]});
    }
    std::shuffle(fields.begin(), fields.end(), rng);
    if (pick(20) == 0) {  // a name given twice: the later value counts, at the earlier place
      update_field again = fields[pick(fields.size())];
      if (again.name != "id" && again.name != "updated_at" && again.name != "version" &&
          again.name != "op") {
        again.value = "\"again\"";
        fields.push_back(again);
      }
    }
    u.json = "{";
    for (std::size_t f = 0; f < fields.size(); ++f) {
      u.json += (f > 0 ? ",\"" : "\"") + fields[f].spelling + "\":" + fields[f].value;
    }
    u.json += "}";
    u.fields = std::move(fields);
    updates.push_back(std::move(u));
  }
  return updates;
}

// The merge with --merge-fields, the obvious way: each key's records sorted by stamp, the
// fields of those after the latest delete marker, each with its latest value, in the order
// the key's records (all of them, by stamp) first had them.
inline std::string reference_merge_fields(const std::vector<partial_update>& updates,
                                          bool keep_deletes, bool by_version) {
  std::map<std::size_t, std::vector<std::size_t>> by_key;
  for (std::size_t i = 0; i < updates.size(); ++i) by_key[updates[i].key].push_back(i);
  std::map<std::size_t, std::string> out_by_position;  // position of the latest record
  for (auto& [key, indices] : by_key) {
    auto stamp = [&](std::size_t i) {
      return std::tuple(updates[i].time_rank, by_version ? updates[i].version : 0, i);
    };
    std::sort(indices.begin(), indices.end(),
              [&](std::size_t a, std::size_t b) { return stamp(a) < stamp(b); });
    const partial_update& latest = updates[indices.back()];
    if (latest.is_delete) {
      if (keep_deletes) out_by_position[indices.back()] = latest.json;
      continue;
    }
    std::size_t after = 0;  // first index (in stamp order) after the latest delete marker
    for (std::size_t k = 0; k < indices.size(); ++k) {
      if (updates[indices[k]].is_delete) after = k + 1;
    }
    std::map<std::string, std::pair<std::size_t, std::size_t>> first;  // name -> (rank, place)
    std::map<std::string, const update_field*> value;
    for (std::size_t k = 0; k < indices.size(); ++k) {
      const partial_update& u = updates[indices[k]];
      if (u.is_delete) continue;
      std::map<std::string, std::size_t> places;  // a name's place among this record's names
      for (const update_field& f : u.fields) {
        std::size_t place = places.try_emplace(f.name, places.size()).first->second;
        first.try_emplace(f.name, k, place);
        if (k >= after) value[f.name] = &f;
      }
    }
    std::vector<std::pair<std::pair<std::size_t, std::size_t>, const update_field*>> ordered;
    for (const auto& [name, f] : value) ordered.push_back({first[name], f});
    std::sort(ordered.begin(), ordered.end());
    std::string json = "{";
    for (std::size_t f = 0; f < ordered.size(); ++f) {
      json +=
          (f > 0 ? ",\"" : "\"") + ordered[f].second->spelling + "\":" + ordered[f].second->value;
    }
    out_by_position[indices.back()] = json + "}";
  }
  std::string out;
  for (const auto& [position, json] : out_by_position) out += json + "\n";
  return out;
}

}  // namespace mergepipe::testing
