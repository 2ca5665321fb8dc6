// merger::append: bytes handed over as they arrive, cut anywhere, merge exactly as the whole
// input added at once; errors are located in the whole input; nothing counts until close.

#include <gtest/gtest.h>

#include <random>

#include "compressed_data.h"
#include "library_calls.h"
#include "mergepipe/mergepipe.h"
#include "record_generator.h"

namespace {

using mergepipe::errc;
using mergepipe::merger;
using mergepipe::source;
using mergepipe::testing::error_of;
using mergepipe::testing::finished;

std::string ndjson_of(std::uint64_t seed, std::size_t count, std::size_t keys) {
  std::string text;
  for (const auto& r : mergepipe::testing::generate_records(seed, count, keys)) {
    text += r.json + "\n";
  }
  return text;
}

std::string array_of(std::uint64_t seed, std::size_t count) {
  std::string text = "[\n";
  for (const auto& r : mergepipe::testing::generate_records(seed, count, count / 3)) {
    text += (text.size() > 2 ? ",\n  " : "  ") + r.json;
  }
  return text + "\n]\n";
}

mergepipe::options settings(unsigned threads, std::size_t chunk_size) {
  mergepipe::options opts;
  opts.run.threads = threads;
  opts.run.chunk_size = chunk_size;
  return opts;
}

// Appends `bytes` in pieces of random sizes, single bytes among them.
void append_in_pieces(mergepipe::appender& feed, std::string_view bytes, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::uniform_int_distribution<std::size_t> large(1, 70000);
  std::size_t at = 0;
  while (at < bytes.size()) {
    std::size_t n = std::min(bytes.size() - at, random() % 4 == 0 ? 1 : large(random));
    feed.append(bytes.substr(at, n));
    at += n;
  }
}

TEST(appender, bytes_cut_anywhere_merge_as_the_whole_input_for_every_thread_count_and_chunk) {
  const std::string ndjson = ndjson_of(1, 6000, 2000);
  const std::vector<std::pair<const char*, std::string>> inputs = {
      {"ndjson", ndjson},
      {"array", array_of(2, 6000)},
      {"gzip", mergepipe::testing::compressed(ndjson, mergepipe::testing::codec::gzip, 3)},
      {"zstd", mergepipe::testing::compressed(ndjson, mergepipe::testing::codec::zstd)},
  };
  const std::string before = ndjson_of(3, 500, 400);
  for (const auto& [name, bytes] : inputs) {
    merger whole(settings(2, 1 << 16));
    whole.add(source::buffer(before), {.input = 0});
    whole.add(source::buffer(bytes), {.input = 1});
    const std::string expected = finished(whole);
    for (unsigned threads : {1u, 2u, 4u}) {
      for (std::size_t chunk : {std::size_t{512}, std::size_t{1} << 16}) {
        SCOPED_TRACE(std::string(name) + ", " + std::to_string(threads) + " threads, chunks of " +
                     std::to_string(chunk));
        merger m(settings(threads, chunk));
        m.add(source::buffer(before), {.input = 0});
        mergepipe::appender feed = m.append({.input = 1});
        append_in_pieces(feed, bytes, threads * chunk);
        EXPECT_EQ(feed.appended(), bytes.size());
        feed.close();
        EXPECT_EQ(finished(m), expected);
      }
    }
  }
}

TEST(appender, bytes_appended_one_at_a_time_merge_as_the_whole_input) {
  for (const std::string& bytes : {ndjson_of(10, 300, 100), array_of(11, 300)}) {
    merger whole(settings(2, 4096));
    whole.add(source::buffer(bytes), {});
    merger m(settings(2, 4096));
    mergepipe::appender feed = m.append({});
    for (char c : bytes) feed.append(std::string_view(&c, 1));
    feed.close();
    EXPECT_EQ(finished(m), finished(whole));
  }
}

TEST(appender, an_appender_at_an_offset_merges_as_a_buffer_added_there) {
  // Equal timestamps: the position decides, so an offset off by one byte would show.
  const std::string first = "{\"id\":1,\"updated_at\":5,\"v\":\"first\"}\n";
  const std::string second = "{\"id\":1,\"updated_at\":5,\"v\":\"second\"}\n";
  merger m(settings(2, 4096));
  m.add(source::buffer(first), {.input = 1, .offset = 100});
  mergepipe::appender feed = m.append({.input = 1, .offset = 99});
  feed.append(second);
  feed.close();
  EXPECT_EQ(finished(m), "{\"id\":1,\"updated_at\":5,\"v\":\"first\"}\n");

  m.add(source::buffer(first), {.input = 1, .offset = 100});
  feed = m.append({.input = 1, .offset = 101});
  feed.append(second);
  feed.close();
  EXPECT_EQ(finished(m), "{\"id\":1,\"updated_at\":5,\"v\":\"second\"}\n");
}

TEST(appender, a_bad_record_is_located_in_the_whole_input_and_nothing_of_it_counts) {
  std::string bytes = ndjson_of(4, 3000, 1000);
  std::size_t line_start = 0;
  for (int line = 1; line < 2500; ++line) line_start = bytes.find('\n', line_start) + 1;
  bytes.insert(line_start, "{\"id\":7,\"updated_at\":\"soon\"}\n");

  merger reference(settings(2, 4096));
  const mergepipe::error expected =
      error_of([&] { reference.add(source::buffer(bytes, "feed"), {}); });
  ASSERT_EQ(expected.code(), errc::bad_input);
  ASSERT_EQ(expected.where().line, 2500u);

  merger m(settings(2, 4096));
  m.add(source::buffer(ndjson_of(5, 100, 100)), {.input = 1});
  mergepipe::appender feed = m.append({}, "feed");
  mergepipe::error e = error_of([&] {
    append_in_pieces(feed, bytes, 9);
    feed.close();
  });
  EXPECT_EQ(e.code(), errc::bad_input);
  EXPECT_STREQ(e.what(), expected.what());
  EXPECT_EQ(e.where().offset, line_start);

  e = error_of([&] { feed.append("{}"); });
  EXPECT_EQ(e.code(), errc::usage);
  EXPECT_STREQ(e.what(), "this appender is closed: its input failed");

  merger without(settings(2, 4096));
  without.add(source::buffer(ndjson_of(5, 100, 100)), {.input = 1});
  EXPECT_EQ(finished(m), finished(without));
}

TEST(appender, an_appender_dropped_before_close_merges_nothing) {
  merger m(settings(2, 4096));
  {
    mergepipe::appender feed = m.append({});
    feed.append(ndjson_of(6, 2000, 500));
  }
  EXPECT_EQ(m.progress_report().records, 0u);
  EXPECT_EQ(finished(m), "");
}

TEST(appender, the_merger_refuses_other_calls_while_an_appender_is_open) {
  merger m(settings(2, 4096));
  mergepipe::appender feed = m.append({}, "feed");
  feed.append("{\"id\":1,\"v\":1}\n");
  mergepipe::error e = error_of([&] { m.add(source::buffer("{\"id\":2}\n"), {.input = 1}); });
  EXPECT_EQ(e.code(), errc::usage);
  EXPECT_STREQ(e.what(), "this merger is being fed by an appender: close the appender first");
  e = error_of([&] { (void)m.append({.input = 2}); });
  EXPECT_EQ(e.code(), errc::usage);

  feed.close();
  e = error_of([&] { feed.close(); });
  EXPECT_EQ(e.code(), errc::usage);
  EXPECT_STREQ(e.what(), "this appender is closed: make a new one with merger::append");
  m.add(source::buffer("{\"id\":2,\"v\":2}\n"), {.input = 1});
  EXPECT_EQ(finished(m), "{\"id\":1,\"v\":1}\n{\"id\":2,\"v\":2}\n");
}

TEST(appender, a_merger_destroyed_or_assigned_to_abandons_its_appender) {
  mergepipe::appender feed = [] {
    merger m(settings(2, 4096));
    mergepipe::appender open = m.append({});
    open.append("{\"id\":1}\n");
    return open;
  }();
  mergepipe::error e = error_of([&] { feed.append("{\"id\":2}\n"); });
  EXPECT_EQ(e.code(), errc::usage);
  EXPECT_STREQ(e.what(),
               "this appender's input was abandoned: its merger was destroyed or assigned to");

  merger m(settings(2, 4096));
  feed = m.append({});
  m = merger(settings(2, 4096));
  EXPECT_EQ(error_of([&] { feed.close(); }).code(), errc::usage);
  mergepipe::appender moved = std::move(feed);
  EXPECT_STREQ(error_of([&] { feed.close(); }).what(),
               "this appender was moved from: use the one it was moved to");
}

struct sink_failure {
  int code;
};

class failing_rejects final : public mergepipe::reject_sink {
 public:
  void write(const mergepipe::rejected_record&) override { throw sink_failure{11}; }
};

TEST(appender, an_exception_from_the_reject_sink_reaches_the_caller_unchanged) {
  mergepipe::options opts = settings(2, 4096);
  opts.on_error = mergepipe::error_policy::skip;
  failing_rejects rejects;
  merger m(opts, &rejects);
  mergepipe::appender feed = m.append({});
  try {
    feed.append(ndjson_of(7, 1000, 100) + "{\"id\":\n" + ndjson_of(8, 1000, 100));
    feed.close();
    FAIL() << "the reject sink's exception was lost";
  } catch (const sink_failure& e) {
    EXPECT_EQ(e.code, 11);
  }
  EXPECT_EQ(m.progress_report().records, 0u);
}

// More than the queue holds is appended before close: the records are read while they arrive,
// and only the winners' bytes stay.
TEST(appender, a_feed_longer_than_the_queue_is_merged_while_it_arrives) {
  merger m(settings(2, 1 << 16));
  mergepipe::appender feed = m.append({});
  const std::string block = ndjson_of(9, 20000, 50);
  std::size_t appended = 0;
  for (std::uint64_t round = 0; appended < (std::size_t{40} << 20); ++round) {
    feed.append(block);
    appended += block.size();
  }
  feed.close();
  mergepipe::report counts = m.progress_report();
  EXPECT_EQ(counts.bytes, appended);
  EXPECT_EQ(counts.records, appended / block.size() * 20000);
  merger once(settings(2, 1 << 16));
  once.add(source::buffer(block), {});
  EXPECT_EQ(finished(m), finished(once));
}

}  // namespace
