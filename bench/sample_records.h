#pragma once

// Benchmark inputs copied from the records of data/users.ndjson (path in MERGEPIPE_BENCH_SAMPLE):
// Mockaroo-like users of about 300 bytes made by tools/mpgen, with nested objects, arrays,
// nulls, non-ASCII text and notes holding `},{`, brackets and escaped quotes. The sample lines
// are repeated with new ids, so the inputs have the sample's shape but as many keys as asked.

#include <simdjson.h>

#include <cstddef>
#include <fstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mergepipe::bench {

/// The lines of the sample file; empty when it cannot be read or a line does not start with
/// `{"id":<digits>`, which the caller reports with `state.SkipWithError`.
inline const std::vector<std::string>& sample_lines() {
  static const std::vector<std::string> lines = [] {
    std::vector<std::string> out;
    std::ifstream in(MERGEPIPE_BENCH_SAMPLE);
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      const std::size_t digits_end = line.find_first_not_of("0123456789", 6);
      if (!line.starts_with("{\"id\":") || digits_end == 6 || digits_end == std::string::npos) {
        return std::vector<std::string>{};
      }
      out.push_back(std::move(line));
    }
    return out;
  }();
  return lines;
}

/// Why `sample_lines()` is empty.
inline constexpr const char* sample_error =
    "cannot read records {\"id\":N,... from " MERGEPIPE_BENCH_SAMPLE;

/// Sample line `i % lines` with its id replaced by `id`.
inline std::string sample_record(std::size_t i, std::size_t id) {
  const std::vector<std::string>& lines = sample_lines();
  const std::string& line = lines[i % lines.size()];
  const std::size_t rest = line.find_first_not_of("0123456789", 6);
  return "{\"id\":" + std::to_string(id) + line.substr(rest);
}

/// Re-indents compact JSON by two spaces per level starting at `depth`, the layout of
/// `mpgen --array-style pretty` (`"name": value`, empty containers kept as `{}` and `[]`).
inline void append_pretty(std::string& out, std::string_view compact, int depth) {
  const auto newline = [&] {
    out += '\n';
    out.append(static_cast<std::size_t>(2 * depth), ' ');
  };
  bool in_string = false;
  bool escaped = false;
  for (std::size_t i = 0; i < compact.size(); ++i) {
    const char c = compact[i];
    if (in_string) {
      out += c;
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        out += c;
        break;
      case '{':
      case '[':
        out += c;
        ++depth;
        if (i + 1 < compact.size() && (compact[i + 1] == '}' || compact[i + 1] == ']')) break;
        newline();
        break;
      case '}':
      case ']':
        --depth;
        if (compact[i - 1] != '{' && compact[i - 1] != '[') newline();
        out += c;
        break;
      case ',':
        out += c;
        newline();
        break;
      case ':':
        out += ": ";
        break;
      default:
        out += c;
    }
  }
}

/// Where each record lies in a corpus.
struct record_span {
  std::size_t offset = 0;
  std::size_t size = 0;
};

/// Records back to back in one padded buffer, so that every record has at least
/// SIMDJSON_PADDING (64) readable bytes after it, as the engine's inputs do.
struct corpus {
  simdjson::padded_string text;
  std::vector<record_span> records;
};

enum class layout {
  ndjson,         ///< One record per line.
  array_compact,  ///< `[{...},{...}]` on one line.
  array_pretty,   ///< `[`, indented records, `]`, as `mpgen --array-style pretty`.
};

/// At least `min_bytes` of records (and at least one), ids cycling through 1..distinct.
inline corpus make_corpus(std::size_t min_bytes, std::size_t distinct, layout how) {
  std::string text;
  std::vector<record_span> records;
  text.reserve(min_bytes + min_bytes / 2 + 1024);
  if (how != layout::ndjson) text += '[';
  for (std::size_t i = 0; records.empty() || text.size() < min_bytes; ++i) {
    if (how != layout::ndjson && i > 0) text += ',';
    if (how == layout::array_pretty) text += "\n  ";
    const std::string record = sample_record(i, 1 + i % distinct);
    const std::size_t begin = text.size();
    if (how == layout::array_pretty) {
      append_pretty(text, record, 1);
    } else {
      text += record;
    }
    records.push_back({begin, text.size() - begin});
    if (how == layout::ndjson) text += '\n';
  }
  if (how == layout::array_compact) text += "]\n";
  if (how == layout::array_pretty) text += "\n]\n";
  return {simdjson::padded_string(text), std::move(records)};
}

}  // namespace mergepipe::bench
