#include "mergepipe/result_rules.h"

#include <fmt/format.h>

#include <array>
#include <cstring>
#include <utility>

#include "mergepipe/error.h"
#include "parse/record_rules.h"
#include "stable_hash.h"

namespace mergepipe {
namespace {

// The one table of names for each value that has a text form.
template <typename Enum, std::size_t N>
using names = std::array<std::pair<std::string_view, Enum>, N>;

constexpr names<timestamp_unit, 4> unit_names = {{{"s", timestamp_unit::s},
                                                  {"ms", timestamp_unit::ms},
                                                  {"us", timestamp_unit::us},
                                                  {"ns", timestamp_unit::ns}}};
constexpr names<keep_record, 2> keep_names = {
    {{"last", keep_record::last}, {"first", keep_record::first}}};
constexpr names<bool, 2> flag_names = {{{"true", true}, {"false", false}}};
constexpr names<output_order, 2> order_names = {
    {{"input", output_order::input}, {"key", output_order::key}}};
constexpr names<output_format, 2> format_names = {
    {{"ndjson", output_format::ndjson}, {"array", output_format::array}}};

template <typename Enum, std::size_t N>
std::string_view name_in(const names<Enum, N>& table, Enum value) noexcept {
  for (const auto& [name, v] : table) {
    if (v == value) return name;
  }
  return "unknown";
}

// The names joined: "s, ms, us or ns" in a sentence, "s|ms|us|ns" in --help.
template <typename Enum, std::size_t N>
std::string joined(const names<Enum, N>& table, std::string_view between,
                   std::string_view before_last) {
  std::string text;
  for (std::size_t i = 0; i < N; ++i) {
    if (i > 0) text += i + 1 == N ? before_last : between;
    text += table[i].first;
  }
  return text;
}

template <typename Enum, std::size_t N>
Enum value_named(const names<Enum, N>& table, std::string_view option, std::string_view text) {
  for (const auto& [name, value] : table) {
    if (name == text) return value;
  }
  throw error(errc::usage, fmt::format("--{} must be {}, not \"{}\"", option,
                                       joined(table, ", ", " or "), text));
}

std::string join_fields(const std::vector<std::string>& parts) {
  std::string text;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) text += ',';
    text += parts[i];
  }
  return text;
}

std::vector<std::string> split_fields(const std::string& text, std::string_view what) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t comma = text.find(',', start);
    std::string part =
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (part.empty()) {
      throw error(errc::usage, fmt::format("invalid {} \"{}\": empty field name", what, text));
    }
    parts.push_back(std::move(part));
    if (comma == std::string::npos) return parts;
    start = comma + 1;
  }
}

}  // namespace

const std::vector<rule_option>& rule_options() {
  static const std::vector<rule_option> all = {
      {"key", "KEY",
       "Key: a field name, a JSON Pointer /a/b, or a,b for a composite key (default id)"},
      {"ts", "FIELD[,FIELD...]",
       "Timestamp fields, compared in turn (default updated_at); \"\" for input order only"},
      {"ts-unit", joined(unit_names, "|", "|"), "Unit of numeric timestamps (default s)"},
      {"ts-format", "FMT", "strptime-style format for string timestamps, e.g. %m/%d/%Y"},
      {"delete-when", "FIELD=VALUE", "Records whose FIELD is VALUE are delete markers (repeatable)",
       true},
      {"keep", joined(keep_names, "|", "|"),
       "Which record of a key wins: last (latest stamp, the default) or first"},
      {"keep-deletes", "", "Write winning delete markers instead of leaving their keys out", false,
       true},
      {"merge-fields", "",
       "Partial updates: per key, the latest value of every field since its last delete", false,
       true},
      {"order", joined(order_names, "|", "|"),
       "Output order: input (position of the winner, the default) or key"},
      {"format", joined(format_names, "|", "|"), "Output format (default ndjson)"},
  };
  return all;
}

std::string_view to_string(timestamp_unit unit) noexcept { return name_in(unit_names, unit); }
std::string_view to_string(keep_record keep) noexcept { return name_in(keep_names, keep); }
std::string_view to_string(output_order order) noexcept { return name_in(order_names, order); }
std::string_view to_string(output_format format) noexcept { return name_in(format_names, format); }

delete_rule parse_delete_rule(const std::string& text) {
  std::size_t eq = text.find('=');
  if (eq == std::string::npos) {
    throw error(errc::usage, "delete rule \"" + text + "\" must be FIELD=VALUE");
  }
  if (eq == 0) throw error(errc::usage, "delete rule \"" + text + "\" has an empty field");
  return delete_rule{text.substr(0, eq), text.substr(eq + 1)};
}

std::vector<std::string> parse_key_list(const std::string& text) {
  return split_fields(text, "key");
}

std::vector<std::string> parse_timestamp_list(const std::string& text) {
  if (text.empty()) return {};
  return split_fields(text, "timestamp fields");
}

void result_rules::validate() const { (void)detail::record_rules::compile(*this); }

std::uint64_t result_rules::fingerprint() const {
  // Every field length-prefixed, so that no two rule sets spell alike. The bytes are those
  // that partial files of earlier versions were fingerprinted with.
  std::string text;
  auto put = [&](auto value) {
    char bytes[sizeof(value)];
    std::memcpy(bytes, &value, sizeof(value));
    text.append(bytes, sizeof(value));
  };
  auto field = [&](std::string_view value) {
    put(static_cast<std::uint64_t>(value.size()));
    text.append(value);
  };
  for (const std::string& part : key) field(part);
  field(timestamp_fields.empty() ? std::string_view() : timestamp_fields[0]);
  field(timestamp_format);
  put(static_cast<std::uint8_t>(ts_unit));
  for (const delete_rule& rule : delete_rules) {
    field(rule.field);
    field(rule.value);
  }
  // Later rules, spelt only when not the default (so earlier fingerprints stay), each behind
  // a tag that no field of JSON text spells (0xFF is never in UTF-8).
  for (std::size_t i = 1; i < timestamp_fields.size(); ++i) {
    field("\xff then by");
    field(timestamp_fields[i]);
  }
  if (keep != keep_record::last) field("\xff keep first");
  if (merge_fields) field("\xff merge fields");
  return detail::fnv1a(text);
}

std::vector<rule_text> result_rules::to_text() const {
  std::vector<rule_text> text = {{"key", join_fields(key)},
                                 {"ts", join_fields(timestamp_fields)},
                                 {"ts-unit", std::string(to_string(ts_unit))},
                                 {"ts-format", timestamp_format}};
  for (const delete_rule& rule : delete_rules) {
    text.push_back({"delete-when", rule.field + "=" + rule.value});
  }
  text.push_back({"keep", std::string(to_string(keep))});
  text.push_back({"keep-deletes", std::string(name_in(flag_names, keep_deletes))});
  text.push_back({"merge-fields", std::string(name_in(flag_names, merge_fields))});
  text.push_back({"order", std::string(to_string(order))});
  text.push_back({"format", std::string(to_string(format))});
  return text;
}

void result_rules::set(std::string_view name, std::string_view value) {
  if (name == "key") {
    key = parse_key_list(std::string(value));
  } else if (name == "ts") {
    timestamp_fields = parse_timestamp_list(std::string(value));
  } else if (name == "ts-unit") {
    ts_unit = value_named(unit_names, name, value);
  } else if (name == "ts-format") {
    timestamp_format = value;
  } else if (name == "delete-when") {
    delete_rules.push_back(parse_delete_rule(std::string(value)));
  } else if (name == "keep") {
    keep = value_named(keep_names, name, value);
  } else if (name == "keep-deletes") {
    keep_deletes = value_named(flag_names, name, value);
  } else if (name == "merge-fields") {
    merge_fields = value_named(flag_names, name, value);
  } else if (name == "order") {
    order = value_named(order_names, name, value);
  } else if (name == "format") {
    format = value_named(format_names, name, value);
  } else {
    throw error(errc::usage, fmt::format("unknown rule \"{}\"", name));
  }
}

}  // namespace mergepipe
