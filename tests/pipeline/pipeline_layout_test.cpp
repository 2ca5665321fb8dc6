#include "mergepipe/pipeline_layout.h"

#include <gtest/gtest.h>

#include <set>

#include "mergepipe/error.h"

namespace {

using mergepipe::pipeline_layout;
using mergepipe::pipeline_step;

TEST(pipeline_layout_test, default_is_four_filters) {
  pipeline_layout layout;
  EXPECT_EQ(layout.to_string(), "read+cut|parse+stamp|order|merge");
  std::vector<std::vector<pipeline_step>> expected = {{pipeline_step::read, pipeline_step::decompress,
                                                       pipeline_step::cut},
                                                      {pipeline_step::parse, pipeline_step::stamp},
                                                      {pipeline_step::order},
                                                      {pipeline_step::merge}};
  EXPECT_EQ(layout.filters(), expected);
  EXPECT_EQ(pipeline_layout::parse("read+cut|parse+stamp|order|merge"), layout);
}

TEST(pipeline_layout_test, all_64_layouts_print_and_parse_back) {
  std::vector<pipeline_layout> all = pipeline_layout::all();
  ASSERT_EQ(all.size(), 64u);
  std::set<std::string> texts;
  std::array<int, 8> by_filter_count{};
  for (const pipeline_layout& layout : all) {
    std::string text = layout.to_string();
    texts.insert(text);
    EXPECT_EQ(pipeline_layout::parse(text), layout) << text;
    std::size_t steps = 0;
    for (const auto& filter : layout.filters()) steps += filter.size();
    EXPECT_EQ(steps, 7u) << text;
    ++by_filter_count[layout.filters().size()];
  }
  EXPECT_EQ(texts.size(), 64u);
  EXPECT_EQ(texts.count("read|decompress|cut|parse|stamp|order|merge"), 1u);
  EXPECT_EQ(texts.count("read+cut+parse+stamp+order+merge"), 1u);
  // 6 places to split: C(6, k - 1) layouts of k filters.
  EXPECT_EQ(by_filter_count, (std::array<int, 8>{0, 1, 6, 15, 20, 15, 6, 1}));
}

// Decompress left out joins read, and a layout that joins them is written without it.
TEST(pipeline_layout_test, decompress_left_out_joins_read) {
  EXPECT_EQ(pipeline_layout::parse("read+decompress+cut|parse+stamp|order|merge"),
            pipeline_layout{});
  pipeline_layout six = pipeline_layout::parse("read|cut|parse|stamp|order|merge");
  EXPECT_EQ(six, pipeline_layout::parse("read+decompress|cut|parse|stamp|order|merge"));
  EXPECT_EQ(six.to_string(), "read|cut|parse|stamp|order|merge");
  EXPECT_EQ(six.filters().front(),
            (std::vector<pipeline_step>{pipeline_step::read, pipeline_step::decompress}));
  pipeline_layout own = pipeline_layout::parse("read|decompress+cut|parse+stamp|order|merge");
  EXPECT_EQ(own.to_string(), "read|decompress+cut|parse+stamp|order|merge");
  EXPECT_EQ(own.filters().front(), std::vector<pipeline_step>{pipeline_step::read});
}

TEST(pipeline_layout_test, splits_after_says_where_filters_end) {
  pipeline_layout layout = pipeline_layout::parse("read|cut+parse+stamp+order|merge");
  EXPECT_FALSE(layout.splits_after(pipeline_step::read));  // decompress joins it
  EXPECT_TRUE(layout.splits_after(pipeline_step::decompress));
  EXPECT_FALSE(layout.splits_after(pipeline_step::cut));
  EXPECT_FALSE(layout.splits_after(pipeline_step::stamp));
  EXPECT_TRUE(layout.splits_after(pipeline_step::order));
  EXPECT_FALSE(layout.splits_after(pipeline_step::merge));
}

void expect_refused(const std::string& text, const std::string& why) {
  try {
    pipeline_layout::parse(text);
    ADD_FAILURE() << text << " was accepted";
  } catch (const mergepipe::error& e) {
    EXPECT_EQ(e.code(), mergepipe::errc::usage) << text;
    std::string message = e.what();
    EXPECT_NE(message.find(why), std::string::npos) << message;
    EXPECT_NE(message.find("e.g. read+cut|parse+stamp|order|merge"), std::string::npos) << message;
  }
}

TEST(pipeline_layout_test, malformed_layouts_are_usage_errors_that_show_the_form) {
  expect_refused("", "a step name is missing");
  expect_refused("read+cut|parse+stamp|order|", "a step name is missing");
  expect_refused("read++cut|parse|stamp|order|merge", "a step name is missing");
  expect_refused("read+cut|parse+stamp|order|merge|merge", "\"merge\" after merge");
  expect_refused("read+cut|parse+stamp|order", "it ends before merge");
  expect_refused("read+cut|stamp+parse|order|merge", "\"stamp\" where parse must come");
  expect_refused("read+cut|parse+parse|order|merge", "\"parse\" where stamp must come");
  expect_refused("cut+read|parse+stamp|order|merge", "\"cut\" where read must come");
  expect_refused("read", "it ends before cut");
  expect_refused("read|decompress|decompress|parse|stamp|order|merge",
                 "\"decompress\" where cut must come");
  expect_refused("read|cut|decompress|parse|stamp|order|merge",
                 "\"decompress\" where parse must come");
  expect_refused("read+cut|parse+stamp|sort|merge", "unknown step \"sort\"");
  expect_refused("Read+cut|parse+stamp|order|merge", "unknown step \"Read\"");
  expect_refused("read+cut|parse+stamp|order|merge ", "unknown step \"merge \"");
}

}  // namespace
