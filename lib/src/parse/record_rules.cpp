#include "parse/record_rules.h"

#include <simdjson.h>

#include "mergepipe/error.h"
#include "parse/key_encoding.h"

namespace mergepipe::detail {

std::string encode_rule_value(const std::string& value) {
  std::string encoded;
  if (value == "null") {
    append_null(encoded);
  } else if (value == "true" || value == "false") {
    append_bool(encoded, value == "true");
  } else if (append_number(encoded, value)) {
    // A JSON number, compared by exact value.
  } else if (value.size() >= 2 && value.front() == '"') {
    simdjson::dom::parser parser;
    std::string_view text;
    if (parser.parse(simdjson::padded_string(value)).get_string().get(text) == simdjson::SUCCESS) {
      append_string(encoded, text);
    } else {
      append_string(encoded, value);
    }
  } else {
    append_string(encoded, value);
  }
  return encoded;
}

std::size_t record_rules::tail_size() const noexcept {
  return timestamp_slots.size() > 1 ? (timestamp_slots.size() - 1) * further_stamp_size : 0;
}

record_rules record_rules::compile(const result_rules& given) {
  if (given.key.empty()) throw error(errc::usage, "no key field given");
  record_rules rules{.selector = {},
                     .key_slots = {},
                     .key_names = given.key,
                     .timestamp_slots = {},
                     .timestamp_names = given.timestamp_fields,
                     .timestamps = timestamp_parser(given.ts_unit, given.timestamp_format),
                     .deletes = {},
                     .keep_first = given.keep == keep_record::first,
                     .merge_fields = given.merge_fields};
  if (given.merge_fields && given.keep == keep_record::first) {
    throw error(errc::usage, "--merge-fields cannot be combined with --keep first");
  }
  for (const std::string& part : given.key) {
    if (part.empty()) throw error(errc::usage, "empty key field name");
    rules.key_slots.push_back(rules.selector.add(parse_field_path(part)));
  }
  for (const std::string& field : given.timestamp_fields) {
    if (field.empty()) throw error(errc::usage, "empty timestamp field name");
    rules.timestamp_slots.push_back(rules.selector.add(parse_field_path(field)));
  }
  for (const delete_rule& rule : given.delete_rules) {
    if (rule.field.empty()) throw error(errc::usage, "delete rule with an empty field name");
    rules.deletes.push_back(
        {rules.selector.add(parse_field_path(rule.field)), encode_rule_value(rule.value)});
  }
  return rules;
}

}  // namespace mergepipe::detail
