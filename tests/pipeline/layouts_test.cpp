// Every grouping of the steps into filters gives the same result, byte for byte: outputs,
// rejects, counts and errors, at several thread counts, chunk sizes and token counts, for
// files and streams, under both error policies.

#include <gtest/gtest.h>

#include <sstream>

#include "compressed_data.h"
#include "engine_inputs.h"
#include "mergepipe/mergepipe.h"
#include "record_generator.h"
#include "test_files.h"

namespace {

using mergepipe::pipeline_layout;
using mergepipe::testing::collected_rejects;
using mergepipe::testing::input_layout;
using mergepipe::testing::serialize;
using mergepipe::testing::temp_dir;

// What a run gives: output, rejects and counts, or the error.
struct outcome {
  std::string output;
  std::vector<std::string> rejects;
  std::uint64_t records = 0;
  std::uint64_t bad_records = 0;
  std::string error;

  friend bool operator==(const outcome&, const outcome&) = default;
};

std::ostream& operator<<(std::ostream& os, const outcome& o) {
  os << "records " << o.records << ", bad " << o.bad_records << ", error '" << o.error << "', "
     << o.rejects.size() << " rejects, " << o.output.size() << " output bytes";
  return os;
}

struct run_settings {
  unsigned threads;
  std::size_t chunk_size;
  unsigned tokens;
};

enum class feed { file, stream };

// Good records with bad ones among them: invalid JSON, not an object, a missing key, a key
// that is null or an object, an invalid timestamp, a timestamp of the wrong type. Records the
// stamp step refuses come just before ones the parse step refuses, so that rejects in input
// order need both steps' findings merged.
std::string input_with_bad_records(input_layout how) {
  auto records = mergepipe::testing::generate_records(11, 1500, 200);
  records[2].json = "{\"id\":null}";
  // Cut short; in an array, where that would leave the rest undelimited, a trailing comma.
  records[3].json = how == input_layout::ndjson ? "{\"id\":1,\"updated_at\":\"2024-03-05\","
                                                : "{\"id\":1,\"updated_at\":\"2024-03-05\",}";
  records[170].json = "{\"no_id\":1}";
  records[171].json = "[1,2]";
  records[600].json = "{\"id\":{\"a\":1}}";
  records[601].json = "{\"id\":9,\"updated_at\":\"noon\"}";
  records[1200].json = "{\"id\":9,\"updated_at\":[1]}";
  records[1499].json = "{\"id\":9,\"updated_at\":\"2024-13-01\"}";
  return serialize(records, 0, records.size(), how);
}

// An array of one element per line, so that its chunks are cut by guess (the cut step
// guesses that a comma ending a line is between elements), with elements that make guesses
// fail: elements pretty-printed over lines that end in commas inside them, one holding an
// array of objects over two lines, an empty element and a bad record among them. `ending`
// follows the last element: a `]` with or without content after it, or nothing.
std::string array_that_breaks_guesses(const std::string& ending) {
  auto records = mergepipe::testing::generate_records(13, 400, 60);
  std::string text = "[\n";
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (i % 37 == 20) {
      text += mergepipe::testing::pretty(records[i].json);
    } else if (i == 150) {
      text += "{\"id\":7,\"list\":[{\"a\":1},\n{\"a\":2}],\"updated_at\":\"2024-01-02\"}";
    } else if (i == 230) {
      text += ",\n{\"id\":8,\"updated_at\":\"2024-01-02\",}";  // an empty element, then a bad one
    } else {
      text += records[i].json;
    }
    text += i + 1 < records.size() ? ",\n" : "\n";
  }
  return text + ending;
}

outcome run(const std::string& input, feed how, pipeline_layout layout,
            mergepipe::error_policy policy, run_settings settings) {
  mergepipe::options opts;
  opts.rules.delete_rules = {mergepipe::parse_delete_rule("op=d")};
  opts.on_error = policy;
  opts.run.layout = layout;
  opts.run.threads = settings.threads;
  opts.run.chunk_size = settings.chunk_size;
  opts.run.tokens = settings.tokens;
  outcome result;
  collected_rejects rejects;
  mergepipe::callback_sink sink([&](std::string_view record) {
    result.output.append(record);
    result.output += '\n';
  });
  std::istringstream stream(input);
  try {
    mergepipe::merger m(opts, &rejects);
    m.add(how == feed::file ? mergepipe::source::buffer(input, "in")
                            : mergepipe::source::stream(stream, "in"),
          {});
    mergepipe::report report = m.finish(sink);
    result.records = report.records;
    result.bad_records = report.bad_records;
    // The filters name their steps as the layout prints itself.
    std::string printed;
    for (const mergepipe::filter_report& f : report.filters) {
      if (!printed.empty()) printed += '|';
      printed += f.steps;
    }
    EXPECT_EQ(printed, layout.to_string());
  } catch (const mergepipe::error& e) {
    result.error = std::string(mergepipe::to_string(e.code())) + ": " + e.what();
  }
  result.rejects = std::move(rejects.lines);
  return result;
}

class layouts_test : public ::testing::TestWithParam<pipeline_layout> {};

// One chunk for each test input: its arrays are cut exactly, never by guess.
const run_settings reference{1, 1 << 26, 4};

std::vector<std::string> test_inputs() {
  return {
      input_with_bad_records(input_layout::ndjson),
      input_with_bad_records(input_layout::array_pretty),
      "[{\"id\":1},,{\"id\":2}, {\"id\":3] ",      // empty element, then no closing
      "[{\"id\":1},\n{\"id\":2,\"x\":\"open}]\n",  // an unterminated string
      "{\"id\":1}\n\n  \r\n{\"id\":2}\r\n{\"id\":1,\"op\":\"d\"}",  // blank lines, no final LF
      "[",                                                          // nothing after the [
  };
}

// Arrays of one element per line, whose chunks are cut by guess when they are files: a
// stream, compressed ones included, is always cut exactly, as the inputs above test.
std::vector<std::string> guessed_cut_inputs() {
  return {
      input_with_bad_records(input_layout::array_lines), array_that_breaks_guesses("]\n"),
      array_that_breaks_guesses("]\n{\"id\":9}\n"),  // content after the ]
      array_that_breaks_guesses(""),                 // no closing ]
  };
}

TEST_P(layouts_test, give_the_default_layouts_result) {
  const run_settings settings[] = {{1, 1 << 10, 1}, {2, 7777, 3}, {4, 300, 16}, {3, 1 << 20, 8}};
  std::vector<std::pair<std::string, std::vector<feed>>> cases;
  for (std::string& input : test_inputs())
    cases.emplace_back(std::move(input), std::vector{feed::file, feed::stream});
  for (std::string& input : guessed_cut_inputs())
    cases.emplace_back(std::move(input), std::vector{feed::file});
  for (const auto& [input, feeds] : cases) {
    for (auto policy : {mergepipe::error_policy::fail, mergepipe::error_policy::skip}) {
      outcome expected = run(input, feed::file, pipeline_layout{}, policy, reference);
      for (feed how : feeds) {
        for (const run_settings& s : settings) {
          EXPECT_EQ(run(input, how, GetParam(), policy, s), expected)
              << "input " << input.substr(0, 40) << ", policy "
              << (policy == mergepipe::error_policy::fail ? "fail" : "skip") << ", "
              << (how == feed::file ? "file" : "stream") << ", threads " << s.threads
              << ", chunk size " << s.chunk_size << ", tokens " << s.tokens;
        }
      }
    }
  }
}

// A compressed input gives what the same bytes uncompressed give, with the decompress step
// anywhere, in members or frames that split records.
TEST_P(layouts_test, read_compressed_inputs_as_the_plain_ones) {
  using mergepipe::testing::codec;
  const run_settings settings[] = {{1, 1 << 10, 1}, {2, 7777, 3}, {4, 300, 16}};
  for (const std::string& input : test_inputs()) {
    for (auto policy : {mergepipe::error_policy::fail, mergepipe::error_policy::skip}) {
      outcome expected = run(input, feed::file, pipeline_layout{}, policy, reference);
      for (codec c : {codec::gzip, codec::zstd}) {
        std::string packed = mergepipe::testing::compressed(input, c, 3);
        for (feed how : {feed::file, feed::stream}) {
          for (const run_settings& s : settings) {
            EXPECT_EQ(run(packed, how, GetParam(), policy, s), expected)
                << name_of(c) << ", input " << input.substr(0, 40) << ", "
                << (how == feed::file ? "file" : "stream") << ", threads " << s.threads
                << ", chunk size " << s.chunk_size;
          }
        }
      }
    }
  }
}

TEST(layouts_test, the_inputs_have_bad_records_of_every_kind) {
  std::string input = input_with_bad_records(input_layout::ndjson);
  outcome skipped =
      run(input, feed::file, pipeline_layout{}, mergepipe::error_policy::skip, {1, 4096, 4});
  EXPECT_EQ(skipped.bad_records, 8u);
  EXPECT_EQ(skipped.rejects.size(), 8u);
  EXPECT_FALSE(skipped.output.empty());
  outcome failed =
      run(input, feed::file, pipeline_layout{}, mergepipe::error_policy::fail, {1, 4096, 4});
  EXPECT_NE(failed.error.find("in:3:"), std::string::npos) << failed.error;
  EXPECT_TRUE(failed.output.empty());
}

// The guesses are taken, and the wrong ones cut again: the tests above compare their results
// with the exact cut's.
TEST(layouts_test, arrays_of_one_element_per_line_are_cut_by_guess) {
  auto report_of = [](const std::string& input) {
    mergepipe::options opts;
    opts.on_error = mergepipe::error_policy::skip;
    opts.run.threads = 2;
    opts.run.chunk_size = 1024;
    mergepipe::callback_sink sink([](std::string_view) {});
    mergepipe::merger m(opts);
    m.add(mergepipe::source::buffer(input, "in"), {});
    return m.finish(sink);
  };
  auto records = mergepipe::testing::generate_records(5, 600, 100);
  mergepipe::report lines =
      report_of(serialize(records, 0, records.size(), input_layout::array_lines));
  EXPECT_GT(lines.guessed_chunks, lines.chunks / 2);
  EXPECT_EQ(lines.recut_chunks, 0u);
  mergepipe::report broken = report_of(array_that_breaks_guesses("]\n"));
  EXPECT_GT(broken.recut_chunks, 0u);
  EXPECT_LT(broken.recut_chunks, broken.guessed_chunks);
  mergepipe::report pretty =
      report_of(serialize(records, 0, records.size(), input_layout::array_pretty));
  EXPECT_EQ(pretty.guessed_chunks, 0u);
  EXPECT_GT(pretty.chunks, 10u);
}

std::string layout_name(const ::testing::TestParamInfo<pipeline_layout>& info) {
  std::string name = info.param.to_string();
  for (char& c : name) {
    if (c == '|') c = '_';
    if (c == '+') c = 'x';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(every, layouts_test, ::testing::ValuesIn(pipeline_layout::all()),
                         layout_name);

}  // namespace

namespace mergepipe {
// Failures name the layout as a user writes it.
void PrintTo(const pipeline_layout& layout, std::ostream* os) { *os << layout.to_string(); }
}  // namespace mergepipe
