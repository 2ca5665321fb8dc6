// A memory-mapped input that shrinks while it is read: the guard turns the bus error into
// zeros and a flag, and the merge into an I/O error naming the file, never a crash.
#include "read/mapping_guard.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "mergepipe/mergepipe.h"
#include "read/input_source.h"
#include "test_files.h"

namespace mergepipe::detail {
namespace {

using mergepipe::testing::read_file;
using mergepipe::testing::temp_dir;

const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));

// A read-only shared view of a file, as input_source maps it.
class mapped_file {
 public:
  explicit mapped_file(const std::string& path) {
    fd_ = ::open(path.c_str(), O_RDONLY);
    size_ = static_cast<std::size_t>(std::filesystem::file_size(path));
    data_ = static_cast<const char*>(::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd_, 0));
  }
  ~mapped_file() {
    ::munmap(const_cast<char*>(data_), size_);
    ::close(fd_);
  }
  mapped_file(const mapped_file&) = delete;
  mapped_file& operator=(const mapped_file&) = delete;

  [[nodiscard]] const char* data() const { return data_; }
  [[nodiscard]] std::size_t size() const { return size_; }

 private:
  int fd_ = -1;
  std::size_t size_ = 0;
  const char* data_ = nullptr;
};

// First byte of every page, read through volatile so that each read happens.
std::string first_bytes(const char* data, std::size_t size) {
  std::string bytes;
  for (std::size_t at = 0; at < size; at += page)
    bytes += static_cast<const volatile char*>(data)[at];
  return bytes;
}

TEST(mapping_guard_test, pages_past_the_new_end_read_as_zeros_and_the_fault_is_reported) {
  temp_dir dir;
  const std::string path = dir.write("in", std::string(5 * page, 'x'));
  mapped_file file(path);
  mapping_guard guard;
  guard.watch(file.data(), file.size());
  EXPECT_EQ(first_bytes(file.data(), file.size()), "xxxxx");
  EXPECT_FALSE(guard.faulted());

  std::filesystem::resize_file(path, 2 * page);
  EXPECT_EQ(first_bytes(file.data(), file.size()), std::string("xx") + std::string(3, '\0'));
  EXPECT_TRUE(guard.faulted());
}

TEST(mapping_guard_test, a_guard_watches_its_own_range_only) {
  temp_dir dir;
  const std::string first = dir.write("first", std::string(3 * page, 'a'));
  const std::string second = dir.write("second", std::string(3 * page, 'b'));
  mapped_file a(first);
  mapped_file b(second);
  mapping_guard guard_a;
  mapping_guard guard_b;
  guard_a.watch(a.data(), a.size());
  guard_b.watch(b.data(), b.size());

  std::filesystem::resize_file(second, 0);
  EXPECT_EQ(first_bytes(a.data(), a.size()), "aaa");
  EXPECT_EQ(first_bytes(b.data(), b.size()), std::string(3, '\0'));
  EXPECT_FALSE(guard_a.faulted());
  EXPECT_TRUE(guard_b.faulted());
  guard_b.unwatch();
  EXPECT_FALSE(guard_b.faulted());
}

// Truncates a mapped file, guards another range (installing the handler) and reads past the
// new end of the unguarded one. Runs in the death test's child, whose death would leave its
// directory behind: the directory goes first, the mappings outlive it.
void read_past_the_end_of_an_unguarded_mapping() {
  std::unique_ptr<mapped_file> file;
  std::unique_ptr<mapped_file> other;
  mapping_guard guard;
  {
    temp_dir dir;
    const std::string path = dir.write("in", std::string(2 * page, 'x'));
    file = std::make_unique<mapped_file>(path);
    other = std::make_unique<mapped_file>(path);
    guard.watch(other->data(), other->size());
    std::filesystem::resize_file(path, 0);
  }
  first_bytes(file->data(), file->size());
}

TEST(mapping_guard_test, a_bus_error_elsewhere_still_kills) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  // The sanitizer's handler was there first: the guard hands the signal on to it.
  EXPECT_DEATH(read_past_the_end_of_an_unguarded_mapping(), "BUS");
#else
  EXPECT_EXIT(read_past_the_end_of_an_unguarded_mapping(), ::testing::KilledBySignal(SIGBUS), "");
#endif
}

void exit_42(int) { ::_exit(42); }

TEST(mapping_guard_test, a_bus_error_elsewhere_goes_to_the_handler_installed_before) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        // The death test runs in a fresh process, where the guard has not installed its
        // handler yet.
        struct sigaction action {};
        action.sa_handler = exit_42;
        sigemptyset(&action.sa_mask);
        ::sigaction(SIGBUS, &action, nullptr);
        read_past_the_end_of_an_unguarded_mapping();
      },
      ::testing::ExitedWithCode(42), "");
}

TEST(input_source_test, a_file_that_shrank_while_mapped_fails_the_check_naming_it) {
  temp_dir dir;
  const std::string path = dir.write("in.ndjson", std::string(4 * page, ' '));
  input_source in(path, "in.ndjson");
  EXPECT_NO_THROW(in.check_unchanged());
  std::filesystem::resize_file(path, page + 10);
  EXPECT_EQ(first_bytes(in.data(), in.size()), std::string(2, ' ') + std::string(2, '\0'));
  try {
    in.check_unchanged();
    ADD_FAILURE() << "no error";
  } catch (const error& e) {
    EXPECT_EQ(e.code(), errc::io);
    EXPECT_EQ(std::string(e.what()),
              "in.ndjson: changed while being read: it shrank from 16384 to 4106 bytes");
  }
}

// --- Through the library: the merge fails with errc::io, and nothing reaches a sink. ---

std::string many_records(bool as_array) {
  std::string text = as_array ? "[\n" : "";
  for (int i = 0; i < 100000; ++i) {
    if (as_array && i > 0) text += ",\n";
    text += R"({"id":)" + std::to_string(i % 5000) + R"(,"updated_at":)" + std::to_string(i) +
            R"(,"v":"some text to make the record longer"})";
    if (!as_array) text += '\n';
  }
  return text + (as_array ? "\n]\n" : "");
}

struct shrink_case {
  bool as_array;
  error_policy policy;
};

class shrinking_input_test : public ::testing::TestWithParam<shrink_case> {};

TEST_P(shrinking_input_test, a_file_that_shrinks_during_the_merge_is_an_io_error_naming_it) {
  temp_dir dir;
  const std::string content = many_records(GetParam().as_array);
  const std::string path = dir.write("in.json", content);
  options opts;
  opts.inputs = {path};
  opts.run.threads = 2;
  opts.run.chunk_size = 64 * 1024;
  opts.on_error = GetParam().policy;
  opts.run.progress_interval_seconds = 0;
  // The reader reports progress after each chunk it cuts: shrink the file after the first.
  opts.run.on_progress = [&, done = false](const progress&) mutable {
    if (!done) std::filesystem::resize_file(path, 3 * page);
    done = true;
  };
  std::size_t written = 0;
  callback_sink out([&](std::string_view) { ++written; });
  rejects_file_sink rejects(dir.file("rejects.jsonl"));
  try {
    merge(opts, out, &rejects);
    ADD_FAILURE() << "no error";
  } catch (const error& e) {
    EXPECT_EQ(e.code(), errc::io);
    EXPECT_EQ(std::string(e.what()), path + ": changed while being read: it shrank from " +
                                         std::to_string(content.size()) + " to " +
                                         std::to_string(3 * page) + " bytes");
  }
  EXPECT_EQ(written, 0u);
  EXPECT_FALSE(std::filesystem::exists(dir.file("rejects.jsonl")));
}

INSTANTIATE_TEST_SUITE_P(formats_and_policies, shrinking_input_test,
                         ::testing::Values(shrink_case{false, error_policy::fail},
                                           shrink_case{false, error_policy::skip},
                                           shrink_case{true, error_policy::fail},
                                           shrink_case{true, error_policy::skip}));

TEST(shrinking_input_test, a_file_that_shrinks_before_the_winners_are_written_leaves_no_output) {
  temp_dir dir;
  const std::string path = dir.write("in.ndjson", many_records(false));
  const std::string target = dir.write("out.ndjson", "old content\n");
  {
    merger m(options{});
    m.add(source::file(path), position{0, 0});
    std::filesystem::resize_file(path, 0);
    json_file_sink out(target, output_format::ndjson);
    try {
      m.finish(out);
      ADD_FAILURE() << "no error";
    } catch (const error& e) {
      EXPECT_EQ(e.code(), errc::io);
      EXPECT_NE(std::string(e.what()).find(path + ": changed while being read"), std::string::npos)
          << e.what();
    }
  }
  EXPECT_EQ(read_file(target), "old content\n");
  std::vector<std::string> names;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::path(target).parent_path()))
    names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"in.ndjson", "out.ndjson"}));
}

}  // namespace
}  // namespace mergepipe::detail
