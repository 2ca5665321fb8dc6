// threads: the hand-written way. Split into T equal parts, start one std::thread per part,
// join, add the parts in order. Starting the threads is part of the timed run, as it is for
// anyone who writes it this way.

#include <numeric>
#include <thread>
#include <vector>

#include "methods/methods.h"

namespace sumbench {
namespace {

template <class V>
V threads_sum(std::span<const V> values, int threads) {
  const std::size_t n = values.size();
  const auto parts = static_cast<std::size_t>(threads);
  std::vector<V> partial(parts);
  {
    std::vector<std::jthread> workers;
    workers.reserve(parts);
    for (std::size_t k = 0; k < parts; ++k) {
      // Part k is [k*n/T, (k+1)*n/T): sizes differ by at most one and depend only on n and T,
      // so the same T always adds the same numbers in the same order.
      const auto part = values.subspan(k * n / parts, (k + 1) * n / parts - k * n / parts);
      workers.emplace_back(
          [part, &slot = partial[k]] { slot = std::accumulate(part.begin(), part.end(), V{}); });
    }
  }  // jthreads join here
  return std::accumulate(partial.begin(), partial.end(), V{});
}

class std_threads final : public summer {
 public:
  explicit std_threads(int count) : count_(count) {}
  double sum(std::span<const double> values) override { return threads_sum(values, count_); }
  std::int64_t sum(std::span<const std::int64_t> values) override {
    return threads_sum(values, count_);
  }
  int threads_used() const override { return count_; }

 private:
  int count_;
};

}  // namespace

std::unique_ptr<summer> make_threads(int threads) { return std::make_unique<std_threads>(threads); }

}  // namespace sumbench
