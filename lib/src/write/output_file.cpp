#include "write/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "mergepipe/error.h"

namespace mergepipe::detail {
namespace {

constexpr std::size_t buffer_capacity = std::size_t{1} << 20;
// The disk write-back of the temporary file is started every this many bytes, so that the
// sync at commit waits for the last stretch only instead of the whole output.
constexpr std::uint64_t write_back_step = std::uint64_t{8} << 20;

bool is_stdout(const std::string& path) { return path.empty() || path == "-"; }

// The process umask, read without changing it (umask(2) can only be read by setting it,
// which would race with other threads of the embedding process).
mode_t current_umask() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Umask:", 0) == 0)
      return static_cast<mode_t>(std::stoul(line.substr(6), nullptr, 8));
  }
  return 022;
}

}  // namespace

output_file::output_file(std::string path, bool durable)
    : path_(std::move(path)), durable_(durable) {
  buffer_.reserve(buffer_capacity);
}

output_file::~output_file() {
  if (is_stdout(path_) || !opened_) return;
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !direct_) ::unlink(temp_path_.c_str());
}

void output_file::fail(const char* what, int err) const {
  throw error(errc::io, (is_stdout(path_) ? std::string("<stdout>") : path_) + ": " + what + ": " +
                            std::strerror(err));
}

void output_file::open() {
  opened_ = true;
  if (is_stdout(path_)) {
    fd_ = STDOUT_FILENO;
    return;
  }
  struct stat target {};
  if (::stat(path_.c_str(), &target) == 0 && !S_ISREG(target.st_mode)) {
    // A device or pipe (/dev/null, a FIFO) cannot be replaced by rename: write through.
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd_ < 0) {
      int err = errno;
      opened_ = false;
      fail("cannot open output", err);
    }
    direct_ = true;
    return;
  }
  // A symbolic link stays a link: the file it names is the one replaced.
  struct stat link {};
  if (::lstat(path_.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
    namespace fs = std::filesystem;
    std::error_code ignored;
    fs::path named = fs::read_symlink(path_, ignored);
    if (named.is_relative()) named = fs::path(path_).parent_path() / named;
    target_ = fs::weakly_canonical(named, ignored).string();
  }
  if (target_.empty()) target_ = path_;
  std::size_t slash = target_.rfind('/');
  std::string dir = slash == std::string::npos ? "." : target_.substr(0, slash + 1);
  std::string base = slash == std::string::npos ? target_ : target_.substr(slash + 1);
  temp_path_ = (slash == std::string::npos ? std::string() : dir) + "." + base + ".tmp-XXXXXX";
  fd_ = ::mkostemp(temp_path_.data(), O_CLOEXEC);
  if (fd_ < 0) {
    int err = errno;
    temp_path_.clear();
    opened_ = false;
    fail("cannot create output file", err);
  }
  mode_t mode =
      ::stat(path_.c_str(), &target) == 0 ? (target.st_mode & 07777) : (0666 & ~current_umask());
  ::fchmod(fd_, mode);
}

void output_file::flush() {
  write_through(buffer_);
  buffer_.clear();
}

void output_file::write_through(std::string_view bytes) {
  // At most a buffer's worth per call: on Linux 6.x one write(2) of many megabytes into the
  // page cache ran ten times slower than the same bytes in 1 MiB calls (RESULTS.md,
  // "Scale-out that pays").
  for (std::size_t done = 0; done < bytes.size();) {
    ssize_t n = ::write(fd_, bytes.data() + done, std::min(bytes.size() - done, buffer_capacity));
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("write failed", errno);
    }
    done += static_cast<std::size_t>(n);
  }
  if (temp_path_.empty() || !durable_) return;
  written_ += bytes.size();
  if (written_ - written_back_ >= write_back_step) {
    // Only a hint to start the disk writes early: commit's fsync reports any failure.
    ::sync_file_range(fd_, static_cast<off_t>(written_back_),
                      static_cast<off_t>(written_ - written_back_), SYNC_FILE_RANGE_WRITE);
    written_back_ = written_;
  }
}

void output_file::refuse_if_finished() const {
  if (finished_) {
    throw error(errc::usage, (is_stdout(path_) ? std::string("<stdout>") : path_) +
                                 ": this output was already finished; a sink writes one output, "
                                 "so use a new one for each");
  }
}

void output_file::write(std::string_view bytes) {
  refuse_if_finished();
  if (!opened_) open();
  if (buffer_.size() + bytes.size() > buffer_capacity) flush();
  if (bytes.size() > buffer_capacity) {
    write_through(bytes);  // no copy into the buffer first
    return;
  }
  buffer_.append(bytes);
}

void output_file::write_whole(std::string_view bytes) {
  refuse_if_finished();
  if (!opened_) open();
  flush();
  write_through(bytes);
}

bool output_file::takes_blocks() {
  refuse_if_finished();
  if (!opened_) open();
  return !temp_path_.empty() && buffer_.empty() && ::lseek(fd_, 0, SEEK_CUR) == 0;
}

void output_file::write_at(std::uint64_t offset, std::string_view bytes) {
  for (std::size_t done = 0; done < bytes.size();) {
    ssize_t n = ::pwrite(fd_, bytes.data() + done, std::min(bytes.size() - done, buffer_capacity),
                         static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("write failed", errno);
    }
    done += static_cast<std::size_t>(n);
  }
  // The write-back of each 8 MB stretch is started by the block that ends in it or past it:
  // blocks of it written later by other threads wait for the sync at commit.
  const std::uint64_t end = offset + bytes.size();
  if (durable_ && end / write_back_step > offset / write_back_step) {
    const std::uint64_t stretch = end / write_back_step * write_back_step - write_back_step;
    ::sync_file_range(fd_, static_cast<off_t>(stretch), static_cast<off_t>(write_back_step),
                      SYNC_FILE_RANGE_WRITE);
  }
}

void output_file::end_blocks(std::uint64_t end) {
  if (::lseek(fd_, static_cast<off_t>(end), SEEK_SET) < 0) fail("cannot seek in output", errno);
  written_ = written_back_ = end;
}

void output_file::commit() {
  refuse_if_finished();
  finished_ = true;  // also when it fails: a sink that failed is not tried again
  if (!opened_) open();
  flush();
  if (is_stdout(path_)) return;
  if (direct_) {
    int rc = ::close(fd_);
    fd_ = -1;
    if (rc != 0) fail("cannot close output", errno);
    committed_ = true;
    return;
  }
  if (durable_ && ::fsync(fd_) != 0) fail("cannot sync output file", errno);
  if (::close(fd_) != 0) {
    fd_ = -1;
    fail("cannot close output file", errno);
  }
  fd_ = -1;
  if (::rename(temp_path_.c_str(), target_.c_str()) != 0)
    fail("cannot rename output into place", errno);
  committed_ = true;
}

}  // namespace mergepipe::detail
