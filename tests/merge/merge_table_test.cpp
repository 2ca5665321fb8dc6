// The latest-per-key rule: greater order stamp wins, in any offer order and any split of
// the offers across tables; delete markers win like records and then hide their key.

#include "merge/merge_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "merge/merged_object.h"

namespace {

using mergepipe::detail::candidate;
using mergepipe::detail::hashed_key;
using mergepipe::detail::merge_table;
using mergepipe::detail::order_stamp;
using mergepipe::detail::spill_file;
using mergepipe::detail::timestamp;
using mergepipe::detail::winner;

// A candidate whose `data` tells the test which offer it was.
candidate make(const char* label, std::uint32_t file, std::uint64_t offset,
               bool is_delete = false) {
  return {order_stamp{.ts = {}, .offset = offset, .file = file, .has_timestamp = false}, label,
          static_cast<std::uint32_t>(std::char_traits<char>::length(label)), is_delete};
}

candidate make(const char* label, timestamp ts, std::uint32_t file, std::uint64_t offset,
               bool is_delete = false) {
  candidate c = make(label, file, offset, is_delete);
  c.stamp.has_timestamp = true;
  c.stamp.ts = ts;
  return c;
}

// Everything observable about a table: live winners by key (with labels), and counts.
struct snapshot {
  std::map<std::string, std::string> live;
  std::size_t deleted = 0;
  std::size_t size = 0;
  friend bool operator==(const snapshot&, const snapshot&) = default;
};

std::vector<winner> live_winners(const merge_table& table) {
  std::vector<winner> winners(table.size() - table.deleted());
  table.collect_winners(winners.data(), false);
  return winners;
}

snapshot snap(const merge_table& table) {
  snapshot s;
  for (const winner& w : live_winners(table)) {
    auto [it, inserted] = s.live.emplace(std::string(w.key()), std::string(w.data, w.size));
    EXPECT_TRUE(inserted) << "key listed twice: " << w.key();
  }
  s.deleted = table.deleted();
  s.size = table.size();
  return s;
}

std::string winner_of(const merge_table& table, std::string_view key) {
  for (const winner& w : live_winners(table)) {
    if (w.key() == key) return std::string(w.data, w.size);
  }
  return "<none>";
}

TEST(merge_table_test, greater_stamp_wins_regardless_of_offer_order) {
  std::vector<candidate> offers = {
      make("t10", {10, 0}, 0, 900),
      make("t20", {20, 0}, 0, 100),
      make("t20.5ns", {20, 5}, 0, 50),
      make("t-5", {-5, 999'999'999}, 3, 0),
  };
  std::vector<int> order = {0, 1, 2, 3};
  do {
    merge_table table;
    for (int i : order) table.offer("k", offers[i]);
    EXPECT_EQ(table.size(), 1U);
    EXPECT_EQ(winner_of(table, "k"), "t20.5ns");
  } while (std::next_permutation(order.begin(), order.end()));
}

TEST(merge_table_test, absent_timestamp_sorts_before_any_timestamp) {
  // Year 0000 is the earliest representable instant; a later position does not help.
  candidate oldest_timestamp = make("year0", {-62'167'219'200, 0}, 0, 0);
  candidate no_timestamp = make("none", 7, 1'000'000);
  for (bool timestamp_first : {true, false}) {
    merge_table table;
    table.offer("k", timestamp_first ? oldest_timestamp : no_timestamp);
    table.offer("k", timestamp_first ? no_timestamp : oldest_timestamp);
    EXPECT_EQ(winner_of(table, "k"), "year0");
  }
}

TEST(merge_table_test, equal_timestamps_are_broken_by_file_then_offset) {
  timestamp t{1'700'000'000, 0};
  std::vector<candidate> offers = {
      make("f0@900", t, 0, 900),
      make("f1@0", t, 1, 0),
      make("f1@10", t, 1, 10),
      make("f0@1000", t, 0, 1000),
  };
  std::vector<int> order = {0, 1, 2, 3};
  do {
    merge_table table;
    for (int i : order) table.offer("k", offers[i]);
    EXPECT_EQ(winner_of(table, "k"), "f1@10");
  } while (std::next_permutation(order.begin(), order.end()));
}

TEST(merge_table_test, without_timestamps_the_last_position_wins) {
  merge_table table;
  table.offer("k", make("f1@5", 1, 5));
  table.offer("k", make("f0@99", 0, 99));
  table.offer("k", make("f1@3", 1, 3));
  EXPECT_EQ(winner_of(table, "k"), "f1@5");
}

TEST(merge_table_test, keys_are_compared_as_bytes) {
  merge_table table;
  table.offer(std::string_view("a\0b", 3), make("nul", 0, 0));
  table.offer("a", make("a", 0, 1));
  table.offer("ab", make("ab", 0, 2));
  table.offer("", make("empty", 0, 3));
  EXPECT_EQ(table.size(), 4U);
  EXPECT_EQ(winner_of(table, std::string_view("a\0b", 3)), "nul");
  EXPECT_EQ(winner_of(table, ""), "empty");
}

TEST(merge_table_test, keys_held_in_the_slot_and_in_the_arena_stay_apart) {
  const std::string fifteen(15, 'k');  // the most a slot holds itself
  const std::string sixteen(16, 'k');
  merge_table table;
  table.offer(fifteen, make("15", 0, 0));
  table.offer(sixteen, make("16", 0, 1));
  table.offer(sixteen + "k", make("17", 0, 2));
  for (int i = 0; i < 1000; ++i)
    table.offer("filler" + std::to_string(i), make("f", 0, 3));  // regrows
  table.offer(sixteen, make("16 again", 0, 4));
  EXPECT_EQ(table.size(), 1003U);
  EXPECT_EQ(winner_of(table, fifteen), "15");
  EXPECT_EQ(winner_of(table, sixteen), "16 again");
  EXPECT_EQ(winner_of(table, sixteen + "k"), "17");
}

// Random offers over a few keys: ties in timestamps, missing timestamps, deletes.
std::vector<std::pair<std::string, candidate>> random_offers(std::uint64_t seed,
                                                             std::size_t count) {
  static const char* labels[] = {"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7"};
  std::mt19937_64 rng(seed);
  std::vector<std::pair<std::string, candidate>> offers;
  for (std::size_t i = 0; i < count; ++i) {
    // Keys of 4 to 20 bytes: held in the slot up to 15 bytes, in the arena beyond.
    std::uint64_t n = rng() % 40;
    std::string key = "key" + std::to_string(n) + std::string(n % 4 * 5, 'x');
    auto file = static_cast<std::uint32_t>(rng() % 3);
    // Positions are unique in real input; random order, so ties go either way.
    std::uint64_t offset = rng() % 1000 * 1000 + i;
    bool is_delete = rng() % 5 == 0;
    const char* label = labels[rng() % std::size(labels)];
    candidate c = rng() % 4 == 0 ? make(label, file, offset, is_delete)
                                 : make(label, {static_cast<std::int64_t>(rng() % 6) - 2, 0}, file,
                                        offset, is_delete);
    offers.emplace_back(std::move(key), c);
  }
  return offers;
}

// The rule spelled out by hand: the offer with the greatest (has_ts, ts, file, offset).
snapshot reference(const std::vector<std::pair<std::string, candidate>>& offers) {
  std::map<std::string, const candidate*> best;
  for (const auto& [key, c] : offers) {
    auto key_of = [](const candidate& x) {
      return std::tuple(x.stamp.has_timestamp, x.stamp.ts.seconds, x.stamp.ts.nanos, x.stamp.file,
                        x.stamp.offset);
    };
    auto [it, inserted] = best.try_emplace(key, &c);
    if (!inserted && key_of(*it->second) < key_of(c)) it->second = &c;
  }
  snapshot s;
  for (const auto& [key, c] : best) {
    if (c->is_delete) {
      ++s.deleted;
    } else {
      s.live.emplace(key, std::string(c->data, c->size));
    }
  }
  s.size = best.size();
  return s;
}

TEST(merge_table_test, one_table_matches_the_rule_spelled_out) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    auto offers = random_offers(seed, 300);
    merge_table table;
    for (const auto& [key, c] : offers) table.offer(key, c);
    EXPECT_EQ(snap(table), reference(offers)) << "seed " << seed;
  }
}

TEST(merge_table_test, absorbing_tables_equals_one_table_fed_everything) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    auto offers = random_offers(seed, 300);
    merge_table all;
    for (const auto& [key, c] : offers) all.offer(key, c);
    const snapshot expected = snap(all);

    // Splits of every shape: one side empty, one side tiny, interleaved, halves.
    std::mt19937_64 rng(seed);
    for (std::size_t share : {0, 3, 10, 50, 97, 100}) {
      for (bool other_into_first : {true, false}) {
        merge_table first;
        merge_table second;
        for (const auto& [key, c] : offers) (rng() % 100 < share ? first : second).offer(key, c);
        merge_table& into = other_into_first ? first : second;
        merge_table& from = other_into_first ? second : first;
        into.absorb(from);
        EXPECT_EQ(snap(into), expected) << "seed " << seed << ", share " << share;
        EXPECT_EQ(from.size(), 0U);
      }
    }
  }
}

TEST(merge_table_test, absorbing_many_tables_in_any_order_gives_the_same_result) {
  auto offers = random_offers(99, 500);
  merge_table all;
  for (const auto& [key, c] : offers) all.offer(key, c);
  const snapshot expected = snap(all);

  std::array<merge_table, 4> parts;
  for (std::size_t i = 0; i < offers.size(); ++i)
    parts[i * 7 % 4].offer(offers[i].first, offers[i].second);
  // ((3 <- 1) <- 0) <- 2
  parts[3].absorb(parts[1]);
  parts[3].absorb(parts[0]);
  parts[3].absorb(parts[2]);
  EXPECT_EQ(snap(parts[3]), expected);
}

TEST(merge_table_test, live_winners_exclude_delete_markers) {
  merge_table table;
  table.offer("kept", make("kept-v1", {1, 0}, 0, 0));
  table.offer("kept", make("kept-del-old", {0, 0}, 0, 10, true));  // older delete: loses
  table.offer("gone", make("gone-v1", {1, 0}, 0, 20));
  table.offer("gone", make("gone-del", {2, 0}, 0, 30, true));
  table.offer("only-delete", make("only-delete", {1, 0}, 0, 40, true));
  EXPECT_EQ(table.size(), 3U);
  snapshot s = snap(table);
  EXPECT_EQ(s.live, (std::map<std::string, std::string>{{"kept", "kept-v1"}}));
  EXPECT_EQ(s.deleted, 2U);
}

TEST(merge_table_test, deleted_counts_keys_whose_winner_is_a_delete) {
  merge_table table;
  EXPECT_EQ(table.deleted(), 0U);
  table.offer("a", make("a-del", 0, 0, true));
  table.offer("a", make("a-del-again", 0, 5, true));  // still one deleted key
  table.offer("b", make("b-del", 0, 10, true));
  EXPECT_EQ(table.deleted(), 2U);

  // A later non-delete revives its key; an earlier one does not.
  table.offer("a", make("a-revived", 0, 20));
  table.offer("b", make("b-too-early", 0, 1));
  EXPECT_EQ(table.deleted(), 1U);
  EXPECT_EQ(winner_of(table, "a"), "a-revived");
  EXPECT_EQ(winner_of(table, "b"), "<none>");

  // And a later delete takes it away again.
  table.offer("a", make("a-del-last", 1, 0, true));
  EXPECT_EQ(table.deleted(), 2U);
  EXPECT_TRUE(live_winners(table).empty());
}

TEST(merge_table_test, absorb_keeps_deletes_that_win_across_tables) {
  merge_table first;
  merge_table second;
  first.offer("k", make("k-v1", {5, 0}, 0, 0));
  second.offer("k", make("k-del", {6, 0}, 0, 0, true));
  second.offer("x", make("x-v1", {1, 0}, 0, 0));
  first.absorb(second);
  EXPECT_EQ(first.deleted(), 1U);
  EXPECT_EQ(snap(first).live, (std::map<std::string, std::string>{{"x", "x-v1"}}));
}

}  // namespace

namespace {

// Records of a read-once input are copied when kept: the table's winners stay right after
// the input's bytes are overwritten, and after the store compacts away the copies that lost
// (it does, many times, with a few keys updated thousands of times), whether the copies stay
// in memory or spill to a file (a budget of 0 spills every full block).
class copies_test : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(copies_test, copies_of_read_once_records_outlive_the_input_and_compactions) {
  auto spill = std::make_shared<spill_file>(GetParam(), ::testing::TempDir());
  merge_table copied({}, spill);
  merge_table viewed;
  std::vector<std::string> kept;  // the bytes the viewing table points into
  kept.reserve(40000);
  std::string input;
  std::mt19937 rng(5);
  for (std::uint64_t i = 0; i < 40000; ++i) {
    // Appended piece by piece: GCC 12 warns falsely on chains of operator+.
    std::string key = "k";
    key += std::to_string(rng() % 7);
    std::string record = "{\"id\":\"";
    record.append(key).append("\",\"n\":").append(std::to_string(i)).append(",\"pad\":\"");
    record.append(100 + rng() % 200, 'x').append("\"}");
    kept.push_back(record);
    input = record;  // the read-once input's bytes: overwritten by the next record
    // Mostly later than the last: most records win, and some lose to their predecessor.
    candidate c{
        order_stamp{.ts = {}, .offset = i * 4 + rng() % 8, .file = 0, .has_timestamp = false},
        input.data(), static_cast<std::uint32_t>(input.size()), false};
    copied.offer_copy(hashed_key::of(key), c, nullptr);
    c.data = kept.back().data();
    viewed.offer(key, c);
    std::fill(input.begin(), input.end(), '#');
  }
  EXPECT_EQ(snap(copied), snap(viewed));
  // 40000 records of about 250 bytes were copied in all, but only what may still win stays.
  EXPECT_GT(copied.stored_bytes(), 0u);
  EXPECT_LT(copied.stored_bytes(), 1u << 20);

  // Absorbing a table keeps its copies alive in the absorbing one.
  merge_table other({}, spill);
  std::string late = "{\"id\":\"k1\",\"late\":true}";
  other.offer_copy(
      hashed_key::of("k1"),
      candidate{order_stamp{.ts = {}, .offset = 1u << 20, .file = 0, .has_timestamp = false},
                late.data(), static_cast<std::uint32_t>(late.size()), false},
      nullptr);
  std::fill(late.begin(), late.end(), '#');
  copied.absorb(other);
  EXPECT_EQ(snap(copied).live.at("k1"), "{\"id\":\"k1\",\"late\":true}");
  if (GetParam() == 0) {
    EXPECT_GT(spill->spilled_bytes(), 0u);
  } else {
    EXPECT_EQ(spill->spilled_bytes(), 0u);
  }
}

// The table of keys cannot spill, but it counts against the budget: copies of small records
// over many keys spill once the table's slots fill it, though they alone would not.
TEST(table_memory_test, the_table_of_keys_counts_against_the_budget) {
  const std::uint64_t budget = std::uint64_t{2} << 20;
  auto spill = std::make_shared<spill_file>(budget, ::testing::TempDir());
  merge_table copied({}, spill);
  std::uint64_t copied_bytes = 0;
  for (std::uint64_t i = 0; i < 60000; ++i) {
    const std::string key = std::to_string(i);
    const std::string record = "{\"id\":" + key + "}";
    copied.offer_copy(hashed_key::of(key),
                      {order_stamp{.ts = {}, .offset = i, .file = 0, .has_timestamp = false},
                       record.data(), static_cast<std::uint32_t>(record.size()), false},
                      nullptr);
    copied_bytes += record.size();
  }
  ASSERT_LT(copied_bytes, budget / 2) << "the copies alone fit the budget";
  EXPECT_GT(spill->spilled_bytes(), 0u);
}

INSTANTIATE_TEST_SUITE_P(budgets, copies_test, ::testing::Values(0, std::uint64_t{1} << 40),
                         [](const auto& info) {
                           return info.param == 0 ? std::string("spilling")
                                                  : std::string("in_memory");
                         });

// With --merge-fields a key keeps a state that every record rewrites: the states stay right
// through the store's compactions and spills. Records come in input order, without
// timestamps or deletes, so each key's object is its fields in first-seen order with their
// latest values.
TEST_P(copies_test, merged_objects_outlive_compactions_and_spills) {
  auto spill = std::make_shared<spill_file>(GetParam(), ::testing::TempDir());
  merge_table table({.first = false, .tail_size = 0, .merge_fields = true}, spill);
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> expected;
  std::mt19937 rng(9);
  const char* names[] = {"a", "b", "c", "d"};
  for (std::uint64_t i = 0; i < 30000; ++i) {
    std::string key = "k";
    key += std::to_string(rng() % 7);
    std::string record = "{\"id\":\"";
    record.append(key).append("\"");
    auto& fields = expected[key];
    if (fields.empty()) fields.emplace_back("id", "\"" + key + "\"");
    for (const char* name : names) {
      if (rng() % 2 != 0) continue;
      std::string value = "\"";
      value.append(std::to_string(i)).append(50 + rng() % 100, 'x').append("\"");
      record.append(",\"").append(name).append("\":").append(value);
      auto held = std::find_if(fields.begin(), fields.end(),
                               [&](const auto& f) { return f.first == name; });
      if (held == fields.end()) {
        fields.emplace_back(name, value);
      } else {
        held->second = value;
      }
    }
    record += "}";
    candidate c{order_stamp{.ts = {}, .offset = i * 1000, .file = 0, .has_timestamp = false},
                record.data(), static_cast<std::uint32_t>(record.size()), false};
    table.offer_fields(hashed_key::of(key), c, nullptr);
    std::fill(record.begin(), record.end(), '#');  // the input's bytes are gone
  }
  std::vector<winner> winners(table.size());
  table.collect_winners(winners.data(), false);
  ASSERT_EQ(winners.size(), expected.size());
  for (const winner& w : winners) {
    ASSERT_TRUE(w.merged);
    std::string rendered;
    mergepipe::detail::render_state({w.data, w.size}, rendered);
    std::string json = "{";
    for (const auto& [name, value] : expected.at(std::string(w.key()))) {
      json.append(json.size() > 1 ? ",\"" : "\"").append(name).append("\":").append(value);
    }
    EXPECT_EQ(rendered, json + "}");
  }
  EXPECT_LT(table.stored_bytes(), 1u << 20);  // lost states were compacted away
  if (GetParam() == 0) {
    EXPECT_GT(spill->spilled_bytes(), 0u);
  }
}

}  // namespace
