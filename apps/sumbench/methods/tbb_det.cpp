// tbb-det: tbb::parallel_deterministic_reduce. With simple_partitioner the range is halved
// until a piece holds at most tbb_det_grain numbers, and the pieces are joined in that same
// tree, so the double sum depends on n and the grain only: the same for every T and run.

#include <tbb/blocked_range.h>
#include <tbb/parallel_reduce.h>
#include <tbb/partitioner.h>

#include <functional>
#include <numeric>

#include "methods/methods.h"
#include "methods/tbb_threads.h"

namespace sumbench {
namespace {

template <class V>
V tbb_det_sum(std::span<const V> values, detail::thread_tally& tally) {
  return tbb::parallel_deterministic_reduce(
      tbb::blocked_range<std::size_t>(0, values.size(), tbb_det_grain), V{},
      [values, &tally](const tbb::blocked_range<std::size_t>& r, V acc) {
        const V sum = std::accumulate(values.begin() + r.begin(), values.begin() + r.end(), acc);
        // After the loop, not before: a call while `acc` is live made GCC keep it in a
        // general register through the loop, which slowed the adds by half.
        tally.mark();
        return sum;
      },
      std::plus<V>{}, tbb::simple_partitioner{});
}

class tbb_det final : public summer {
 public:
  explicit tbb_det(int threads) : threads_(threads) {}
  double sum(std::span<const double> values) override {
    return threads_.execute([this, values] { return tbb_det_sum(values, threads_.tally()); });
  }
  std::int64_t sum(std::span<const std::int64_t> values) override {
    return threads_.execute([this, values] { return tbb_det_sum(values, threads_.tally()); });
  }
  int threads_used() const override { return threads_.used(); }

 private:
  detail::tbb_threads threads_;
};

}  // namespace

std::unique_ptr<summer> make_tbb_det(int threads) { return std::make_unique<tbb_det>(threads); }

}  // namespace sumbench
