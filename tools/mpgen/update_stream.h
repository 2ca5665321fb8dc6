#pragma once

#include <array>
#include <cstdint>

#include "mpgen/rng.h"
#include "mpgen/timestamp_text.h"

namespace mpgen {

enum class ts_presence : std::uint8_t { present, null, absent };

/// What one record says about its key: which key, whether it deletes it, and when.
struct update {
  std::uint64_t id = 0;
  bool is_delete = false;
  ts_presence presence = ts_presence::present;
  stamp ts{};
};

struct stream_options {
  double distinct_ratio = 0.33;
  double delete_ratio = 0;
  double null_ts_ratio = 0;
  std::uint64_t expected_records = 0;  // spreads the timestamps over a plausible span
  ts_style style = ts_style::iso;
};

/// The change log the records carry: keys updated many times with a skew, timestamps that
/// mostly but not always grow with position, and deliberate exact ties on the same key.
///
/// Memory is constant: keys are numbered in order of first appearance, so an earlier key is
/// any number below the count so far.
class update_stream {
 public:
  explicit update_stream(const stream_options& options);

  update next(rng& random);

 private:
  std::uint64_t existing_id(rng& random) const;
  std::int64_t lag_ns(rng& random) const;

  stream_options options_;
  std::uint64_t keys_ = 0;
  std::int64_t clock_ns_;
  std::int64_t step_ns_;             // mean clock advance per record
  std::int64_t far_reach_;           // in steps: how late the latest arrivals are
  std::array<update, 16> recent_{};  // ties copy one of these
  std::uint64_t emitted_ = 0;
};

}  // namespace mpgen
