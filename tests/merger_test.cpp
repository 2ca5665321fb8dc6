// The incremental merger: any feeding order, any split into pieces, partial merges combined,
// snapshots, repeated and failed adds all give the bytes that merge() gives for the whole.

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <sstream>

#include "mergepipe/mergepipe.h"
#include "record_generator.h"
#include "test_files.h"

namespace {

using mergepipe::merger;
using mergepipe::position;
using mergepipe::source;
using mergepipe::testing::generate_records;
using mergepipe::testing::temp_dir;

std::string ndjson_of(std::uint64_t seed, std::size_t count) {
  std::string text;
  for (const auto& r : generate_records(seed, count, count / 3)) text += r.json + "\n";
  return text;
}

std::string array_of(std::uint64_t seed, std::size_t count) {
  std::string text = "[\n";
  for (const auto& r : generate_records(seed, count, count / 3)) {
    text += (text.size() > 2 ? ",\n" : "") + r.json;
  }
  return text + "\n]\n";
}

mergepipe::options base_options(unsigned threads = 2) {
  mergepipe::options opts;
  opts.rules.delete_rules = {mergepipe::parse_delete_rule("op=d")};
  opts.run.threads = threads;
  opts.run.chunk_size = 4096;
  return opts;
}

// Collects records as NDJSON text.
class text_sink final : public mergepipe::record_sink {
 public:
  void write(std::string_view record) override {
    text.append(record);
    text += '\n';
  }
  void finish() override { ++finished; }
  std::string text;
  int finished = 0;
};

std::string finish(merger& m) {
  text_sink out;
  m.finish(out);
  EXPECT_EQ(out.finished, 1);
  return out.text;
}

// Cuts NDJSON text into pieces of whole lines, about `size` bytes each: (offset, bytes).
std::vector<std::pair<std::uint64_t, std::string>> pieces_of(const std::string& text,
                                                             std::size_t size) {
  std::vector<std::pair<std::uint64_t, std::string>> pieces;
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t end = text.find('\n', std::min(begin + size, text.size() - 1)) + 1;
    pieces.emplace_back(begin, text.substr(begin, end - begin));
    begin = end;
  }
  return pieces;
}

class merger_test : public ::testing::Test {
 protected:
  void SetUp() override {
    // Three partitions over one key space, in both formats.
    inputs_ = {dir_.write("p0.ndjson", ndjson_of(1, 600)), dir_.write("p1.json", array_of(2, 500)),
               dir_.write("p2.ndjson", ndjson_of(3, 700))};
    mergepipe::options opts = base_options();
    opts.inputs = inputs_;
    text_sink out;
    mergepipe::merge(opts, out);
    expected_ = out.text;
    ASSERT_GT(std::count(expected_.begin(), expected_.end(), '\n'), 100);
  }

  temp_dir dir_;
  std::vector<std::string> inputs_;
  std::string expected_;
};

TEST_F(merger_test, files_added_in_any_order_give_the_merge_result) {
  std::vector<std::uint32_t> order = {0, 1, 2};
  do {
    for (unsigned threads : {1u, 2u, 4u}) {
      merger m(base_options(threads));
      for (std::uint32_t i : order) m.add(source::file(inputs_[i]), {.input = i});
      EXPECT_EQ(finish(m), expected_) << "threads " << threads;
    }
  } while (std::next_permutation(order.begin(), order.end()));
}

TEST_F(merger_test, pieces_buffers_and_streams_in_shuffled_order_give_the_merge_result) {
  std::string p0 = mergepipe::testing::read_file(inputs_[0]);
  std::string p1 = mergepipe::testing::read_file(inputs_[1]);
  std::string p2 = mergepipe::testing::read_file(inputs_[2]);
  for (std::size_t piece_size : {1u, 700u, 5000u}) {
    auto pieces = pieces_of(p0, piece_size);
    std::vector<std::size_t> order(pieces.size() + 2);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::mt19937 rng(static_cast<unsigned>(piece_size));
    std::shuffle(order.begin(), order.end(), rng);

    merger m(base_options());
    std::istringstream stream(p1);
    for (std::size_t k : order) {
      if (k < pieces.size()) {
        m.add(source::buffer(pieces[k].second, "p0"), {.input = 0, .offset = pieces[k].first});
      } else if (k == pieces.size()) {
        m.add(source::stream(stream, "p1"), {.input = 1});
      } else {
        m.add(source::buffer(p2, "p2"), {.input = 2});
      }
    }
    EXPECT_EQ(finish(m), expected_) << "pieces of " << piece_size << " bytes";
  }
}

TEST_F(merger_test, absorbed_partial_merges_give_the_merge_result) {
  merger left(base_options(1));
  left.add(source::file(inputs_[2]), {.input = 2});
  left.add(source::file(inputs_[0]), {.input = 0});
  merger right(base_options(3));
  right.add(source::file(inputs_[1]), {.input = 1});

  merger total(base_options());
  total.absorb(std::move(right));
  total.absorb(std::move(left));
  EXPECT_EQ(finish(total), expected_);
}

TEST_F(merger_test, absorbing_is_refused_when_records_would_be_read_differently) {
  merger a(base_options());
  mergepipe::options other = base_options();
  other.rules.key = {"email"};
  merger b(other);
  try {
    a.absorb(std::move(b));
    FAIL() << "absorbed a merge keyed differently";
  } catch (const mergepipe::error& e) {
    EXPECT_EQ(e.code(), mergepipe::errc::usage);
  }
}

TEST_F(merger_test, snapshot_shows_the_winners_so_far_and_keeps_them) {
  merger m(base_options());
  m.add(source::file(inputs_[0]), {.input = 0});
  m.add(source::file(inputs_[1]), {.input = 1});

  mergepipe::options first_two = base_options();
  first_two.inputs = {inputs_[0], inputs_[1]};
  text_sink expected_so_far;
  mergepipe::merge(first_two, expected_so_far);
  text_sink snapshot;
  m.snapshot(snapshot);
  EXPECT_EQ(snapshot.text, expected_so_far.text);
  EXPECT_EQ(snapshot.finished, 1);

  m.add(source::file(inputs_[2]), {.input = 2});
  EXPECT_EQ(finish(m), expected_);
  EXPECT_EQ(finish(m), "") << "finish() leaves the merger empty";
}

TEST_F(merger_test, adding_a_source_twice_changes_nothing) {
  merger m(base_options());
  for (int round = 0; round < 2; ++round) {
    for (std::uint32_t i = 0; i < 3; ++i) m.add(source::file(inputs_[i]), {.input = i});
  }
  EXPECT_EQ(finish(m), expected_);
}

TEST_F(merger_test, a_failed_add_leaves_the_merger_as_it_was) {
  merger m(base_options());
  m.add(source::file(inputs_[0]), {.input = 0});
  std::string bad = "{\"id\":1,\"updated_at\":\"2030-01-01T00:00:00Z\"}\n{\"id\":2,\n";
  try {
    m.add(source::buffer(bad, "late-batch"), {.input = 1, .offset = 1000});
    FAIL() << "a bad record was accepted";
  } catch (const mergepipe::error& e) {
    EXPECT_EQ(e.code(), mergepipe::errc::bad_input);
    EXPECT_EQ(e.where().file, "late-batch");
    EXPECT_EQ(e.where().line, 2u) << "lines count within the source";
    EXPECT_EQ(e.where().offset, 1000u + bad.find("{\"id\":2")) << "offsets are the input's";
  }
  EXPECT_EQ(m.progress_report().records, 600u);
  m.add(source::file(inputs_[1]), {.input = 1});
  m.add(source::file(inputs_[2]), {.input = 2});
  EXPECT_EQ(finish(m), expected_);
}

TEST_F(merger_test, a_buffer_is_copied_when_added) {
  std::string bytes = mergepipe::testing::read_file(inputs_[0]);
  merger m(base_options());
  m.add(source::buffer(bytes), {.input = 0});
  std::fill(bytes.begin(), bytes.end(), ' ');
  m.add(source::file(inputs_[1]), {.input = 1});
  m.add(source::file(inputs_[2]), {.input = 2});
  EXPECT_EQ(finish(m), expected_);
}

TEST_F(merger_test, counts_add_up_over_adds_and_absorbs) {
  merger m(base_options());
  m.add(source::file(inputs_[0]), {.input = 0});
  merger other(base_options());
  other.add({source::file(inputs_[1]), source::file(inputs_[2])}, 1);
  m.absorb(std::move(other));
  EXPECT_EQ(m.progress_report().records, 1800u);
  EXPECT_EQ(m.progress_report().files, 3u);
  text_sink out;
  mergepipe::report r = m.finish(out);
  EXPECT_EQ(r.records, 1800u);
  EXPECT_EQ(r.output_records,
            static_cast<std::uint64_t>(std::count(expected_.begin(), expected_.end(), '\n')));
  EXPECT_EQ(r.superseded, r.records - r.distinct_keys);
}

TEST(merger_errors, standard_input_twice_in_one_add_is_a_usage_error) {
  merger m(base_options());
  try {
    m.add({source::file("-"), source::file("-")});
    FAIL() << "standard input was accepted twice";
  } catch (const mergepipe::error& e) {
    EXPECT_EQ(e.code(), mergepipe::errc::usage);
  }
}

TEST(merger_errors, a_missing_file_is_an_io_error_naming_it) {
  merger m(base_options());
  try {
    m.add(source::file("/nonexistent/mergepipe-input.json"), {});
    FAIL() << "a missing file was accepted";
  } catch (const mergepipe::error& e) {
    EXPECT_EQ(e.code(), mergepipe::errc::io);
    EXPECT_NE(std::string(e.what()).find("/nonexistent/mergepipe-input.json"), std::string::npos);
  }
}

// Said when the merger is made, not when the memory limit is first reached.
TEST(merger_errors, a_temporary_directory_that_is_no_directory_is_a_usage_error_naming_it) {
  mergepipe::options opts = base_options();
  opts.run.temp_dir = "/nonexistent/mergepipe-spill";
  try {
    merger m(opts);
    FAIL() << "a missing temporary directory was accepted";
  } catch (const mergepipe::error& e) {
    EXPECT_EQ(e.code(), mergepipe::errc::usage);
    EXPECT_NE(std::string(e.what()).find("/nonexistent/mergepipe-spill"), std::string::npos);
  }
}

TEST(json_stream_sink, frames_records_as_ndjson_or_array) {
  for (auto [format, none, two] :
       {std::tuple{mergepipe::output_format::ndjson, "", "{\"a\":1}\n{\"b\":2}\n"},
        std::tuple{mergepipe::output_format::array, "[]\n", "[\n{\"a\":1},\n{\"b\":2}\n]\n"}}) {
    std::ostringstream empty_out;
    mergepipe::json_stream_sink empty(empty_out, format);
    empty.finish();
    EXPECT_EQ(empty_out.str(), none);

    std::ostringstream out;
    mergepipe::json_stream_sink sink(out, format);
    sink.write("{\"a\":1}");
    sink.write("{\"b\":2}");
    sink.finish();
    EXPECT_EQ(out.str(), two);
  }
}

TEST(json_stream_sink, a_failed_stream_is_an_io_error) {
  std::ostringstream out;
  out.setstate(std::ios::badbit);
  mergepipe::json_stream_sink sink(out, mergepipe::output_format::ndjson);
  try {
    sink.write("{}");
    FAIL() << "writing to a failed stream succeeded";
  } catch (const mergepipe::error& e) {
    EXPECT_EQ(e.code(), mergepipe::errc::io);
  }
}

}  // namespace
