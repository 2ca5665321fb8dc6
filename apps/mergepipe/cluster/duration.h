#pragma once

#include <cstdint>
#include <string>

namespace mergepipe::cluster {

/// Seconds in a duration written as a whole number with a unit: `30s`, `90m`, `12h`, `7d`.
/// Throws `mergepipe::error` (usage) naming `option` for anything else, or for zero.
std::uint64_t parse_duration_seconds(const std::string& text, const char* option);

}  // namespace mergepipe::cluster
