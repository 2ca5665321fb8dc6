#pragma once

#include <cstdint>
#include <memory>

#include "chunk.h"
#include "mergepipe/error.h"
#include "mergepipe/options.h"
#include "mergepipe/sink.h"
#include "read/input_set.h"

namespace mergepipe::detail {

/// The order step, on the chunks in input order: under `error_policy::fail` throws the first
/// bad record as mergepipe::error (bad_input); under `skip` counts bad records and passes
/// them to `rejects` in input order; without rejects, logs the first few at warn level with
/// their location (the rest only count: a file of bad records must not flood the log). An array
/// that could not be cut ends the run here, after the bad records before it. Then finds the pages
/// of a mapped input behind the chunk, for the merge step to give back.
class order_step {
 public:
  order_step(input_set& inputs, error_policy policy, reject_sink* rejects,
             std::shared_ptr<spdlog::logger> logger)
      : inputs_(inputs), policy_(policy), rejects_(rejects), logger_(std::move(logger)) {}

  void run(chunk& c);

  /// Good records seen.
  [[nodiscard]] std::uint64_t records() const noexcept { return records_; }
  /// Bad records skipped.
  [[nodiscard]] std::uint64_t bad_records() const noexcept { return bad_records_; }

 private:
  void handle_bad(const chunk& c, const bad_record& bad);
  void log_skipped(const error& skipped);

  input_set& inputs_;
  error_policy policy_;
  reject_sink* rejects_;
  std::shared_ptr<spdlog::logger> logger_;
  std::uint64_t records_ = 0;
  std::uint64_t bad_records_ = 0;
};

}  // namespace mergepipe::detail
