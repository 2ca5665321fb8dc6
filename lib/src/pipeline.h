#pragma once

#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/task_arena.h>

#include <memory>
#include <optional>
#include <vector>

#include "read/input_source.h"
#include "merge/merge_table.h"
#include "mergepipe/options.h"
#include "mergepipe/report.h"
#include "mergepipe/sink.h"
#include "mergepipe/source.h"
#include "parse/record_rules.h"
#include "parse/record_scanner.h"

namespace mergepipe::detail {

/// An opened input (or the piece [begin, end) of it) and where its records stand in the
/// order of all inputs.
struct placed_source {
  std::unique_ptr<input_source> source;
  position at;
  std::uint64_t begin = 0;
  std::uint64_t end = UINT64_MAX;
};

/// What a merge keeps between passes: its options, compiled rules, thread count and one
/// record scanner per thread.
class merge_context {
 public:
  explicit merge_context(options opts);

  [[nodiscard]] const options& opts() const noexcept { return opts_; }
  [[nodiscard]] const record_rules& rules() const noexcept { return rules_; }
  [[nodiscard]] unsigned threads() const noexcept { return threads_; }
  /// Chunks in flight: about 4 per thread keep every thread busy while the serial stages
  /// wait their turn; more only costs memory.
  [[nodiscard]] unsigned tokens() const noexcept { return tokens_; }
  [[nodiscard]] record_scanner& local_scanner();

  /// Runs `fn` in a task arena of `threads()` threads.
  template <typename Fn>
  void execute(Fn&& fn) {
    // More threads than cores is allowed (to study oversubscription): TBB caps its workers
    // at the core count unless told otherwise, and warns on stderr when an arena asks more.
    std::optional<tbb::global_control> allow_oversubscription;
    if (threads_ > static_cast<unsigned>(tbb::info::default_concurrency())) {
      allow_oversubscription.emplace(tbb::global_control::max_allowed_parallelism, threads_);
    }
    tbb::task_arena arena(static_cast<int>(threads_));
    arena.execute(std::forward<Fn>(fn));
  }

 private:
  options opts_;
  record_rules rules_;
  unsigned threads_;
  unsigned tokens_;
  tbb::enumerable_thread_specific<std::unique_ptr<record_scanner>> scanners_;
};

/// What one pass read, found and spent.
struct pass_result {
  /// The tables the pass filled, one per thread that took part.
  std::vector<std::unique_ptr<sharded_merge_table>> tables;
  report counts;  ///< files, bytes, records, bad_records, chunks and stages.read..merge.
};

/// Reads `sources` in order through the pipeline: cuts them into chunks, validates and stamps
/// every record in parallel, reports bad records in input order (throwing the first under
/// `error_policy::fail`, else passing them to `rejects`) and keeps the latest record per key
/// in per-thread tables. The tables reference records inside `sources`.
pass_result run_pass(merge_context& context, const std::vector<placed_source>& sources,
                     reject_sink* rejects);

}  // namespace mergepipe::detail
