// tbb: tbb::parallel_reduce with the default auto_partitioner. It splits by work stealing, so a
// double sum may change from run to run; int64 sums are exact and do not.

#include <tbb/blocked_range.h>
#include <tbb/parallel_reduce.h>

#include <functional>
#include <numeric>

#include "methods/methods.h"
#include "methods/tbb_threads.h"

namespace sumbench {
namespace {

template <class V>
V tbb_sum(std::span<const V> values, detail::thread_tally& tally) {
  return tbb::parallel_reduce(
      tbb::blocked_range<std::size_t>(0, values.size()), V{},
      [values, &tally](const tbb::blocked_range<std::size_t>& r, V acc) {
        const V sum = std::accumulate(values.begin() + r.begin(), values.begin() + r.end(), acc);
        // After the loop, not before: a call while `acc` is live made GCC keep it in a
        // general register through the loop, which slowed the adds by half.
        tally.mark();
        return sum;
      },
      std::plus<V>{});
}

class tbb_method final : public summer {
 public:
  explicit tbb_method(int threads) : threads_(threads) {}
  double sum(std::span<const double> values) override {
    return threads_.execute([this, values] { return tbb_sum(values, threads_.tally()); });
  }
  std::int64_t sum(std::span<const std::int64_t> values) override {
    return threads_.execute([this, values] { return tbb_sum(values, threads_.tally()); });
  }
  int threads_used() const override { return threads_.used(); }

 private:
  detail::tbb_threads threads_;
};

}  // namespace

std::unique_ptr<summer> make_tbb(int threads) { return std::make_unique<tbb_method>(threads); }

}  // namespace sumbench
