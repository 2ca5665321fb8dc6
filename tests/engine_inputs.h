#pragma once

// Inputs for engine tests in each layout an exporter writes, and a merge run that collects
// its output and rejects in memory.

#include <string>
#include <vector>

#include "mergepipe/mergepipe.h"
#include "record_generator.h"

namespace mergepipe::testing {

/// How records are laid out in a file.
enum class input_layout { ndjson, array_compact, array_lines, array_pretty };

inline std::string serialize(const std::vector<generated_record>& records, std::size_t from,
                             std::size_t to, input_layout how) {
  std::string text = how == input_layout::ndjson ? "" : "[";
  for (std::size_t i = from; i < to; ++i) {
    switch (how) {
      case input_layout::ndjson:
        text += records[i].json + "\n";
        break;
      case input_layout::array_compact:
        text += (i > from ? "," : "") + records[i].json;
        break;
      case input_layout::array_lines:
        text += (i > from ? ",\n" : "\n") + records[i].json;
        break;
      case input_layout::array_pretty:
        text += (i > from ? ",\n  " : "\n  ") + mergepipe::testing::pretty(records[i].json);
        break;
    }
  }
  if (how != input_layout::ndjson) text += "\n]\n";
  return text;
}

inline std::string run_merge(mergepipe::options opts) {
  std::string out;
  mergepipe::callback_sink sink([&](std::string_view record) {
    out.append(record);
    out += '\n';
  });
  mergepipe::merge(opts, sink);
  return out;
}

// Collects rejects in memory.
struct collected_rejects : mergepipe::reject_sink {
  std::vector<std::string> lines;
  void write(const mergepipe::rejected_record& r) override {
    lines.push_back(mergepipe::reject_to_json(r));
  }
};

}  // namespace mergepipe::testing
