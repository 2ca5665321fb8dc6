#pragma once

#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/task_arena.h>

#include <memory>
#include <optional>

#include "merge/merge_table.h"
#include "merge/spill_file.h"
#include "mergepipe/options.h"
#include "parse/record_rules.h"
#include "parse/record_scanner.h"

namespace mergepipe::detail {

/// What a merge keeps between passes: its options, compiled rules, thread count and one
/// record scanner per thread.
class merge_context {
 public:
  explicit merge_context(options opts);

  [[nodiscard]] const options& opts() const noexcept { return opts_; }
  [[nodiscard]] const record_rules& rules() const noexcept { return rules_; }
  /// What the merge's tables keep per key.
  [[nodiscard]] keep_rule keep() const noexcept {
    return {rules_.keep_first, static_cast<std::uint32_t>(rules_.tail_size()), rules_.merge_fields};
  }
  [[nodiscard]] unsigned threads() const noexcept { return threads_; }
  /// Chunks in flight: about 4 per thread keep every thread busy while the serial filters
  /// wait their turn; more only costs memory.
  [[nodiscard]] unsigned tokens() const noexcept { return tokens_; }
  [[nodiscard]] record_scanner& local_scanner();
  /// Where copies of records of inputs read once spill past the memory limit.
  [[nodiscard]] const std::shared_ptr<spill_file>& spill() const noexcept { return spill_; }

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
  std::shared_ptr<spill_file> spill_;
};

}  // namespace mergepipe::detail
