#include "output_part.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

#include "mergepipe/error.h"

namespace mergepipe::cluster {
namespace {

// Written in calls of at most this much: larger writes into the page cache ran far slower on
// Linux 6.x (bench/RESULTS.md, "Scale-out that pays").
constexpr std::size_t block_size = std::size_t{1} << 20;
// The disk write-back of a part is started every this many bytes (as output files do).
constexpr std::uint64_t write_back_step = std::uint64_t{8} << 20;

[[noreturn]] void fail(const std::string& path, const std::string& why, errc code = errc::io) {
  throw error(code, fmt::format("{}: {}", path, why));
}

// Small files of numbers: a line of numbers per entry, then "end N" with N entries, so that
// a torn file cannot pass for a shorter one. Written whole or not at all.
void save_numbers(const std::string& path, const std::vector<std::vector<std::uint64_t>>& rows) {
  json_file_sink out(path, output_format::ndjson, /*durable=*/false);
  for (const auto& row : rows) out.write(fmt::format("{}", fmt::join(row, " ")));
  out.write(fmt::format("end {}", rows.size()));
  out.finish();
}

std::vector<std::vector<std::uint64_t>> load_numbers(const std::string& path, std::size_t per_row) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, std::strerror(errno));
  std::vector<std::vector<std::uint64_t>> rows;
  auto torn = [&] {
    fail(path, "it is torn (no end line that counts its entries)", errc::bad_input);
  };
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    if (line.starts_with("end ")) {
      if (in.eof()) torn();  // no newline after it
      std::string end;
      std::size_t count = 0;
      if (!(words >> end >> count) || count != rows.size() || !(words >> std::ws).eof()) torn();
      if (in.peek() != std::char_traits<char>::eof()) torn();
      return rows;
    }
    std::vector<std::uint64_t>& row = rows.emplace_back(per_row);
    for (std::uint64_t& value : row) {
      if (!(words >> value)) torn();
    }
    if (!(words >> std::ws).eof()) torn();
  }
  if (in.bad()) fail(path, "read failed");
  torn();
  return rows;
}

// A file's bytes, mapped read-only; none for an empty file.
class mapped_file {
 public:
  explicit mapped_file(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail(path, std::strerror(errno));
    struct stat st {};
    int err = 0;
    if (::fstat(fd, &st) != 0) {
      err = errno;
    } else if (st.st_size > 0) {
      void* at =
          ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
      if (at == MAP_FAILED) {
        err = errno;
      } else {
        data_ = static_cast<const char*>(at);
        size_ = static_cast<std::size_t>(st.st_size);
      }
    }
    ::close(fd);
    if (err != 0) fail(path, std::string("cannot read: ") + std::strerror(err));
  }
  ~mapped_file() {
    if (data_ != nullptr) ::munmap(const_cast<char*>(data_), size_);
  }
  mapped_file(const mapped_file&) = delete;
  mapped_file& operator=(const mapped_file&) = delete;

  [[nodiscard]] std::string_view bytes() const noexcept { return {data_, size_}; }

 private:
  const char* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace

void save_ranges(const std::string& path, const std::vector<saved_range>& ranges) {
  std::vector<std::vector<std::uint64_t>> rows;
  for (const saved_range& r : ranges) {
    rows.push_back({r.records, r.deletes, r.record_bytes, r.delete_bytes});
  }
  save_numbers(path, rows);
}

std::vector<saved_range> load_ranges(const std::string& path, std::size_t parts) {
  std::vector<saved_range> ranges;
  for (const auto& row : load_numbers(path, 4)) {
    ranges.push_back(
        {.records = row[0], .deletes = row[1], .record_bytes = row[2], .delete_bytes = row[3]});
  }
  if (ranges.size() != parts) {
    fail(path, fmt::format("it measures {} parts, and the job has {}", ranges.size(), parts),
         errc::bad_input);
  }
  return ranges;
}

part_slots lay_out_parts(const std::vector<std::vector<saved_range>>& by_bucket,
                         bool keep_deletes) {
  part_slots slots;
  const std::size_t parts = by_bucket.empty() ? 0 : by_bucket.front().size();
  std::uint64_t at = 0;
  for (std::size_t p = 0; p < parts; ++p) {
    std::uint64_t size = 0;
    for (const auto& ranges : by_bucket) {
      size += ranges[p].record_bytes + (keep_deletes ? ranges[p].delete_bytes : 0);
    }
    slots.start.push_back(at);
    slots.size.push_back(size);
    at += size;
  }
  return slots;
}

written_part load_written_part(const std::string& path) {
  auto rows = load_numbers(path, 2);
  if (rows.size() != 1) fail(path, "it does not hold one part's size", errc::bad_input);
  return {.bytes = rows[0][0], .records = rows[0][1]};
}

part_slot_sink::part_slot_sink(std::string path, std::uint64_t start, std::uint64_t slot_size,
                               std::string size_path)
    : path_(std::move(path)),
      size_path_(std::move(size_path)),
      start_(start),
      slot_size_(slot_size) {
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
  if (fd_ < 0) fail(std::string("cannot open the output in progress: ") + std::strerror(errno));
  buffer_.reserve(block_size);
}

part_slot_sink::~part_slot_sink() {
  if (fd_ >= 0) ::close(fd_);
}

void part_slot_sink::fail(const std::string& why) const { cluster::fail(path_, why); }

void part_slot_sink::write(std::string_view record) {
  if (written_.bytes + record.size() + 1 > slot_size_) {
    fail(fmt::format("a part of the output came out larger than the {} bytes measured for it",
                     slot_size_));
  }
  if (buffer_.size() + record.size() + 1 > block_size) flush();
  buffer_.append(record);
  buffer_.push_back('\n');
  written_.bytes += record.size() + 1;
  ++written_.records;
}

void part_slot_sink::flush() {
  // The collect task renames the file into place once every part is written; a task that was
  // stalled past that point (and made again elsewhere) must not write into the output.
  struct stat named {};
  struct stat opened {};
  if (::stat(path_.c_str(), &named) != 0 || ::fstat(fd_, &opened) != 0 ||
      named.st_ino != opened.st_ino || named.st_dev != opened.st_dev) {
    fail("the output in progress was renamed or removed: the job has ended without this task");
  }
  for (std::size_t done = 0; done < buffer_.size();) {
    ssize_t n = ::pwrite(fd_, buffer_.data() + done, buffer_.size() - done,
                         static_cast<off_t>(start_ + flushed_ + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(std::string("write failed: ") + std::strerror(errno));
    }
    done += static_cast<std::size_t>(n);
  }
  flushed_ += buffer_.size();
  buffer_.clear();
  if (flushed_ - written_back_ >= write_back_step) {
    // Only a hint to start the disk writes early, so that finish() waits for the last stretch
    // only: its sync reports any failure.
    ::sync_file_range(fd_, static_cast<off_t>(start_ + written_back_),
                      static_cast<off_t>(flushed_ - written_back_), SYNC_FILE_RANGE_WRITE);
    written_back_ = flushed_;
  }
}

void part_slot_sink::finish() {
  flush();
  // On the disk before its size is recorded: the collect task trusts every part with a size.
  if (::fdatasync(fd_) != 0) fail(std::string("cannot sync: ") + std::strerror(errno));
  ::close(fd_);
  fd_ = -1;
  save_numbers(size_path_, {{written_.bytes, written_.records}});
}

std::uint64_t join_parts(const std::string& path, const part_slots& slots,
                         const std::vector<written_part>& parts, json_file_sink& out,
                         output_format format) {
  mapped_file file(path);
  const std::string_view all = file.bytes();
  std::uint64_t records = 0;
  for (std::size_t p = 0; p < parts.size(); ++p) {
    if (slots.start[p] + parts[p].bytes > all.size()) {
      fail(path, fmt::format("part {} is shorter than its write task recorded", p));
    }
    const std::string_view part = all.substr(slots.start[p], parts[p].bytes);
    records += parts[p].records;
    if (format == output_format::ndjson) {
      if (!part.empty()) out.write(part.substr(0, part.size() - 1));  // the sink ends it again
      continue;
    }
    for (std::size_t start = 0; start < part.size();) {
      const std::size_t newline = part.find('\n', start);
      out.write(part.substr(start, newline - start));
      start = newline + 1;
    }
  }
  return records;
}

}  // namespace mergepipe::cluster
