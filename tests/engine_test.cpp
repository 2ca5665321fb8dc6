// The engine against a deliberately simple sequential reference, over every input layout,
// and byte-identical results across threads, chunk sizes and token counts.

#include <gtest/gtest.h>

#include <sstream>
#include <tuple>

#include "compressed_data.h"
#include "engine_inputs.h"
#include "mergepipe/mergepipe.h"
#include "record_generator.h"
#include "reference_merge.h"
#include "test_files.h"

namespace {

using mergepipe::testing::collected_rejects;
using mergepipe::testing::generate_records;
using mergepipe::testing::generated_record;
using mergepipe::testing::input_layout;
using mergepipe::testing::reference_merge;
using mergepipe::testing::run_merge;
using mergepipe::testing::serialize;
using mergepipe::testing::temp_dir;

mergepipe::options options_for(std::vector<std::string> inputs) {
  mergepipe::options opts;
  opts.inputs = std::move(inputs);
  opts.rules.delete_rules = {mergepipe::parse_delete_rule("op=d")};
  return opts;
}

class engine_layout_test : public ::testing::TestWithParam<input_layout> {};

TEST_P(engine_layout_test, matches_reference_in_one_file_and_split_across_two) {
  temp_dir dir;
  auto records = generate_records(42, 3000, 400);
  std::string expected = reference_merge(records);
  ASSERT_FALSE(expected.empty());

  std::string whole = dir.write("all", serialize(records, 0, records.size(), GetParam()));
  mergepipe::options opts = options_for({whole});
  opts.run.chunk_size = 4096;
  EXPECT_EQ(run_merge(opts), expected);

  std::size_t half = records.size() / 2;
  std::string first = dir.write("first", serialize(records, 0, half, GetParam()));
  std::string second = dir.write("second", serialize(records, half, records.size(), GetParam()));
  EXPECT_EQ(run_merge(options_for({first, second})), expected);
}

INSTANTIATE_TEST_SUITE_P(layouts, engine_layout_test,
                         ::testing::Values(input_layout::ndjson, input_layout::array_compact,
                                           input_layout::array_lines, input_layout::array_pretty));

// threads x chunk size x tokens: the result never changes.
class engine_determinism_test
    : public ::testing::TestWithParam<std::tuple<unsigned, std::size_t, unsigned>> {
 protected:
  static void SetUpTestSuite() {
    dir_ = new temp_dir;
    records_ = new std::vector<generated_record>(generate_records(7, 6000, 1500));
    expected_ = new std::string(reference_merge(*records_));
    ndjson_ =
        dir_->write("in.ndjson", serialize(*records_, 0, records_->size(), input_layout::ndjson));
    array_ = dir_->write("in.json",
                         serialize(*records_, 0, records_->size(), input_layout::array_compact));
  }
  static void TearDownTestSuite() {
    delete dir_;
    delete records_;
    delete expected_;
  }

  static inline temp_dir* dir_ = nullptr;
  static inline std::vector<generated_record>* records_ = nullptr;
  static inline std::string* expected_ = nullptr;
  static inline std::string ndjson_, array_;
};

TEST_P(engine_determinism_test, output_is_identical) {
  auto [threads, chunk_size, tokens] = GetParam();
  for (const std::string& input : {ndjson_, array_}) {
    mergepipe::options opts = options_for({input});
    opts.run.threads = threads;
    opts.run.chunk_size = chunk_size;
    opts.run.tokens = tokens;
    EXPECT_EQ(run_merge(opts), *expected_) << input;
  }
}

INSTANTIATE_TEST_SUITE_P(
    sweep, engine_determinism_test,
    ::testing::Combine(::testing::Values(1u, 2u, 4u, 8u),
                       ::testing::Values(std::size_t{1} << 10, std::size_t{7777},
                                         std::size_t{64} << 10, std::size_t{8} << 20),
                       ::testing::Values(1u, 3u, 32u)));

TEST(engine_test, record_larger_than_chunk_size_grows_its_chunk) {
  temp_dir dir;
  std::string big(200000, 'x');
  std::string input = "[{\"id\":1,\"v\":\"" + big + "\"},{\"id\":2}]";
  mergepipe::options opts = options_for({dir.write("big.json", input)});
  opts.run.chunk_size = 1024;
  EXPECT_EQ(run_merge(opts), "{\"id\":1,\"v\":\"" + big + "\"}\n{\"id\":2}\n");
}

TEST(engine_test, first_bad_record_in_input_order_is_reported_at_every_thread_count) {
  temp_dir dir;
  auto records = generate_records(3, 4000, 500);
  records[1500].json = "{\"no_id\":1}";
  records[3900].json = "{\"id\":1,\"updated_at\":\"yesterday\"}";
  std::string path =
      dir.write("bad.ndjson", serialize(records, 0, records.size(), input_layout::ndjson));
  for (unsigned threads : {1u, 2u, 8u}) {
    mergepipe::options opts = options_for({path});
    opts.run.threads = threads;
    opts.run.chunk_size = 1024;
    bool wrote = false;
    mergepipe::callback_sink sink([&](std::string_view) { wrote = true; });
    try {
      mergepipe::merge(opts, sink);
      FAIL() << "no error";
    } catch (const mergepipe::error& e) {
      EXPECT_EQ(e.code(), mergepipe::errc::bad_input);
      EXPECT_EQ(e.where().line, 1501u);
      EXPECT_EQ(e.where().column, 1u);
      EXPECT_EQ(e.reason(), "missing key field \"id\"");
    }
    EXPECT_FALSE(wrote);
  }
}

TEST(engine_test, skip_policy_rejects_every_bad_record_in_order) {
  temp_dir dir;
  std::string input =
      "{\"id\":1}\n"
      "{\"id\":2,\"updated_at\":true}\n"
      "not json\n"
      "  {\"id\":{}}\n"
      "{\"id\":3}\n";
  mergepipe::options opts = options_for({dir.write("in", input)});
  opts.on_error = mergepipe::error_policy::skip;
  opts.run.chunk_size = 16;
  collected_rejects rejects;
  std::string out;
  mergepipe::callback_sink sink([&](std::string_view r) { out += std::string(r) + "\n"; });
  mergepipe::report report = mergepipe::merge(opts, sink, &rejects);
  EXPECT_EQ(out, "{\"id\":1}\n{\"id\":3}\n");
  EXPECT_EQ(report.bad_records, 3u);
  EXPECT_EQ(report.records, 2u);
  ASSERT_EQ(rejects.lines.size(), 3u);
  EXPECT_NE(rejects.lines[0].find("\"line\":2,\"column\":1,\"offset\":9,\"error\":\"timestamp "
                                  "field \\\"updated_at\\\" is a boolean\""),
            std::string::npos)
      << rejects.lines[0];
  EXPECT_NE(rejects.lines[1].find("\"line\":3"), std::string::npos);
  EXPECT_NE(rejects.lines[2].find("\"line\":4,\"column\":3"), std::string::npos)
      << rejects.lines[2];
  EXPECT_NE(rejects.lines[2].find("\"raw\":\"{\\\"id\\\":{}}\""), std::string::npos)
      << rejects.lines[2];
}

TEST(engine_test, report_counts_superseded_and_deleted) {
  temp_dir dir;
  std::string input =
      "{\"id\":1,\"updated_at\":1}\n"
      "{\"id\":1,\"updated_at\":2}\n"
      "{\"id\":2,\"updated_at\":1}\n"
      "{\"id\":2,\"updated_at\":2,\"op\":\"d\"}\n"
      "{\"id\":3}\n";
  mergepipe::options opts = options_for({dir.write("in", input)});
  std::string out;
  mergepipe::callback_sink sink([&](std::string_view r) { out += std::string(r) + "\n"; });
  mergepipe::report report = mergepipe::merge(opts, sink);
  EXPECT_EQ(out, "{\"id\":1,\"updated_at\":2}\n{\"id\":3}\n");
  EXPECT_EQ(report.records, 5u);
  EXPECT_EQ(report.distinct_keys, 3u);
  EXPECT_EQ(report.superseded, 2u);
  EXPECT_EQ(report.deleted, 1u);
  EXPECT_EQ(report.output_records, 2u);
  EXPECT_EQ(report.bytes, input.size());
}

// Runs `opts` with progress reported at every chunk, and checks that every report counts
// against `total` bytes and never goes back.
void expect_progress_toward(mergepipe::options opts, std::uint64_t total) {
  opts.run.chunk_size = 4096;
  opts.run.progress_interval_seconds = 0;
  std::vector<mergepipe::progress> seen;
  opts.run.on_progress = [&](const mergepipe::progress& p) { seen.push_back(p); };
  run_merge(opts);
  ASSERT_GT(seen.size(), 10u);
  for (std::size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].bytes_total, total);
    EXPECT_LE(seen[i].bytes_done, total);
    if (i > 0) {
      EXPECT_GE(seen[i].bytes_done, seen[i - 1].bytes_done);
    }
  }
  EXPECT_GT(seen.back().bytes_done, seen.front().bytes_done);
}

TEST(engine_test, progress_reports_growing_byte_counts_of_the_known_total) {
  temp_dir dir;
  auto records = generate_records(5, 2000, 300);
  std::string input = serialize(records, 0, records.size(), input_layout::ndjson);
  expect_progress_toward(options_for({dir.write("in", input)}), input.size());
}

// A compressed file counts its compressed bytes against its size.
TEST(engine_test, progress_counts_a_compressed_files_compressed_bytes) {
  temp_dir dir;
  auto records = generate_records(6, 20000, 3000);
  std::string packed = mergepipe::testing::compressed(
      serialize(records, 0, records.size(), input_layout::ndjson), mergepipe::testing::codec::gzip);
  expect_progress_toward(options_for({dir.write("in.gz", packed)}), packed.size());
}

// Streams and decompressed inputs are read once: their bytes are given back behind the
// merge (in runs of megabytes, so the input is long) and the records that may still win are
// copied. The result is the one of the same bytes held in memory, in every layout.
TEST(engine_test, long_read_once_inputs_give_the_result_of_the_same_bytes_in_memory) {
  auto records = generate_records(9, 150000, 5000);
  for (input_layout how : {input_layout::ndjson, input_layout::array_compact}) {
    const std::string input = serialize(records, 0, records.size(), how);
    ASSERT_GT(input.size(), 16u << 20);  // releases come in runs of 8 MB
    auto merge = [](const mergepipe::source& from, const char* layout) {
      mergepipe::options opts = options_for({});
      opts.run.threads = 2;
      opts.run.chunk_size = 64 << 10;
      opts.run.layout = mergepipe::pipeline_layout::parse(layout);
      std::string out;
      mergepipe::callback_sink sink([&](std::string_view r) {
        out += r;
        out += '\n';
      });
      mergepipe::merger m(opts);
      m.add(from, {});
      m.finish(sink);
      return out;
    };
    const std::string expected =
        merge(mergepipe::source::buffer(input, "in"), "read+cut|parse+stamp|order|merge");
    ASSERT_FALSE(expected.empty());
    const std::string gz = mergepipe::testing::compressed(input, mergepipe::testing::codec::gzip, 2);
    const std::string zst = mergepipe::testing::compressed(input, mergepipe::testing::codec::zstd);
    for (const char* layout :
         {"read+cut|parse+stamp|order|merge", "read|decompress|cut|parse|stamp|order+merge"}) {
      SCOPED_TRACE(layout);
      std::istringstream plain_stream(input);
      EXPECT_EQ(merge(mergepipe::source::stream(plain_stream, "in"), layout), expected);
      EXPECT_EQ(merge(mergepipe::source::buffer(gz, "in"), layout), expected);
      std::istringstream zst_stream(zst);
      EXPECT_EQ(merge(mergepipe::source::stream(zst_stream, "in"), layout), expected);
    }
  }
}

}  // namespace
