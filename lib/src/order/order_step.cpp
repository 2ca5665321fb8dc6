#include "order/order_step.h"

#include <spdlog/spdlog.h>

namespace mergepipe::detail {

void order_step::run(chunk& c) {
  records_ += c.records.size();
  for (const bad_record& bad : c.bad) handle_bad(c, bad);
  opened_input& input = inputs_[c.file];
  if (c.fatal) throw error(errc::bad_input, c.fatal->reason, input.locate(c.fatal->offset));
  // This chunk and all before it are parsed: their pages are read no more until the
  // winners are written, so the mapped input does not stay resident all at once. They are
  // found here, in order, and given back by the merge step, in parallel. A read-once
  // input's bytes are given back after the merge step (merge_step.h).
  if (input.source().read_once()) {
    input.count_lines_before(c.end);
  } else {
    c.pages_read = input.release_later_before(c.end);
  }
}

void order_step::handle_bad(const chunk& c, const bad_record& bad) {
  error skipped(errc::bad_input, bad.reason, inputs_[c.file].locate(bad.offset));
  if (policy_ == error_policy::fail) throw skipped;
  ++bad_records_;
  if (rejects_ == nullptr) {
    log_skipped(skipped);
    return;
  }
  const location& where = skipped.where();
  rejects_->write(rejected_record{where.file, where.line, where.column, where.offset, bad.reason,
                                  std::string_view(c.data + bad.offset, bad.size)});
}

void order_step::log_skipped(const error& skipped) {
  constexpr std::uint64_t logged_one_by_one = 10;
  if (!logger_ || bad_records_ > logged_one_by_one + 1) return;
  if (bad_records_ <= logged_one_by_one) {
    logger_->warn("skipped a bad record: {}", skipped.what());
  } else {
    logger_->warn("more bad records skipped, counted but not logged one by one");
  }
}

}  // namespace mergepipe::detail
