// std-par: std::reduce(std::execution::par). The standard has no way to say how many threads;
// libstdc++ runs it on oneTBB, whose algorithms stay inside the arena they are called from, so
// calling it inside an arena of T limits it to T threads (tests/sumbench checks this).

#include <execution>
#include <numeric>

#include "methods/methods.h"
#include "methods/tbb_threads.h"

namespace sumbench {
namespace {

template <class V>
V std_par_sum(std::span<const V> values) {
  return std::reduce(std::execution::par, values.begin(), values.end(), V{});
}

class std_par final : public summer {
 public:
  explicit std_par(int threads) : threads_(threads) {}
  double sum(std::span<const double> values) override {
    return threads_.execute([values] { return std_par_sum(values); });
  }
  std::int64_t sum(std::span<const std::int64_t> values) override {
    return threads_.execute([values] { return std_par_sum(values); });
  }
  // std::reduce runs no code of ours per chunk, so there is nothing to count: 0, unknown.
  int threads_used() const override { return 0; }

 private:
  detail::tbb_threads threads_;
};

}  // namespace

std::unique_ptr<summer> make_std_par(int threads) { return std::make_unique<std_par>(threads); }

}  // namespace sumbench
