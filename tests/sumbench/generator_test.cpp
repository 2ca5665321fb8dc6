// The generator: number i is f(seed, i), whatever the thread count.

#include "generator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

namespace {

using namespace sumbench;

template <class V>
std::vector<V> generated(std::size_t n, std::uint64_t seed, int threads) {
  std::vector<V> v(n);
  generate(std::span<V>(v), seed, threads);
  return v;
}

template <class V>
bool same_bytes(const std::vector<V>& a, const std::vector<V>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(V)) == 0;
}

TEST(generator_test, philox_matches_random123_known_answer) {
  // Random123's kat_vectors: philox4x32-10, counter 0 and key 0.
  const auto w = detail::philox_words(0, 0);
  EXPECT_EQ(w[0], 0x6627e8d5u);
  EXPECT_EQ(w[1], 0xe169c58du);
  EXPECT_EQ(w[2], 0xbc57ac4cu);
  EXPECT_EQ(w[3], 0x9b00dbd8u);
}

TEST(generator_test, same_doubles_for_any_thread_count) {
  // An odd size, so that the last Philox call is only partly used.
  const auto one = generated<double>(300'001, 7, 1);
  for (const int threads : {2, 3, 4, 8}) {
    EXPECT_TRUE(same_bytes(one, generated<double>(300'001, 7, threads))) << threads << " threads";
  }
}

TEST(generator_test, same_int64s_for_any_thread_count) {
  const auto one = generated<std::int64_t>(300'003, 7, 1);
  for (const int threads : {2, 3, 4, 8}) {
    EXPECT_TRUE(same_bytes(one, generated<std::int64_t>(300'003, 7, threads)))
        << threads << " threads";
  }
}

TEST(generator_test, number_i_depends_only_on_seed_and_i) {
  const auto d = generated<double>(10'000, 42, 2);
  const auto q = generated<std::int64_t>(10'000, 42, 2);
  for (const std::size_t i : {0, 1, 2, 3, 4, 5, 4097, 9999}) {
    EXPECT_EQ(d[i], value_at<double>(42, i)) << i;
    EXPECT_EQ(q[i], value_at<std::int64_t>(42, i)) << i;
  }
  // A prefix of a longer stream is the shorter stream.
  const auto longer = generated<double>(20'000, 42, 3);
  EXPECT_EQ(0, std::memcmp(d.data(), longer.data(), d.size() * sizeof(double)));
}

TEST(generator_test, conversion_is_pinned) {
  // Our own conversion of the Philox words, written out: a change here changes every sum.
  const auto w = detail::philox_words(42, 0);
  const std::uint64_t bits0 = (std::uint64_t{w[0]} << 32 | w[1]) >> 11;
  const std::uint64_t bits1 = (std::uint64_t{w[2]} << 32 | w[3]) >> 11;
  EXPECT_EQ(value_at<double>(42, 0), std::ldexp(static_cast<double>(bits0), -53));
  EXPECT_EQ(value_at<double>(42, 1), std::ldexp(static_cast<double>(bits1), -53));
  for (unsigned lane = 0; lane < 4; ++lane) {
    EXPECT_EQ(value_at<std::int64_t>(42, lane),
              static_cast<std::int64_t>(static_cast<std::int32_t>(w[lane])));
  }
  // Number 4 of the int64 stream is lane 0 of the next counter.
  EXPECT_EQ(value_at<std::int64_t>(42, 4),
            static_cast<std::int64_t>(static_cast<std::int32_t>(detail::philox_words(42, 1)[0])));
}

TEST(generator_test, doubles_are_53_bit_fractions_in_unit_interval) {
  const auto d = generated<double>(200'000, 1, 2);
  double sum = 0;
  for (const double x : d) {
    ASSERT_GE(x, 0.0);
    ASSERT_LT(x, 1.0);
    const double scaled = std::ldexp(x, 53);
    ASSERT_EQ(scaled, std::floor(scaled));
    sum += x;
  }
  EXPECT_NEAR(sum / static_cast<double>(d.size()), 0.5, 0.005);
}

TEST(generator_test, int64s_are_in_documented_range) {
  const auto q = generated<std::int64_t>(200'000, 1, 2);
  double sum = 0;
  bool negative = false;
  for (const std::int64_t x : q) {
    ASSERT_GE(x, -(std::int64_t{1} << 31));
    ASSERT_LT(x, std::int64_t{1} << 31);
    negative = negative || x < 0;
    sum += static_cast<double>(x);
  }
  EXPECT_TRUE(negative);
  EXPECT_NEAR(sum / static_cast<double>(q.size()) / 2147483648.0, 0.0, 0.01);
  // The documented bound: n * 2^31 fits an int64 for every n up to max_int64_n.
  EXPECT_LE(max_int64_n, static_cast<std::uint64_t>(INT64_MAX) / (std::uint64_t{1} << 31) + 1);
}

TEST(generator_test, seeds_give_different_streams) {
  EXPECT_FALSE(same_bytes(generated<double>(1000, 1, 1), generated<double>(1000, 2, 1)));
  EXPECT_FALSE(same_bytes(generated<double>(1000, 1, 1),
                          generated<double>(1000, std::uint64_t{1} << 32 | 1, 1)));
}

TEST(generator_test, make_values_fills_every_number) {
  const auto v = make_values<std::int64_t>(12'345, 9, 2);
  for (std::size_t i = 0; i < 12'345; i += 1111) EXPECT_EQ(v[i], value_at<std::int64_t>(9, i));
  EXPECT_EQ(v[12'344], value_at<std::int64_t>(9, 12'344));
}

}  // namespace
