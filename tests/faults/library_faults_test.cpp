// Faults met through the library API: outputs that fill up, inputs that vanish or cannot be
// read. Each is a mergepipe::error with errc::io naming the file, and a failed merge leaves
// an existing output file untouched and no temporary file behind.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "faults/file_size_limit.h"
#include "mergepipe/mergepipe.h"
#include "test_files.h"
#include "unprivileged.h"

namespace mergepipe {
namespace {

using fault_testing::file_size_limit;
using testing::as_unprivileged_user;
using testing::can_become_unprivileged;
using testing::give_to_unprivileged_user;
using testing::read_file;
using testing::temp_dir;

// NDJSON of `count` records with distinct keys, about 80 bytes each.
std::string records(int count) {
  std::string text;
  for (int i = 0; i < count; ++i) {
    text += R"({"id":)" + std::to_string(i) +
            R"(,"updated_at":"2024-03-05T12:00:00Z","v":"abcdefghijklmnopqrstuvwxyz"})"
            "\n";
  }
  return text;
}

std::string merged(const options& opts) {
  std::string out;
  callback_sink sink([&](std::string_view record) { (out += record) += '\n'; });
  merge(opts, sink);
  return out;
}

// Runs `fn`, which must throw mergepipe::error with errc::io and a message containing `needle`.
template <typename Fn>
::testing::AssertionResult fails_with_io_error(Fn&& fn, const std::string& needle) {
  try {
    fn();
  } catch (const error& e) {
    if (e.code() != errc::io)
      return ::testing::AssertionFailure() << "not an I/O error: " << e.what();
    if (std::string(e.what()).find(needle) == std::string::npos)
      return ::testing::AssertionFailure() << "message lacks " << needle << ": " << e.what();
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "no error";
}

std::vector<std::string> names_in(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(library_faults_test, a_full_device_is_an_io_error_naming_it) {
  temp_dir dir;
  options opts;
  opts.inputs = {dir.write("in.ndjson", records(100))};
  EXPECT_TRUE(fails_with_io_error(
      [&] {
        json_file_sink out("/dev/full", output_format::ndjson);
        merge(opts, out);
      },
      "/dev/full: write failed: No space left on device"));

  dir.write("bad.ndjson", "nonsense\n" + records(1));
  opts.inputs = {dir.file("bad.ndjson")};
  opts.on_error = error_policy::skip;
  std::size_t written = 0;
  EXPECT_TRUE(fails_with_io_error(
      [&] {
        callback_sink out([&](std::string_view) { ++written; });
        rejects_file_sink rejects("/dev/full");
        merge(opts, out, &rejects);
      },
      "/dev/full"));
  EXPECT_EQ(written, 0u) << "the rejects are written before the output";
}

TEST(library_faults_test, a_write_that_fails_midway_leaves_the_old_file_and_no_temporary) {
  temp_dir dir;
  options opts;
  opts.inputs = {dir.write("in.ndjson", records(50000))};  // 4 MB of output
  const std::string target = dir.write("out.ndjson", "old content\n");
  {
    file_size_limit limit(256 * 1024);
    EXPECT_TRUE(fails_with_io_error(
        [&] {
          json_file_sink out(target, output_format::ndjson);
          merge(opts, out);
        },
        "out.ndjson: write failed: File too large"));
  }
  EXPECT_EQ(read_file(target), "old content\n");
  EXPECT_EQ(names_in(std::filesystem::path(target).parent_path()),
            (std::vector<std::string>{"in.ndjson", "out.ndjson"}));
}

TEST(library_faults_test, an_input_deleted_while_it_is_read_still_merges) {
  temp_dir dir;
  const std::string content = records(20000);
  options opts;
  opts.inputs = {dir.write("in.ndjson", content)};
  opts.run.chunk_size = 64 * 1024;
  const std::string expected = merged(opts);
  ASSERT_EQ(expected, content);

  // The file is open and mapped: its data stays until the merge lets go of it.
  opts.run.progress_interval_seconds = 0;
  opts.run.on_progress = [&](const progress&) { std::filesystem::remove(opts.inputs[0]); };
  EXPECT_EQ(merged(opts), expected);
  EXPECT_FALSE(std::filesystem::exists(opts.inputs[0]));
}

// The same size, other bytes: records that were never validated would reach the output.
void rewrite_in_place(const std::string& path) {
  std::string content = read_file(path);
  std::replace(content.begin(), content.end(), 'a', '#');
  // Older kernels stamp modification times in ticks of a few milliseconds: let one pass since
  // the file was opened, as it would between a merger's add and finish.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::FILE* f = std::fopen(path.c_str(), "r+");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(std::fwrite(content.data(), 1, content.size(), f), content.size());
  ASSERT_EQ(std::fclose(f), 0);
}

// Another file put in its place, as a rotation or an export tool that writes anew does.
void replace_by_rename(const std::string& path) {
  std::string content = read_file(path);
  std::replace(content.begin(), content.end(), 'a', '#');
  const std::string fresh = path + ".new";
  std::FILE* f = std::fopen(fresh.c_str(), "w");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(std::fwrite(content.data(), 1, content.size(), f), content.size());
  ASSERT_EQ(std::fclose(f), 0);
  std::filesystem::rename(fresh, path);
}

TEST(library_faults_test, an_input_changed_between_add_and_finish_is_an_io_error_and_no_output) {
  const std::vector<std::pair<std::string, void (*)(const std::string&)>> changes = {
      {"it was written to", rewrite_in_place},
      {"its name now holds another file", replace_by_rename}};
  for (const auto& [what, change] : changes) {
    SCOPED_TRACE(what);
    temp_dir dir;
    const std::string input = dir.write("in.ndjson", records(2000));
    options opts;
    opts.run.threads = 2;
    merger m(opts);
    m.add(source::file(input), {});
    change(input);
    json_file_sink out(dir.file("out.ndjson"), output_format::ndjson);
    try {
      m.finish(out);
      ADD_FAILURE() << "the change went unseen";
    } catch (const error& e) {
      EXPECT_EQ(e.code(), errc::io);
      EXPECT_EQ(e.where().file, input);
      EXPECT_EQ(e.reason().rfind("changed while being read: " + what, 0), 0u) << e.what();
    }
    EXPECT_FALSE(std::filesystem::exists(dir.file("out.ndjson")));
  }
}

// A rewrite that keeps the size and, within a clock tick or by hand, the modification time:
// only the bytes show it, so each winner's checksum taken when it was validated must.
TEST(library_faults_test, a_rewrite_that_keeps_size_and_time_is_caught_by_the_records_checksums) {
  for (bool from_partial_file : {false, true}) {
    SCOPED_TRACE(from_partial_file ? "partial file" : "input");
    temp_dir dir;
    const std::string content = records(2000);
    const std::string input = dir.write("in.ndjson", content);
    options opts;
    opts.run.threads = 2;
    merger m(opts);
    std::string changed = input;
    if (from_partial_file) {
      merger saver(opts);
      saver.add(source::file(input), {});
      changed = dir.file("saved.partial");
      saver.save_partial({changed});
      m.add_partial(changed);
    } else {
      m.add(source::file(input), {});
    }
    struct stat before {};
    ASSERT_EQ(::stat(changed.c_str(), &before), 0);
    std::string bytes = read_file(changed);
    const std::size_t at = bytes.rfind("abcdefghij");  // in the last record's value
    ASSERT_NE(at, std::string::npos);
    bytes[at] = 'A';
    std::FILE* f = std::fopen(changed.c_str(), "r+");
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(std::fwrite(bytes.data(), 1, bytes.size(), f), bytes.size());
    ASSERT_EQ(std::fclose(f), 0);
    const timespec times[2] = {before.st_atim, before.st_mtim};
    ASSERT_EQ(::utimensat(AT_FDCWD, changed.c_str(), times, 0), 0);

    json_file_sink out(dir.file("out.ndjson"), output_format::ndjson);
    try {
      m.finish(out);
      ADD_FAILURE() << "the changed record was written";
    } catch (const error& e) {
      EXPECT_EQ(e.code(), errc::io);
      EXPECT_EQ(e.reason(),
                "changed while being read: a record's bytes differ from those validated");
      EXPECT_EQ(e.where().file, changed);
      EXPECT_LE(e.where().offset, at);
      EXPECT_GT(e.where().offset + 200, at);  // the record that holds the changed byte
    }
    EXPECT_FALSE(std::filesystem::exists(dir.file("out.ndjson")));
  }
}

TEST(library_faults_test, an_input_that_vanished_before_it_was_opened_is_an_io_error) {
  temp_dir dir;
  const std::string link = dir.file("link.ndjson");
  std::filesystem::create_symlink(dir.write("in.ndjson", records(1)), link);
  std::filesystem::remove(dir.file("in.ndjson"));
  options opts;
  opts.inputs = {link};
  EXPECT_TRUE(fails_with_io_error([&] { merged(opts); },
                                  link + ": cannot open: No such file or directory"));
}

TEST(library_faults_test, an_unreadable_input_is_an_io_error_naming_it) {
  if (!can_become_unprivileged()) GTEST_SKIP() << "running as root, and cannot become nobody";
  temp_dir dir;
  options opts;
  opts.inputs = {dir.write("secret.ndjson", records(1))};
  std::filesystem::permissions(opts.inputs[0], std::filesystem::perms::none);
  give_to_unprivileged_user(dir.path());
  give_to_unprivileged_user(opts.inputs[0]);
  EXPECT_TRUE(fails_with_io_error([&] { as_unprivileged_user<error>([&] { merged(opts); }); },
                                  opts.inputs[0] + ": cannot open: Permission denied"));
}

}  // namespace
}  // namespace mergepipe
