#include "keys.h"

#include <fmt/format.h>

#include <algorithm>

#include "mergepipe/error.h"

namespace mergepipe::cluster {

void check_job_name(const std::string& name, const char* what) {
  auto allowed = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  };
  if (name.empty() || name.size() > 100 || !std::all_of(name.begin(), name.end(), allowed) ||
      name == "." || name == "..") {
    throw error(
        errc::usage,
        fmt::format("{} '{}' must be 1 to 100 letters, digits, '.', '_' or '-'", what, name));
  }
}

}  // namespace mergepipe::cluster
