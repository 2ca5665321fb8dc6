// serial: the baseline every speedup is measured against.

#include <numeric>

#include "methods/methods.h"

namespace sumbench {
namespace {

template <class V>
V serial_sum(std::span<const V> values) {
  return std::accumulate(values.begin(), values.end(), V{});
}

class serial final : public summer {
 public:
  double sum(std::span<const double> values) override { return serial_sum(values); }
  std::int64_t sum(std::span<const std::int64_t> values) override { return serial_sum(values); }
  int threads_used() const override { return 1; }
};

}  // namespace

std::unique_ptr<summer> make_serial(int /*threads*/) { return std::make_unique<serial>(); }

}  // namespace sumbench
