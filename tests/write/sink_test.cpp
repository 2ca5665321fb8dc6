// Output files: the two layouts, atomic replacement (nothing visible before finish(), nothing
// left behind on failure), I/O errors, and the JSON form of rejected records.

#include "mergepipe/sink.h"

#include <gtest/gtest.h>
#include <simdjson.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <functional>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "mergepipe/error.h"
#include "mergepipe/mergepipe.h"
#include "record_generator.h"
#include "test_files.h"
#include "unprivileged.h"

namespace {

namespace fs = std::filesystem;
using mergepipe::json_file_sink;
using mergepipe::output_format;
using mergepipe::reject_to_json;
using mergepipe::rejected_record;
using mergepipe::rejects_file_sink;
using mergepipe::testing::as_unprivileged_user;
using mergepipe::testing::can_become_unprivileged;
using mergepipe::testing::give_to_unprivileged_user;
using mergepipe::testing::read_file;
using mergepipe::testing::temp_dir;

// Names of the entries of a directory, sorted.
std::vector<std::string> entries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir))
    names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string write_all(const std::string& path, output_format format,
                      const std::vector<std::string>& records) {
  json_file_sink sink(path, format);
  for (const std::string& record : records) sink.write(record);
  sink.finish();
  return read_file(path);
}

// --- layouts ---

TEST(sink_test, ndjson_writes_each_record_and_a_newline) {
  temp_dir dir;
  EXPECT_EQ(
      write_all(dir.file("out"), output_format::ndjson, {"{\"a\":1}", "{\"b\":\"x\\ny\"}", "{}"}),
      "{\"a\":1}\n{\"b\":\"x\\ny\"}\n{}\n");
}

TEST(sink_test, ndjson_without_records_is_an_empty_file) {
  temp_dir dir;
  std::string path = dir.file("out");
  EXPECT_EQ(write_all(path, output_format::ndjson, {}), "");
  EXPECT_TRUE(fs::is_regular_file(path));
}

TEST(sink_test, array_joins_records_with_comma_newline) {
  temp_dir dir;
  EXPECT_EQ(write_all(dir.file("out"), output_format::array, {"{\"a\":1}", "{\"b\":2}", "{}"}),
            "[\n{\"a\":1},\n{\"b\":2},\n{}\n]\n");
  EXPECT_EQ(write_all(dir.file("one"), output_format::array, {"{\"a\":1}"}), "[\n{\"a\":1}\n]\n");
}

TEST(sink_test, array_without_records_is_empty_brackets) {
  temp_dir dir;
  EXPECT_EQ(write_all(dir.file("out"), output_format::array, {}), "[]\n");
}

TEST(sink_test, records_larger_than_the_buffer_are_written_whole) {
  temp_dir dir;
  std::vector<std::string> records;
  std::string expected;
  // Sizes around the 1 MiB buffer: below it, several filling it, and one far beyond.
  for (std::size_t size : {std::size_t{100}, std::size_t{700} << 10, std::size_t{700} << 10,
                           std::size_t{3} << 20, std::size_t{10}}) {
    records.push_back("{\"v\":\"" + std::string(size, static_cast<char>('a' + records.size())) +
                      "\"}");
    expected += records.back() + "\n";
  }
  EXPECT_EQ(write_all(dir.file("big"), output_format::ndjson, records), expected);
}

// --- atomicity ---

TEST(sink_test, target_appears_only_at_finish) {
  temp_dir dir;
  std::string path = dir.file("out.json");
  {
    json_file_sink sink(path, output_format::array);
    sink.write("{\"a\":1}");
    EXPECT_FALSE(fs::exists(path));
    sink.finish();
    EXPECT_EQ(read_file(path), "[\n{\"a\":1}\n]\n");
  }
  // No temporary file is left beside it.
  EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"out.json"});
}

TEST(sink_test, destroying_without_finish_leaves_no_file) {
  temp_dir dir;
  {
    json_file_sink sink(dir.file("out.json"), output_format::ndjson);
    sink.write("{\"a\":1}");
    sink.write(std::string(3 << 20, ' '));  // forces bytes into the temporary file
  }
  EXPECT_TRUE(entries(dir.path()).empty());
  { json_file_sink unused(dir.file("out.json"), output_format::array); }
  EXPECT_TRUE(entries(dir.path()).empty());
}

TEST(sink_test, destroying_without_finish_leaves_existing_target_untouched) {
  temp_dir dir;
  std::string path = dir.write("out.json", "old contents\n");
  {
    json_file_sink sink(path, output_format::ndjson);
    sink.write("{\"a\":1}");
  }
  EXPECT_EQ(read_file(path), "old contents\n");
  EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"out.json"});
}

TEST(sink_test, finish_replaces_existing_target_and_keeps_its_mode) {
  temp_dir dir;
  std::string path = dir.write("out.json", "old contents that are longer than the new ones\n");
  ASSERT_EQ(::chmod(path.c_str(), 0640), 0);
  EXPECT_EQ(write_all(path, output_format::ndjson, {"{}"}), "{}\n");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640U);
  EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"out.json"});
}

TEST(sink_test, relative_path_is_written_in_the_working_directory) {
  temp_dir dir;
  fs::path previous = fs::current_path();
  fs::current_path(dir.path());
  EXPECT_EQ(write_all("relative.ndjson", output_format::ndjson, {"{}"}), "{}\n");
  fs::current_path(previous);
  EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"relative.ndjson"});
}

// --- I/O errors ---

// Runs `action`, which must throw an I/O error whose message names `path`.
void expect_io_error(const std::string& path, const std::function<void()>& action) {
  try {
    action();
    ADD_FAILURE() << "no exception";
  } catch (const mergepipe::error& e) {
    EXPECT_EQ(e.code(), mergepipe::errc::io) << e.what();
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

TEST(sink_test, nonexistent_directory_is_an_io_error) {
  temp_dir dir;
  std::string path = dir.file("missing/out.json");
  expect_io_error(path, [&] {
    json_file_sink sink(path, output_format::ndjson);
    sink.write("{}");
    sink.finish();
  });
  expect_io_error(path, [&] {
    json_file_sink sink(path, output_format::array);
    sink.finish();
  });
  expect_io_error(path, [&] {
    rejects_file_sink sink(path);
    sink.finish();
  });
  EXPECT_TRUE(entries(dir.path()).empty());
}

TEST(sink_test, unwritable_directory_is_an_io_error) {
  if (!can_become_unprivileged()) GTEST_SKIP() << "running as root, and cannot become nobody";
  temp_dir dir;
  std::string locked = dir.file("locked");
  ASSERT_TRUE(fs::create_directory(locked));
  ASSERT_EQ(::chmod(locked.c_str(), 0500), 0);
  give_to_unprivileged_user(dir.path());
  give_to_unprivileged_user(locked);
  std::optional<mergepipe::error> caught;
  try {
    as_unprivileged_user<mergepipe::error>([&] {
      json_file_sink sink(locked + "/out.json", output_format::ndjson);
      sink.write("{}");
      sink.finish();
    });
  } catch (const mergepipe::error& e) {
    caught = e;
  }
  ::chmod(locked.c_str(), 0700);
  ASSERT_TRUE(caught);
  EXPECT_EQ(caught->code(), mergepipe::errc::io);
  EXPECT_TRUE(entries(locked).empty());
}

// A file size limit makes write(2) fail with EFBIG, like a full disk, even for root.
class file_size_limit {
 public:
  explicit file_size_limit(rlim_t bytes) {
    previous_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    ::getrlimit(RLIMIT_FSIZE, &previous_);
    rlimit limited = previous_;
    limited.rlim_cur = bytes;
    ::setrlimit(RLIMIT_FSIZE, &limited);
  }
  ~file_size_limit() {
    ::setrlimit(RLIMIT_FSIZE, &previous_);
    std::signal(SIGXFSZ, previous_handler_);
  }
  file_size_limit(const file_size_limit&) = delete;
  file_size_limit& operator=(const file_size_limit&) = delete;

 private:
  rlimit previous_{};
  void (*previous_handler_)(int) = nullptr;
};

// Fills a sink to `out.json`, which holds "old contents", under a file size limit of `bytes`:
// the writes fail with an I/O error and leave the target as it was, and nothing beside it.
void expect_failure_leaves_the_target(rlim_t bytes,
                                      const std::function<void(json_file_sink&)>& fill) {
  temp_dir dir;
  std::string path = dir.write("out.json", "old contents\n");
  std::optional<mergepipe::error> caught;
  {
    file_size_limit limit(bytes);
    try {
      json_file_sink sink(path, output_format::ndjson);
      fill(sink);
      sink.finish();
    } catch (const mergepipe::error& e) {
      caught = e;
    }
  }
  ASSERT_TRUE(caught) << "no exception";
  EXPECT_EQ(caught->code(), mergepipe::errc::io) << caught->what();
  EXPECT_EQ(read_file(path), "old contents\n");
  EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"out.json"});
}

TEST(sink_test, failed_write_is_an_io_error_and_leaves_the_target_untouched) {
  expect_failure_leaves_the_target(4096, [](json_file_sink& sink) {
    for (int i = 0; i < 3; ++i) sink.write(std::string(1 << 20, 'x'));
  });
}

// --- a merge's output, written in blocks ---

// A merge of generated records (several blocks of winners) into `sink`.
void merge_into(mergepipe::record_sink& sink, unsigned threads, unsigned tokens,
                const std::string& input) {
  mergepipe::options opts;
  opts.run.threads = threads;
  opts.run.tokens = tokens;
  opts.run.chunk_size = 64 << 10;
  mergepipe::merger m(opts);
  m.add(mergepipe::source::buffer(input, "in"), {});
  m.finish(sink);
}

std::string generated_input(std::size_t count, std::size_t distinct) {
  std::string input;
  for (const auto& record : mergepipe::testing::generate_records(3, count, distinct))
    input += record.json + "\n";
  return input;
}

// A file sink to a regular file takes the winners in blocks written at their offsets from
// several threads; a stream sink takes them one by one, in order. Same bytes.
TEST(sink_test, a_merge_into_a_file_writes_what_a_stream_gets) {
  temp_dir dir;
  const std::string input = generated_input(9000, 6000);
  for (output_format format : {output_format::ndjson, output_format::array}) {
    std::ostringstream expected;
    mergepipe::json_stream_sink stream(expected, format);
    merge_into(stream, 1, 1, input);
    const std::string text = expected.str();
    ASSERT_GT(std::count(text.begin(), text.end(), '\n'), 3000);
    for (auto [threads, tokens] : {std::pair{1u, 1u}, {2u, 3u}, {4u, 16u}}) {
      const std::string path = dir.file("out.json");
      json_file_sink file(path, format);
      merge_into(file, threads, tokens, input);
      EXPECT_EQ(read_file(path), text) << (format == output_format::ndjson ? "ndjson" : "array")
                                       << ", " << threads << " threads, " << tokens << " tokens";
    }
  }
  for (output_format format : {output_format::ndjson, output_format::array}) {
    const std::string path = dir.file("empty.json");
    json_file_sink file(path, format);
    merge_into(file, 2, 4, "");
    EXPECT_EQ(read_file(path), format == output_format::ndjson ? "" : "[]\n");
  }
}

// A file sink to anything but a regular file (standard output, a pipe) takes the winners in
// blocks written in order, each whole: the same bytes as a stream gets, through a pipe.
TEST(sink_test, a_merge_into_a_pipe_writes_what_a_stream_gets) {
  temp_dir dir;
  const std::string input = generated_input(9000, 6000);
  const std::string fifo = dir.file("pipe");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  for (output_format format : {output_format::ndjson, output_format::array}) {
    std::ostringstream expected;
    mergepipe::json_stream_sink stream(expected, format);
    merge_into(stream, 1, 1, input);
    for (auto [threads, tokens] : {std::pair{1u, 1u}, {2u, 3u}, {4u, 16u}}) {
      std::string received;
      std::thread reader([&] { received = read_file(fifo); });
      json_file_sink pipe(fifo, format);
      merge_into(pipe, threads, tokens, input);
      reader.join();
      EXPECT_EQ(received, expected.str()) << (format == output_format::ndjson ? "ndjson" : "array")
                                          << ", " << threads << " threads, " << tokens << " tokens";
    }
  }
}

// Records a caller wrote first stay first: the merge's winners follow them, in order.
TEST(sink_test, a_merge_into_a_file_written_to_before_follows_what_is_there) {
  temp_dir dir;
  const std::string input = generated_input(3000, 2000);
  for (output_format format : {output_format::ndjson, output_format::array}) {
    std::ostringstream expected;
    mergepipe::json_stream_sink stream(expected, format);
    stream.write("{\"first\":true}");
    merge_into(stream, 2, 4, input);
    const std::string path = dir.file("out.json");
    json_file_sink file(path, format);
    file.write("{\"first\":true}");
    merge_into(file, 2, 4, input);
    EXPECT_EQ(read_file(path), expected.str());
  }
}

TEST(sink_test, a_failed_block_write_is_an_io_error_and_leaves_the_target_untouched) {
  const std::string input = generated_input(9000, 6000);
  expect_failure_leaves_the_target(64 << 10,
                                   [&](json_file_sink& sink) { merge_into(sink, 2, 4, input); });
}

// --- rejects ---

rejected_record sample_reject(std::string_view raw) {
  rejected_record r;
  r.file = "data.json";
  r.line = 1042;
  r.column = 17;
  r.offset = 301223;
  r.reason = "missing key field \"id\"";
  r.raw = raw;
  return r;
}

TEST(sink_test, reject_to_json_writes_all_fields) {
  EXPECT_EQ(reject_to_json(sample_reject("{\"x\":1}")),
            R"({"file":"data.json","line":1042,"column":17,"offset":301223,)"
            R"("error":"missing key field \"id\"","raw":"{\"x\":1}"})");
}

TEST(sink_test, reject_to_json_escapes_quotes_backslashes_and_control_characters) {
  std::string raw = std::string("q\" b\\ n\n r\r t\t nul") + '\0' + " \x01\x1f \x7f \u00e9\u6771 /";
  rejected_record r = sample_reject(raw);
  r.file = "dir\\odd \"name\".json";
  std::string json = reject_to_json(r);
  EXPECT_NE(json.find(R"("raw":"q\" b\\ n\n r\r t\t nul\u0000 \u0001\u001f )"), std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("file":"dir\\odd \"name\".json")"), std::string::npos) << json;

  // Whatever the spelling, a JSON parser gets the exact strings back.
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << json;
  EXPECT_EQ(std::string_view(doc["raw"]), raw);
  EXPECT_EQ(std::string_view(doc["file"]), r.file);
  EXPECT_EQ(std::string_view(doc["error"]), r.reason);
  EXPECT_EQ(std::uint64_t(doc["line"]), 1042U);
  EXPECT_EQ(std::uint64_t(doc["column"]), 17U);
  EXPECT_EQ(std::uint64_t(doc["offset"]), 301223U);
}

TEST(sink_test, reject_to_json_stays_valid_json_for_names_that_are_not_utf8) {
  // File names come from the command line: any bytes but NUL and '/'.
  rejected_record r = sample_reject("{}");
  r.file = "caf\xe9-\xff\xfe-\xe6\x9d-\xf0\x9f\x98\x80.json";
  r.reason = "missing key field \"\xc0\xaf\"";
  std::string json = reject_to_json(r);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << json;
  // Each byte that starts no valid sequence becomes U+FFFD; valid sequences stay.
  EXPECT_EQ(std::string_view(doc["file"]), "caf\uFFFD-\uFFFD\uFFFD-\uFFFD\uFFFD-\U0001F600.json");
  EXPECT_EQ(std::string_view(doc["error"]), "missing key field \"\uFFFD\uFFFD\"");
  EXPECT_EQ(std::string_view(doc["raw"]), "{}");
}

std::optional<std::string> decode_base64(std::string_view text) {
  static const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += 4) {
    unsigned v = 0;
    int pad = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      char c = text[i + j];
      std::size_t index = alphabet.find(c);
      if (c == '=' && i + 4 == text.size() && j >= 2) {
        ++pad;
        index = 0;
      } else if (index == std::string::npos || pad > 0) {
        return std::nullopt;
      }
      v = v << 6 | static_cast<unsigned>(index);
    }
    out += static_cast<char>(v >> 16);
    if (pad < 2) out += static_cast<char>((v >> 8) & 255);
    if (pad < 1) out += static_cast<char>(v & 255);
  }
  return out;
}

TEST(sink_test, reject_to_json_uses_base64_for_invalid_utf8) {
  std::mt19937_64 rng(5);
  std::vector<std::string> raws = {"\xff", "{\"a\":\"\xc3\"}", "\xed\xa0\x80", "ab\xfe",
                                   "\xc0\xaf\x00\x01"};
  for (std::size_t size = 1; size < 40; ++size) {
    std::string raw(size, '\0');
    for (char& c : raw) c = static_cast<char>(rng());
    raw[rng() % size] = '\xff';  // never valid in UTF-8
    raws.push_back(raw);
  }
  simdjson::dom::parser parser;
  for (const std::string& raw : raws) {
    std::string json = reject_to_json(sample_reject(raw));
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << json;
    EXPECT_EQ(doc["raw"].error(), simdjson::NO_SUCH_FIELD) << json;
    std::string_view encoded;
    ASSERT_EQ(doc["raw_base64"].get(encoded), simdjson::SUCCESS) << json;
    EXPECT_EQ(decode_base64(encoded), raw) << json;
  }
}

TEST(sink_test, reject_to_json_keeps_valid_utf8_as_text) {
  for (std::string raw : {"", "{}", "{\"name\":\"Zo\u00eb \U0001F600\"}"}) {
    std::string json = reject_to_json(sample_reject(raw));
    EXPECT_EQ(json.find("raw_base64"), std::string::npos) << json;
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << json;
    EXPECT_EQ(std::string_view(doc["raw"]), raw);
  }
}

TEST(sink_test, rejects_file_holds_one_json_line_per_reject_after_finish) {
  temp_dir dir;
  std::string path = dir.file("rejects.ndjson");
  rejected_record first = sample_reject("{\"x\":1}");
  rejected_record second = sample_reject("\xff{");
  second.line = 1043;
  {
    rejects_file_sink sink(path);
    sink.write(first);
    sink.write(second);
    EXPECT_FALSE(fs::exists(path));
    sink.finish();
  }
  EXPECT_EQ(read_file(path), reject_to_json(first) + "\n" + reject_to_json(second) + "\n");
  {
    rejects_file_sink unfinished(dir.file("other.ndjson"));
    unfinished.write(first);
  }
  EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"rejects.ndjson"});
}

}  // namespace
