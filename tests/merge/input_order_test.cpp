// Winners in input order: the bucket sort gives what a comparison sort by (file, offset,
// index) gives, for any spread of positions, any number of files and any thread count.

#include "merge/input_order.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>
#include <tuple>
#include <vector>

namespace {

using mergepipe::detail::in_input_order;
using mergepipe::detail::winner;

winner at(std::uint32_t file, std::uint64_t offset) {
  winner w{};
  w.file = file;
  w.offset = offset;
  return w;
}

std::vector<std::uint32_t> sorted_by_comparison(const std::vector<winner>& winners) {
  std::vector<std::uint32_t> order(winners.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return std::tie(winners[a].file, winners[a].offset, a) <
           std::tie(winners[b].file, winners[b].offset, b);
  });
  return order;
}

void expect_input_order(const std::vector<winner>& winners) {
  const std::vector<std::uint32_t> expected = sorted_by_comparison(winners);
  for (unsigned tokens : {1u, 2u, 8u}) {
    EXPECT_EQ(in_input_order(winners, tokens), expected) << tokens << " tokens";
  }
}

TEST(input_order_test, no_winners_and_one) {
  expect_input_order({});
  expect_input_order({at(3, 12345)});
}

TEST(input_order_test, many_winners_spread_evenly_over_one_file) {
  std::mt19937_64 random(1);
  std::vector<winner> winners;
  for (int i = 0; i < 200'000; ++i) winners.push_back(at(0, random() % (1ull << 30)));
  expect_input_order(winners);
}

TEST(input_order_test, crowded_skewed_and_far_apart_positions_over_many_files) {
  std::mt19937_64 random(2);
  std::vector<winner> winners;
  for (int i = 0; i < 100'000; ++i) {
    const auto file = static_cast<std::uint32_t>(random() % 7 == 0 ? random() % 300 : 5);
    std::uint64_t offset = random() % 1000;                          // crowded at the start
    if (random() % 3 == 0) offset = (1ull << 40) + random() % 50;    // a terabyte in
    if (random() % 5 == 0) offset = random() % (1ull << 20) * 4096;  // spread thinly
    winners.push_back(at(file, offset));
  }
  expect_input_order(winners);
}

TEST(input_order_test, equal_positions_keep_their_index_order) {
  std::vector<winner> winners;
  for (int i = 0; i < 5000; ++i) winners.push_back(at(static_cast<std::uint32_t>(i % 2), i % 3));
  expect_input_order(winners);
}

}  // namespace
