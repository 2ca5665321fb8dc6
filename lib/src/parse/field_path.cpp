#include "parse/field_path.h"

#include "mergepipe/error.h"

namespace mergepipe::detail {

std::vector<std::string> parse_field_path(std::string_view spec) {
  if (spec.empty() || spec.front() != '/') return {std::string(spec)};
  std::vector<std::string> tokens;
  std::string token;
  for (std::size_t i = 1; i <= spec.size(); ++i) {
    if (i == spec.size() || spec[i] == '/') {
      tokens.push_back(std::move(token));
      token.clear();
      continue;
    }
    if (spec[i] != '~') {
      token += spec[i];
      continue;
    }
    if (i + 1 < spec.size() && (spec[i + 1] == '0' || spec[i + 1] == '1')) {
      token += spec[i + 1] == '0' ? '~' : '/';
      ++i;
      continue;
    }
    throw error(errc::usage, "invalid JSON Pointer \"" + std::string(spec) +
                                 "\": '~' must be followed by 0 or 1");
  }
  return tokens;
}

int field_selector::add(const std::vector<std::string>& path) {
  int current = 0;
  for (const std::string& token : path) {
    int found = -1;
    for (int child : nodes_[current].children) {
      if (nodes_[child].token == token) found = child;
    }
    if (found < 0) {
      found = static_cast<int>(nodes_.size());
      nodes_.push_back(node{token, -1, {}, 0});
      nodes_[current].children.push_back(found);
      if (token.size() < 64) nodes_[current].child_lengths |= std::uint64_t{1} << token.size();
    }
    current = found;
  }
  if (nodes_[current].slot < 0) nodes_[current].slot = slot_count_++;
  return nodes_[current].slot;
}

}  // namespace mergepipe::detail
