// What a program embedding the library meets beyond the merge itself: misuse answered with a
// usage error, errors that name their input, progress from the caller's thread, skipped
// records in the log, and strings handed over without a copy.

#include <gtest/gtest.h>
#include <simdjson.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <optional>
#include <sstream>
#include <thread>

#include "compressed_data.h"
#include "library_calls.h"
#include "mergepipe/mergepipe.h"
#include "record_generator.h"
#include "test_files.h"

namespace {

using mergepipe::errc;
using mergepipe::merger;
using mergepipe::source;
using mergepipe::testing::error_of;
using mergepipe::testing::finished;
using mergepipe::testing::temp_dir;

std::string ndjson_of(std::uint64_t seed, std::size_t count) {
  std::string text;
  for (const auto& r : mergepipe::testing::generate_records(seed, count, count / 3)) {
    text += r.json + "\n";
  }
  return text;
}

mergepipe::options small_chunks(unsigned threads = 4) {
  mergepipe::options opts;
  opts.run.threads = threads;
  opts.run.chunk_size = 4096;
  return opts;
}

TEST(library_use, every_call_on_a_moved_from_merger_is_a_usage_error) {
  temp_dir dir;
  const std::string input = dir.write("in.ndjson", ndjson_of(1, 200));
  merger from(small_chunks());
  merger to(std::move(from));
  std::ostringstream sink_text;
  mergepipe::json_stream_sink out(sink_text, mergepipe::output_format::ndjson);
  merger other(small_chunks());
  const std::vector<std::function<void()>> calls = {
      [&] { from.add(source::file(input), {}); },
      [&] { from.add(std::vector<source>{source::file(input)}); },
      [&] { to.absorb(std::move(from)); },
      [&] { from.absorb(std::move(other)); },
      [&] { from.save_partial({dir.file("bucket")}); },
      [&] { from.add_partial(dir.file("bucket")); },
      [&] { from.snapshot(out); },
      [&] { from.finish(out); },
      [&] { (void)from.progress_report(); },
  };
  for (std::size_t i = 0; i < calls.size(); ++i) {
    SCOPED_TRACE("call " + std::to_string(i));
    mergepipe::error e = error_of(calls[i]);
    EXPECT_EQ(e.code(), errc::usage);
    EXPECT_STREQ(e.what(), "this merger was moved from: use the merger it was moved to");
  }
  EXPECT_EQ(sink_text.str(), "");

  // Assigned to, it works again; the merger it went to never stopped working.
  from = merger(small_chunks());
  from.add(source::file(input), {});
  to.add(source::file(input), {});
  EXPECT_EQ(finished(from), finished(to));
}

TEST(library_use, a_file_sink_writes_one_output_and_says_so_when_reused) {
  temp_dir dir;
  merger m(small_chunks());
  m.add(source::buffer("{\"id\":1,\"v\":1}\n"), {});
  const std::string path = dir.file("out.ndjson");
  mergepipe::json_file_sink out(path, mergepipe::output_format::ndjson);
  m.snapshot(out);
  m.add(source::buffer("{\"id\":2,\"v\":2}\n"), {.input = 1});
  mergepipe::error e = error_of([&] { m.snapshot(out); });
  EXPECT_EQ(e.code(), errc::usage);
  EXPECT_EQ(std::string(e.what()), path +
                                       ": this output was already finished; a sink writes one "
                                       "output, so use a new one for each");
  EXPECT_EQ(mergepipe::testing::read_file(path), "{\"id\":1,\"v\":1}\n");
}

TEST(library_use, a_stream_sink_writes_one_whole_document_per_snapshot) {
  merger m(small_chunks());
  m.add(source::buffer("{\"id\":1}\n"), {});
  std::ostringstream text;
  mergepipe::json_stream_sink out(text, mergepipe::output_format::array);
  m.snapshot(out);
  m.add(source::buffer("{\"id\":2}\n"), {.input = 1});
  m.snapshot(out);
  EXPECT_EQ(text.str(), "[\n{\"id\":1}\n]\n[\n{\"id\":1},\n{\"id\":2}\n]\n");
}

TEST(library_use, errors_about_an_input_name_it_in_where) {
  temp_dir dir;
  const std::string missing = dir.file("missing.ndjson");
  merger m(small_chunks());
  mergepipe::error e = error_of([&] { m.add(source::file(missing), {}); });
  EXPECT_EQ(e.code(), errc::io);
  EXPECT_EQ(e.where().file, missing);
  EXPECT_EQ(e.reason(), "cannot open: No such file or directory");
  EXPECT_EQ(std::string(e.what()), missing + ": cannot open: No such file or directory");

  const std::string small = dir.write("small.ndjson", "{\"id\":1}\n");
  e = error_of([&] { m.add(source::file_range(small, 0, 100), {}); });
  EXPECT_EQ(e.code(), errc::usage);
  EXPECT_EQ(e.where().file, small);
  EXPECT_EQ(e.reason(), "byte range [0, 100) is not inside the file (9 bytes)");

  mergepipe::options by_other_key = small_chunks();
  by_other_key.rules.key = {"other"};
  merger saver(by_other_key);
  const std::string partial = dir.file("partial");
  saver.save_partial({partial});
  e = error_of([&] { m.add_partial(partial); });
  EXPECT_EQ(e.code(), errc::usage);
  EXPECT_EQ(e.where().file, partial);

  e = error_of([&] { m.add(source::buffer("{\"id\":1}\n{\"v\":2}\n", "batch"), {}); });
  EXPECT_EQ(e.code(), errc::bad_input);
  EXPECT_EQ(e.where().file, "batch");
  EXPECT_EQ(e.where().line, 2u);
  EXPECT_EQ(std::string(e.what()), "batch:2:1 (byte 9): missing key field \"id\"");
}

// Every kind of input: each call comes from the caller's thread, counts grow, and the last
// call says that everything was read.
TEST(library_use, progress_is_reported_on_the_callers_thread_and_ends_at_the_total) {
  temp_dir dir;
  const std::string text = ndjson_of(2, 20000);
  const std::string gz = mergepipe::testing::compressed(text, mergepipe::testing::codec::gzip);
  const std::string plain = dir.write("in.ndjson", text);
  const std::string packed = dir.write("in.ndjson.gz", gz);
  const std::size_t half = text.find('\n', text.size() / 2) + 1;
  std::istringstream stream(text);
  struct input_case {
    const char* name;
    std::vector<source> sources;
    std::uint64_t total;
  };
  const std::vector<input_case> cases = {
      {"file", {source::file(plain)}, text.size()},
      {"compressed file", {source::file(packed)}, gz.size()},
      {"pieces",
       {source::file_range(plain, 0, half), source::file_range(plain, half, text.size())},
       text.size()},
      {"buffer", {source::buffer(text)}, text.size()},
      {"stream of unknown size", {source::stream(stream)}, text.size()},
  };
  for (const input_case& c : cases) {
    SCOPED_TRACE(c.name);
    mergepipe::options opts = small_chunks();
    opts.run.progress_interval_seconds = 0;
    std::vector<mergepipe::progress> calls;
    bool all_on_caller = true;
    const std::thread::id caller = std::this_thread::get_id();
    opts.run.on_progress = [&](const mergepipe::progress& p) {
      all_on_caller = all_on_caller && std::this_thread::get_id() == caller;
      calls.push_back(p);  // no lock: the calls come from one thread
    };
    merger m(opts);
    m.add(c.sources);
    EXPECT_TRUE(all_on_caller);
    ASSERT_GE(calls.size(), 2u);
    for (std::size_t i = 1; i < calls.size(); ++i) {
      EXPECT_GE(calls[i].bytes_done, calls[i - 1].bytes_done);
    }
    EXPECT_EQ(calls.back().bytes_done, c.total);
    EXPECT_EQ(calls.back().bytes_total, c.total);
  }
}

struct callback_failure {
  int code;
};

TEST(library_use, an_exception_from_the_progress_callback_reaches_the_caller_unchanged) {
  mergepipe::options opts = small_chunks();
  opts.run.progress_interval_seconds = 0;
  opts.run.on_progress = [](const mergepipe::progress&) { throw callback_failure{42}; };
  merger m(opts);
  try {
    m.add(source::buffer(ndjson_of(3, 2000)), {});
    FAIL() << "the callback's exception was lost";
  } catch (const callback_failure& e) {
    EXPECT_EQ(e.code, 42);
  }
  EXPECT_EQ(m.progress_report().records, 0u);  // the failed add left nothing behind
}

TEST(library_use, an_exception_from_a_sink_reaches_the_caller_unchanged_and_the_merger_stays) {
  merger m(small_chunks());
  m.add(source::buffer(ndjson_of(5, 2000)), {});
  mergepipe::callback_sink failing([](std::string_view) { throw callback_failure{7}; });
  try {
    m.finish(failing);
    FAIL() << "the sink's exception was lost";
  } catch (const callback_failure& e) {
    EXPECT_EQ(e.code, 7);
  }
  std::ostringstream expected;
  mergepipe::json_stream_sink expected_out(expected, mergepipe::output_format::ndjson);
  mergepipe::options opts = small_chunks();
  mergepipe::merger again(opts);
  again.add(source::buffer(ndjson_of(5, 2000)), {});
  again.finish(expected_out);
  EXPECT_EQ(finished(m), expected.str());
}

TEST(library_use, skipped_records_are_logged_with_their_location_the_first_ten_one_by_one) {
  std::ostringstream log;
  auto logger = std::make_shared<spdlog::logger>(
      "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log));
  logger->set_pattern("%l %v");
  mergepipe::options opts = small_chunks();
  opts.on_error = mergepipe::error_policy::skip;
  opts.run.logger = logger;
  std::string input;
  for (int i = 0; i < 15; ++i) input += "{\"id\":" + std::to_string(i) + "}\nnonsense\n";
  merger m(opts);  // no reject sink: the log is where bad records show
  m.add(source::buffer(input, "batch"), {});
  EXPECT_EQ(m.progress_report().bad_records, 15u);

  std::vector<std::string> warnings;
  std::istringstream lines(log.str());
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("warning ", 0) == 0) warnings.push_back(line);
  }
  ASSERT_EQ(warnings.size(), 11u) << log.str();
  EXPECT_EQ(warnings[0],
            "warning skipped a bad record: batch:2:1 (byte 9): record is not a JSON object");
  EXPECT_NE(warnings[9].find("batch:20:1 "), std::string::npos) << warnings[9];
  EXPECT_EQ(warnings[10], "warning more bad records skipped, counted but not logged one by one");
}

struct seen_record {
  std::string json;
  std::string key;
  std::optional<mergepipe::instant> time;
  bool is_delete;
  mergepipe::position at;
  std::string parsed_name;  // read by simdjson from the view's bytes, in place
};

std::vector<seen_record> records_seen(mergepipe::options opts, const std::vector<source>& inputs) {
  std::vector<seen_record> seen;
  simdjson::ondemand::parser parser;
  mergepipe::callback_sink sink([&](const mergepipe::record_view& r) {
    std::string_view json = r.json();
    simdjson::ondemand::document doc =
        parser.iterate(json.data(), json.size(), json.size() + mergepipe::record_view::padding);
    std::string_view name;
    if (doc["name"].get_string().get(name) != simdjson::SUCCESS) name = "-";
    seen.push_back(
        {std::string(json), r.key(), r.time(), r.is_delete(), r.position(), std::string(name)});
  });
  merger m(std::move(opts));
  m.add(inputs);
  m.finish(sink);
  return seen;
}

TEST(library_use, a_sink_may_take_each_winner_as_data) {
  const std::string first =
      "{\"id\":17,\"ts\":\"2024-01-01T00:00:01.5Z\",\"name\":\"a\"}\n"
      "{\"id\":\"u-1\",\"name\":\"b\"}\n";
  const std::string second =
      "{\"id\":17.0,\"ts\":\"2024-01-01T00:00:02Z\",\"op\":\"d\"}\n"
      "{\"id\":1e21,\"ts\":null,\"name\":\"c\"}\n";
  mergepipe::options opts = small_chunks();
  opts.rules.timestamp_fields = {"ts"};
  opts.rules.delete_rules = {mergepipe::parse_delete_rule("op=d")};
  opts.rules.keep_deletes = true;
  std::vector<seen_record> seen =
      records_seen(opts, {source::buffer(first, "first"), source::buffer(second, "second")});
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].key, "\"u-1\"");
  EXPECT_FALSE(seen[0].time);
  EXPECT_EQ(seen[0].at.input, 0u);
  EXPECT_EQ(seen[0].at.offset, first.find("{\"id\":\"u-1\""));
  EXPECT_EQ(seen[0].parsed_name, "b");

  EXPECT_EQ(seen[1].key, "17");  // 17 and 17.0 are one key: the delete marker won
  EXPECT_TRUE(seen[1].is_delete);
  ASSERT_TRUE(seen[1].time);
  EXPECT_EQ(seen[1].time->seconds, 1704067202);
  EXPECT_EQ(seen[1].time->nanos, 0u);
  EXPECT_EQ(seen[1].at.input, 1u);
  EXPECT_EQ(seen[1].at.offset, 0u);
  EXPECT_EQ(seen[1].json, "{\"id\":17.0,\"ts\":\"2024-01-01T00:00:02Z\",\"op\":\"d\"}");

  EXPECT_EQ(seen[2].key, "1e+21");
  EXPECT_FALSE(seen[2].time);  // null
  EXPECT_FALSE(seen[2].is_delete);
  EXPECT_EQ(seen[2].parsed_name, "c");

  // Several key fields make an array; a merged object is stamped by its latest record.
  opts = small_chunks();
  opts.rules.key = {"id", "/region"};
  opts.rules.merge_fields = true;
  const std::string updates =
      "{\"id\":1,\"region\":\"eu\",\"name\":\"x\"}\n"
      "{\"id\":1,\"region\":\"eu\",\"v\":2}\n";
  seen = records_seen(opts, {source::buffer(updates)});
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].key, "[1,\"eu\"]");
  EXPECT_EQ(seen[0].json, "{\"id\":1,\"region\":\"eu\",\"name\":\"x\",\"v\":2}");
  EXPECT_EQ(seen[0].at.offset, updates.find('\n') + 1);
  EXPECT_EQ(seen[0].parsed_name, "x");
}

TEST(library_use, a_string_handed_over_is_merged_where_it_lies) {
  temp_dir dir;
  const std::string text = ndjson_of(4, 3000);
  mergepipe::options opts = small_chunks();
  opts.inputs = {dir.write("in.ndjson", text)};
  std::ostringstream expected;
  mergepipe::json_stream_sink expected_out(expected, mergepipe::output_format::ndjson);
  mergepipe::merge(opts, expected_out);

  std::string roomy = text;
  roomy.reserve(text.size() + source::padding);
  const char* bytes = roomy.data();
  source taken = source::buffer(std::move(roomy), "roomy");
  EXPECT_EQ(taken.bytes().data(), bytes);  // not copied
  EXPECT_EQ(taken.bytes(), text);

  std::string tight = text;
  tight.shrink_to_fit();
  merger m(small_chunks());
  m.add(taken, {});
  m.add(source::buffer(std::move(tight), "tight"), {});  // grown once, then kept
  EXPECT_EQ(finished(m), expected.str());
}

}  // namespace
