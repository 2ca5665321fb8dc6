#pragma once

#include <array>
#include <optional>
#include <string_view>
#include <utility>

#include "mergepipe/options.h"
#include "mergepipe/sink.h"

namespace mergepipe::cli {

/// The words that name an option's values: the only spellings the command line accepts, and
/// the ones a distributed job's spec stores in Redis.
template <typename Enum, std::size_t N>
using value_names = std::array<std::pair<std::string_view, Enum>, N>;

inline constexpr value_names<output_format, 2> format_names = {{
    {"ndjson", output_format::ndjson},
    {"array", output_format::array},
}};
inline constexpr value_names<output_order, 2> order_names = {{
    {"input", output_order::input},
    {"key", output_order::key},
}};
inline constexpr value_names<timestamp_unit, 4> unit_names = {{
    {"s", timestamp_unit::s},
    {"ms", timestamp_unit::ms},
    {"us", timestamp_unit::us},
    {"ns", timestamp_unit::ns},
}};
inline constexpr value_names<error_policy, 2> policy_names = {{
    {"fail", error_policy::fail},
    {"skip", error_policy::skip},
}};

/// The value that `word` names, if one does.
template <typename Enum, std::size_t N>
constexpr std::optional<Enum> value_named(const value_names<Enum, N>& names,
                                          std::string_view word) {
  for (const auto& [name, value] : names) {
    if (name == word) return value;
  }
  return std::nullopt;
}

/// The word for `value`.
template <typename Enum, std::size_t N>
constexpr std::string_view name_of(const value_names<Enum, N>& names, Enum value) {
  for (const auto& [name, v] : names) {
    if (v == value) return name;
  }
  return "?";
}

}  // namespace mergepipe::cli
