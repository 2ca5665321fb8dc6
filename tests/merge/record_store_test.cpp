#include "merge/record_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "mergepipe/error.h"

namespace mergepipe::detail {
namespace {

namespace fs = std::filesystem;

// A directory of its own, so that what the store leaves there can be seen.
class record_store_test : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = fs::path(::testing::TempDir()) /
                 ("record_store_test." + std::to_string(::getpid()) + "." +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(directory_);
    fs::create_directories(directory_);
  }
  void TearDown() override { fs::remove_all(directory_); }

  // Records of every size from 1 byte to a few hundred, and one longer than a block, each
  // telling from its neighbours.
  static std::vector<std::string> records(std::size_t count) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < count; ++i) {
      std::string record = "{\"n\":" + std::to_string(i) + "}";
      record.append(i % 300, static_cast<char>('a' + i % 26));
      out.push_back(std::move(record));
    }
    out.push_back(std::string(std::size_t{1} << 20, 'L'));
    return out;
  }

  fs::path directory_;
};

TEST_F(record_store_test, full_blocks_spill_past_the_budget_and_keep_their_bytes) {
  const std::uint64_t budget = std::uint64_t{1} << 20;
  auto spill = std::make_shared<spill_file>(budget, directory_.string());
  record_store store;
  std::vector<std::string> originals = records(30000);
  std::vector<const char*> copies;
  std::uint64_t total = 0;
  for (const std::string& record : originals) {
    copies.push_back(store.keep(record.data(), record.size(), spill));
    store.settle();
    total += record.size();
  }
  for (std::size_t i = 0; i < originals.size(); ++i) {
    ASSERT_EQ(std::string_view(copies[i], originals[i].size()), originals[i]) << "record " << i;
  }
  // All but the budget and the block being filled went to the file.
  EXPECT_GT(spill->spilled_bytes() + budget + (std::uint64_t{2} << 20), total);
  EXPECT_LE(spill->spilled_bytes(), total + (std::uint64_t{256} << 10));
  // The file never had a name in the directory.
  EXPECT_TRUE(fs::is_empty(directory_));

  // Copies taken over by another store stay readable, and are given back with it.
  record_store other;
  other.take(store);
  for (std::size_t i = 0; i < originals.size(); i += 97) {
    ASSERT_EQ(std::string_view(copies[i], originals[i].size()), originals[i]) << "record " << i;
  }
}

TEST_F(record_store_test, within_the_budget_nothing_spills) {
  auto spill = std::make_shared<spill_file>(std::uint64_t{1} << 30, directory_.string());
  record_store store;
  for (const std::string& record : records(5000)) {
    store.keep(record.data(), record.size(), spill);
    store.settle();
  }
  EXPECT_EQ(spill->spilled_bytes(), 0u);
}

// What the tables of keys hold counts against the budget as the blocks do, and stops
// counting when they let go of it.
TEST_F(record_store_test, blocks_spill_while_the_tables_fill_the_budget) {
  const std::uint64_t budget = std::uint64_t{4} << 20;
  auto spill = std::make_shared<spill_file>(budget, directory_.string());
  record_store store;
  const std::string record(std::size_t{1} << 10, 'r');
  auto keep_megabytes = [&](std::size_t megabytes) {
    for (std::size_t i = 0; i < megabytes << 10; ++i) {
      store.keep(record.data(), record.size(), spill);
      store.settle();
    }
  };
  keep_megabytes(1);
  EXPECT_EQ(spill->spilled_bytes(), 0u);
  spill->count_tables(std::int64_t{4} << 20);
  keep_megabytes(1);
  EXPECT_GT(spill->spilled_bytes(), 0u) << "the tables alone fill the budget";
  const std::uint64_t spilled = spill->spilled_bytes();
  spill->count_tables(-(std::int64_t{4} << 20));
  keep_megabytes(1);
  EXPECT_EQ(spill->spilled_bytes(), spilled);
}

TEST_F(record_store_test, a_directory_that_cannot_hold_the_file_is_an_io_error_naming_it) {
  const std::string missing = (directory_ / "missing").string();
  auto spill = std::make_shared<spill_file>(0, missing);
  record_store store;
  std::vector<std::string> originals = records(3000);
  try {
    for (const std::string& record : originals) {
      store.keep(record.data(), record.size(), spill);
      store.settle();
    }
    FAIL() << "nothing was spilled";
  } catch (const error& e) {
    EXPECT_EQ(e.code(), errc::io);
    EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace mergepipe::detail
