#pragma once

#include <cstddef>
#include <cstdint>

namespace mpgen {

__extension__ typedef unsigned __int128
    uint128;  // GCC and Clang; the extension keeps -Wpedantic quiet

/// xoshiro256** seeded through splitmix64.
///
/// Hand-written rather than <random>: the same seed must give the same bytes on every
/// compiler and standard library, and std:: distributions differ between versions. All
/// helpers below use integer or exactly rounded double arithmetic (no libm) for the same reason.
class rng {
 public:
  explicit rng(std::uint64_t seed) {
    for (auto& word : state_) word = splitmix64(seed);
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

  /// A number in [0, n); n > 0. Lemire's multiply-shift: the bias of at most n / 2^64 is
  /// irrelevant for test data and keeps the call branch-free.
  std::uint64_t below(std::uint64_t n) {
    return static_cast<std::uint64_t>((static_cast<uint128>(next()) * n) >> 64);
  }

  /// A double in [0, 1) with 53 random bits.
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  bool chance(double p) { return unit() < p; }

  /// Picks one element of a fixed table.
  template <typename T, std::size_t N>
  const T& pick(const T (&table)[N]) {
    return table[below(N)];
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  static std::uint64_t splitmix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    return z ^ (z >> 31);
  }

  std::uint64_t state_[4];
};

}  // namespace mpgen
