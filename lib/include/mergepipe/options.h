#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mergepipe/export.h"
#include "mergepipe/pipeline_layout.h"
#include "mergepipe/result_rules.h"

namespace spdlog {
class logger;
}

namespace mergepipe {

/// What to do with a bad record.
enum class error_policy {
  fail,  ///< Stop at the first bad record in input order and throw `mergepipe::error`.
  skip,  ///< Count it, pass it to the reject sink and go on.
};

/// Progress of a running merge, for a progress line.
struct progress {
  std::uint64_t bytes_done = 0;   ///< Bytes of input cut into chunks so far.
  std::uint64_t bytes_total = 0;  ///< Total size of the inputs, 0 when unknown (standard input).
  double seconds = 0;             ///< Time since the merge started.
};

/// The settings that never change the result, only speed and reporting.
struct run_settings {
  /// Worker threads; 0 means all cores.
  unsigned threads = 0;
  /// Target chunk size in bytes; a record larger than this still works (its chunk grows).
  std::size_t chunk_size = std::size_t{1} << 20;
  /// Live tokens (chunks in flight) in the pipeline; 0 means 4 per thread.
  unsigned tokens = 0;
  /// How the steps are grouped into pipeline filters (`read+cut|parse+stamp|order|merge`).
  pipeline_layout layout;
  /// Bytes of the table of keys and of records that may still win held in memory for inputs
  /// read once (pipes, compressed inputs), past which the records spill to a file in
  /// `temp_dir` (the table cannot); 0 means half of the physical memory. Mapped files need no
  /// copies: their records are read back from the file.
  std::uint64_t memory_limit = 0;
  /// Where spilled records go, in an unlinked file that nothing can leave behind; empty means
  /// `$TMPDIR`, else `/tmp`.
  std::string temp_dir;
  /// Where the library logs; nothing is logged when null.
  std::shared_ptr<spdlog::logger> logger;
  /// Called about every `progress_interval_seconds`, if set, and once more at the end of each
  /// pass over inputs (`merge()`, `merger::add`) with `bytes_done == bytes_total` (the total
  /// of inputs of unknown size is known by then). Always called from the thread that called
  /// the library, which takes part in the work meanwhile, so the callback needs no lock; an
  /// exception it throws stops the merge and reaches the caller unchanged.
  std::function<void(const progress&)> on_progress;
  /// Seconds between two progress calls.
  double progress_interval_seconds = 0.5;
};

/// Everything a merge needs: its inputs, the rules that decide the result, what a bad record
/// does, and how it runs.
struct options {
  /// Input files in order; "-" is standard input. Empty means standard input.
  std::vector<std::string> inputs;
  /// What the result is: keys, timestamps, deletes, output order and format.
  result_rules rules;
  /// What a bad record does.
  error_policy on_error = error_policy::fail;
  /// Threads, chunks, layout, logging and progress.
  run_settings run;
};

/// Parses a size such as `65536`, `64K`, `8M` or `1G`; throws `mergepipe::error` (usage) otherwise.
MERGEPIPE_API std::size_t parse_size(const std::string& text);

}  // namespace mergepipe
