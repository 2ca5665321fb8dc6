#pragma once

// Random records for engine tests: few distinct keys spelled several ways, timestamps with
// ties, offsets, nulls and gaps, delete markers, and strings that trip naive splitters.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace mergepipe::testing {

struct generated_record {
  std::string json;     ///< Compact, as written in NDJSON.
  std::size_t key = 0;  ///< Logical key: records with equal keys are updates of one entity.
  int time_rank = 0;    ///< Order of the timestamp's instant; 0 for null or absent.
  bool is_delete = false;
  int version = 0;  ///< Order of the "version" field's value; 0 for null or absent.
};

/// With `versions`, records also have a "version" field (a second timestamp field, read as
/// seconds), often equal between updates so that it breaks only some timestamp ties.
inline std::vector<generated_record> generate_records(std::uint64_t seed, std::size_t count,
                                                      std::size_t distinct, bool versions = false) {
  std::mt19937_64 rng(seed);
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  static const char* nasty[] = {
      "},{",           "[",       "]", "\\\"", "\\\\", "\\n", "Zo\u00eb", "\u6771\u4eac", "a,b",
      "{\\\"x\\\":1}", "\\u0041", " "};
  // The same instant in several spellings, and a few instants close together.
  static const char* instants[][3] = {
      {"\"2024-03-05T12:00:00Z\"", "\"2024-03-05T14:00:00+02:00\"", "\"2024-03-05 12:00:00\""},
      {"\"2024-03-05T12:00:00.5Z\"", "\"2024-03-05T12:00:00.500000000001Z\"",
       "\"2024-03-05t12:00:00.5z\""},
      {"\"2024-03-05T11:59:59Z\"", "\"2024-03-05T06:29:59-0530\"", "1709639999"},
      {"\"2024-03-06\"", "\"2024-03-06T00:00:00Z\"", "1709683200.0"},
      {"null", "null", "null"},
  };
  std::vector<generated_record> records;
  records.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    std::size_t k = pick(distinct);
    std::string key;
    switch (k % 3) {
      case 0: {
        static const char* spellings[] = {"", ".0", "e0", "0e-1"};
        key = std::to_string(k + 1) + spellings[pick(4)];
        break;
      }
      case 1:
        key = "\"k" + std::to_string(k) + "\"";
        break;
      default:
        key = pick(2) ? "\"\\u0041" + std::to_string(k) + "\"" : "\"A" + std::to_string(k) + "\"";
    }
    std::string json = "{\"id\":" + key;
    int time_rank = 0;
    if (pick(8) != 0) {
      static const int rank_of_row[] = {2, 3, 1, 4, 0};
      std::size_t row = pick(5);
      time_rank = rank_of_row[row];
      json += ",\"updated_at\":";
      json += instants[row][pick(3)];
    }
    bool is_delete = pick(10) == 0;
    json += std::string(",\"op\":\"") + (is_delete ? "d" : "u") + "\"";
    int version = 0;
    if (versions) {
      // Spellings of the same instant, and the two that are none.
      static const char* spellings[][2] = {
          {"null", "null"}, {"1", "1.0"}, {"2", "2e0"}, {"3", "\"1970-01-01T00:00:03Z\""}};
      std::size_t row = pick(5);
      if (row < 4) {
        version = static_cast<int>(row);
        json += ",\"version\":";
        json += spellings[row][pick(2)];
      }
    }
    json += ",\"n\":" + std::to_string(i);
    json += ",\"note\":\"";
    for (std::size_t j = pick(4); j > 0; --j) json += nasty[pick(std::size(nasty))];
    json +=
        "\",\"tags\":[1,{\"a\":[]},\"},{\"],\"nested\":{\"x\":{\"y\":[true,false,null,-0.5e-3]}}}";
    records.push_back({std::move(json), k, time_rank, is_delete, version});
  }
  return records;
}

/// Re-spaces a compact record with newlines and indentation outside strings, as a
/// pretty-printing exporter would.
inline std::string pretty(const std::string& json) {
  std::string out;
  bool in_string = false;
  int depth = 0;
  for (std::size_t i = 0; i < json.size(); ++i) {
    char c = json[i];
    out += c;
    if (in_string) {
      if (c == '\\')
        out += json[++i];
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"')
      in_string = true;
    else if (c == '{' || c == '[')
      out += "\n" + std::string(2 * ++depth, ' ');
    else if (c == ',')
      out += "\n" + std::string(2 * depth, ' ');
    else if (c == ':')
      out += ' ';
    if (i + 1 < json.size() && (json[i + 1] == '}' || json[i + 1] == ']') && !in_string) {
      out += "\n" + std::string(2 * --depth, ' ');
    }
  }
  return out;
}

}  // namespace mergepipe::testing
