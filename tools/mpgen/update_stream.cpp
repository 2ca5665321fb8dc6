#include "mpgen/update_stream.h"

#include <algorithm>
#include <cstdint>

namespace mpgen {
namespace {

constexpr std::int64_t ns_per_second = 1'000'000'000;
constexpr std::int64_t start_ns = 1'704'067'200 * ns_per_second;  // 2024-01-01T00:00:00Z
constexpr std::int64_t max_step_ns = 6 * 3600 * ns_per_second;
constexpr std::int64_t max_span_ns = 3 * 365 * 86'400 * ns_per_second;
constexpr std::int64_t middle_reach = 200;      // steps
constexpr std::int64_t max_far_reach = 20'000;  // steps
constexpr double tie_share = 0.04;              // of updates to an existing key
constexpr std::uint64_t recent_window = 200;    // keys touched again soon after they appear

}  // namespace

update_stream::update_stream(const stream_options& options)
    : options_(options), clock_ns_(start_ns) {
  // Small files step hours apart so that day-resolution styles still vary; big files stay
  // within a few years.
  const auto expected =
      static_cast<std::int64_t>(std::max<std::uint64_t>(options.expected_records, 1));
  step_ns_ = std::max<std::int64_t>(std::min(max_step_ns, max_span_ns / expected), 2);
  far_reach_ = std::clamp<std::int64_t>(expected / 2, 2, max_far_reach);
}

update update_stream::next(rng& random) {
  clock_ns_ +=
      step_ns_ / 2 + static_cast<std::int64_t>(random.below(static_cast<std::uint64_t>(step_ns_)));
  const bool new_key = keys_ == 0 || random.chance(options_.distinct_ratio);
  update result;
  if (!new_key && random.chance(tie_share)) {
    result = recent_[random.below(std::min<std::uint64_t>(emitted_, recent_.size()))];
  } else {
    result.id = new_key ? ++keys_ : existing_id(random);
    if (random.chance(options_.null_ts_ratio)) {
      result.presence = random.below(2) == 0 ? ts_presence::null : ts_presence::absent;
    }
    result.ts = make_stamp(clock_ns_ - lag_ns(random), options_.style, random);
  }
  result.is_delete = random.chance(options_.delete_ratio);
  recent_[emitted_++ % recent_.size()] = result;
  return result;
}

// Half the updates go to a power law over all keys (u^3: the first 1% of keys get about a
// fifth of these), half to keys that appeared recently.
std::uint64_t update_stream::existing_id(rng& random) const {
  if (random.below(2) == 0) {
    const double u = random.unit();
    const auto index = static_cast<std::uint64_t>(u * u * u * static_cast<double>(keys_));
    return std::min(index, keys_ - 1) + 1;
  }
  return keys_ - random.below(std::min(keys_, recent_window));
}

// Most records arrive within two steps of their event, some within a few hundred, and a tenth
// much later, so that position order and time order disagree both locally and far apart: about
// one key in ten that is updated more than once is not won by its last record.
std::int64_t update_stream::lag_ns(rng& random) const {
  const std::uint64_t r = random.below(100);
  const std::int64_t reach = r < 65 ? 2 : r < 90 ? std::min(middle_reach, far_reach_) : far_reach_;
  return static_cast<std::int64_t>(random.below(static_cast<std::uint64_t>(step_ns_ * reach)));
}

}  // namespace mpgen
