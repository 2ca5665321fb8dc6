#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mergepipe/export.h"
#include "mergepipe/pipeline_layout.h"

namespace spdlog {
class logger;
}

namespace mergepipe {

/// Unit of timestamps given as JSON numbers (seconds since the Unix epoch by default).
enum class timestamp_unit { s, ms, us, ns };

/// What to do with a bad record.
enum class error_policy {
  fail,  ///< Stop at the first bad record in input order and throw `mergepipe::error`.
  skip,  ///< Count it, pass it to the reject sink and go on.
};

/// How the winning records are ordered in the output.
enum class output_order {
  input,  ///< By their position in the input.
  key,    ///< By key: booleans < numbers < strings, numbers by value, strings by UTF-8 bytes.
};

/// `FIELD=VALUE`: a record whose FIELD equals VALUE is a delete marker (a tombstone).
struct delete_rule {
  std::string field;  ///< A top-level field name or a JSON Pointer ("/meta/op").
  std::string
      value;  ///< A JSON scalar (`true`, `1`, `"d"`, `null`) or, if not one, a plain string.
};

/// Progress of a running merge, for a progress line.
struct progress {
  std::uint64_t bytes_done = 0;   ///< Bytes of input cut into chunks so far.
  std::uint64_t bytes_total = 0;  ///< Total size of the inputs, 0 when unknown (standard input).
  double seconds = 0;             ///< Time since the merge started.
};

/// Everything that decides what a merge computes and how it runs.
/// Only `inputs`, `key`, `timestamp_field`, `ts_unit`, `timestamp_format`, `delete_rules`
/// and `order` change the result; the rest changes only speed and reporting.
struct options {
  /// Input files in order; "-" is standard input. Empty means standard input.
  std::vector<std::string> inputs;
  /// Key parts: field names or JSON Pointers. Several parts make a composite key.
  std::vector<std::string> key = {"id"};
  /// Timestamp field name or JSON Pointer; empty means "last record in input order wins".
  std::string timestamp_field = "updated_at";
  /// Unit of numeric timestamps.
  timestamp_unit ts_unit = timestamp_unit::s;
  /// `strptime`-style format for string timestamps (`%Y %m %d %H %M %S %f %z %%`); empty: ISO 8601.
  std::string timestamp_format;
  /// Delete-marker rules; a record matching any of them is a tombstone.
  std::vector<delete_rule> delete_rules;
  /// Order of the output records.
  output_order order = output_order::input;
  /// What a bad record does.
  error_policy on_error = error_policy::fail;

  /// Worker threads; 0 means all cores.
  unsigned threads = 0;
  /// Target chunk size in bytes; a record larger than this still works (its chunk grows).
  std::size_t chunk_size = std::size_t{1} << 20;
  /// Live tokens (chunks in flight) in the pipeline; 0 means 4 per thread.
  unsigned tokens = 0;
  /// How the steps are grouped into pipeline filters (`read+cut|parse+stamp|order|merge`).
  pipeline_layout layout;

  /// Where the library logs; nothing is logged when null.
  std::shared_ptr<spdlog::logger> logger;
  /// Called from the reading thread about every `progress_interval_seconds`, if set.
  std::function<void(const progress&)> on_progress;
  /// Seconds between two progress calls.
  double progress_interval_seconds = 0.5;
};

/// Parses `FIELD=VALUE`; throws `mergepipe::error` (usage) when there is no `=`.
MERGEPIPE_API delete_rule parse_delete_rule(const std::string& text);

/// Parses a size such as `65536`, `64K`, `8M` or `1G`; throws `mergepipe::error` (usage) otherwise.
MERGEPIPE_API std::size_t parse_size(const std::string& text);

/// Splits `a,b,/c/d` into key parts; throws `mergepipe::error` (usage) on an empty part.
MERGEPIPE_API std::vector<std::string> parse_key_list(const std::string& text);

}  // namespace mergepipe
