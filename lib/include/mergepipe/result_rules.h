#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mergepipe/export.h"

namespace mergepipe {

/// Unit of timestamps given as JSON numbers (seconds since the Unix epoch by default).
enum class timestamp_unit { s, ms, us, ns };

/// How the winning records are ordered in the output.
enum class output_order {
  input,  ///< By their position in the input.
  key,    ///< By key: booleans < numbers < strings, numbers by value, strings by UTF-8 bytes.
};

/// Output layout of the record sinks that write JSON.
enum class output_format {
  ndjson,  ///< One record per line, each followed by `\n`; no records, no bytes.
  array,   ///< `[\n`, records joined by `,\n`, then `\n]\n`; no records, `[]\n`.
};

/// Which record of a key wins.
enum class keep_record {
  last,   ///< The one with the greatest stamp: the latest timestamp, then the last position.
  first,  ///< The one with the smallest stamp: the earliest timestamp, then the first position.
};

/// `FIELD=VALUE`: a record whose FIELD equals VALUE is a delete marker (a tombstone).
struct delete_rule {
  std::string field;  ///< A top-level field name or a JSON Pointer ("/meta/op").
  std::string value;  ///< A JSON scalar (`true`, `1`, `"d"`, `null`) or, if not one, a string.

  friend bool operator==(const delete_rule&, const delete_rule&) = default;
};

/// One rule in its text form: the command line's option name without `--`, and its value
/// as the command line spells it.
struct rule_text {
  std::string name;
  std::string value;

  friend bool operator==(const rule_text&, const rule_text&) = default;
};

/// The options that change the result: which records are updates of one entity, which of
/// them wins, and how the winners are written. Defined once here; the command line, the
/// saved partial merges and the distributed jobs carry exactly these, in the text form that
/// `to_text` and `set` share. (Threads, chunk size, layout and the like never change the
/// result: they are `run_settings`.)
struct MERGEPIPE_API result_rules {
  /// Key parts: field names or JSON Pointers. Several parts make a composite key.
  std::vector<std::string> key = {"id"};
  /// Timestamp fields (names or JSON Pointers), compared in turn; none means "the record's
  /// position alone decides".
  std::vector<std::string> timestamp_fields = {"updated_at"};
  /// Unit of numeric timestamps.
  timestamp_unit ts_unit = timestamp_unit::s;
  /// `strptime`-style format for string timestamps (`%Y %m %d %H %M %S %f %z %%`); empty: ISO 8601.
  std::string timestamp_format;
  /// Delete-marker rules; a record matching any of them is a tombstone.
  std::vector<delete_rule> delete_rules;
  /// Whether the last or the first record of a key (by stamp) wins.
  keep_record keep = keep_record::last;
  /// Write a winning delete marker instead of leaving its key out.
  bool keep_deletes = false;
  /// Partial updates: a key's output is one object of the fields of its records after its
  /// latest delete marker, each with its latest value (contract 1.7). Not with
  /// `keep_record::first`.
  bool merge_fields = false;
  /// Order of the output records.
  output_order order = output_order::input;
  /// Layout of the output when it is JSON text.
  output_format format = output_format::ndjson;

  /// Throws `mergepipe::error` (usage) saying what is wrong when a rule is invalid (an empty
  /// key part, a malformed JSON Pointer or timestamp format, `merge_fields` with
  /// `keep_record::first`).
  void validate() const;

  /// The same for every machine and version when the rules that decide keys, timestamps and
  /// tombstones are the same: partial merges of different processes combine only then.
  [[nodiscard]] std::uint64_t fingerprint() const;

  /// The rules in the order `key`, `ts`, `ts-unit`, `ts-format`, `delete-when` (once per
  /// rule), `keep`, `keep-deletes` and `merge-fields` (`true` or `false`), `order`,
  /// `format`; `set` reads each back.
  [[nodiscard]] std::vector<rule_text> to_text() const;

  /// Sets the rule `name` (as in `to_text`) from its text; `delete-when` adds a rule. Throws
  /// `mergepipe::error` (usage) with one plain sentence for an unknown name or a bad value.
  void set(std::string_view name, std::string_view value);

  friend bool operator==(const result_rules&, const result_rules&) = default;
};

/// How the command line offers one rule: `--name VALUE`.
struct rule_option {
  std::string name;         ///< As in `result_rules::to_text`, without `--`.
  std::string value_name;   ///< The value as `--help` shows it: `ndjson|array`, `FIELD=VALUE`.
  std::string help;         ///< One line, with the default.
  bool repeatable = false;  ///< Each use adds one more rule (`delete-when`).
  bool flag = false;        ///< Takes no value: given means `true` (`keep-deletes`).
};

/// Every rule, in the order of `result_rules::to_text`: what a command line offers, each read
/// with `result_rules::set`.
MERGEPIPE_API const std::vector<rule_option>& rule_options();

/// The names of the values, as the command line spells them.
MERGEPIPE_API std::string_view to_string(timestamp_unit unit) noexcept;
MERGEPIPE_API std::string_view to_string(keep_record keep) noexcept;
MERGEPIPE_API std::string_view to_string(output_order order) noexcept;
MERGEPIPE_API std::string_view to_string(output_format format) noexcept;

/// Parses `FIELD=VALUE`; throws `mergepipe::error` (usage) when there is no `=`.
MERGEPIPE_API delete_rule parse_delete_rule(const std::string& text);

/// Splits `a,b,/c/d` into key parts; throws `mergepipe::error` (usage) on an empty part.
MERGEPIPE_API std::vector<std::string> parse_key_list(const std::string& text);

/// Splits `updated_at,version` into timestamp fields; "" is none. Throws `mergepipe::error`
/// (usage) on an empty field among others.
MERGEPIPE_API std::vector<std::string> parse_timestamp_list(const std::string& text);

}  // namespace mergepipe
