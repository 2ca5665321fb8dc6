#include "mergepipe/pipeline_layout.h"

#include <fmt/format.h>

#include "mergepipe/error.h"

namespace mergepipe {
namespace {

constexpr std::string_view expected_form =
    "read, decompress (which may be left out), cut, parse, stamp, order and merge in this "
    "order, each once, with | between two filters and + joining steps, e.g. "
    "read+cut|parse+stamp|order|merge";

constexpr unsigned bit(pipeline_step step) { return 1u << static_cast<unsigned>(step); }

[[noreturn]] void refuse(std::string_view text, const std::string& what) {
  throw error(errc::usage, fmt::format("invalid pipeline layout \"{}\": {} (expected {})", text,
                                       what, expected_form));
}

std::string_view name_of(pipeline_step step) { return to_string(step); }

}  // namespace

std::string_view to_string(pipeline_step step) noexcept {
  switch (step) {
    case pipeline_step::read:
      return "read";
    case pipeline_step::decompress:
      return "decompress";
    case pipeline_step::cut:
      return "cut";
    case pipeline_step::parse:
      return "parse";
    case pipeline_step::stamp:
      return "stamp";
    case pipeline_step::order:
      return "order";
    case pipeline_step::merge:
      return "merge";
  }
  return "unknown";
}

pipeline_layout pipeline_layout::parse(std::string_view text) {
  std::uint8_t splits = 0;
  std::size_t next = 0;  // index of the step expected next
  std::size_t pos = 0;
  while (true) {
    std::size_t end = text.find_first_of("+|", pos);
    std::string_view name = text.substr(pos, end == std::string_view::npos ? end : end - pos);
    if (name.empty()) refuse(text, "a step name is missing");
    if (next == step_count) refuse(text, fmt::format("\"{}\" after merge", name));
    // Left out, decompress joins read: read's separator is the one after decompress.
    if (steps[next] == pipeline_step::decompress && name != name_of(steps[next])) {
      if (splits & bit(pipeline_step::read)) splits ^= bit(pipeline_step::read) | bit(steps[next]);
      ++next;
    }
    if (name != name_of(steps[next])) {
      bool known = false;
      for (pipeline_step step : steps) known = known || name == name_of(step);
      refuse(text, known ? fmt::format("\"{}\" where {} must come", name, name_of(steps[next]))
                         : fmt::format("unknown step \"{}\"", name));
    }
    if (end == std::string_view::npos) break;
    if (text[end] == '|') splits |= static_cast<std::uint8_t>(1u << next);
    ++next;
    pos = end + 1;
  }
  if (next + 1 != step_count) {
    pipeline_step missing = steps[next + 1];
    if (missing == pipeline_step::decompress) missing = pipeline_step::cut;
    refuse(text, fmt::format("it ends before {}", name_of(missing)));
  }
  return pipeline_layout(splits);
}

std::vector<pipeline_layout> pipeline_layout::all() {
  std::vector<pipeline_layout> layouts;
  for (unsigned splits = 0; splits < 1u << (step_count - 1); ++splits) {
    layouts.push_back(pipeline_layout(static_cast<std::uint8_t>(splits)));
  }
  return layouts;
}

std::string pipeline_layout::to_string() const {
  std::string text;
  for (pipeline_step step : steps) {
    if (step == pipeline_step::decompress && !splits_after(pipeline_step::read)) continue;
    if (step != steps.front())
      text += splits_after(steps[static_cast<std::size_t>(step) - 1]) ? '|' : '+';
    text += name_of(step);
  }
  return text;
}

std::vector<std::vector<pipeline_step>> pipeline_layout::filters() const {
  std::vector<std::vector<pipeline_step>> result(1);
  for (pipeline_step step : steps) {
    result.back().push_back(step);
    if (step != steps.back() && splits_after(step)) result.emplace_back();
  }
  return result;
}

}  // namespace mergepipe
