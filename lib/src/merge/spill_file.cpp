#include "merge/spill_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <new>

#include "mergepipe/error.h"

namespace mergepipe::detail {
namespace {

[[noreturn]] void spill_failed(const std::string& directory, const char* what, int code) {
  throw error(errc::io, "cannot spill records past the memory limit to " + directory + " (" + what +
                            ": " + std::strerror(code) + ")");
}

}  // namespace

spill_file::spill_file(std::uint64_t budget, std::string directory)
    : budget_(budget), directory_(std::move(directory)) {
  free_blocks_.reserve(free_blocks_kept);  // so that `release` never allocates
}

spill_file::~spill_file() {
  for (auto [block, size] : free_blocks_) ::munmap(block, size);
  if (int fd = fd_.load(); fd >= 0) ::close(fd);
}

std::uint64_t spill_file::default_budget() noexcept {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page <= 0) return std::uint64_t{1} << 30;
  return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page) / 2;
}

char* spill_file::allocate(std::size_t size) {
  {
    std::lock_guard hold(free_mutex_);
    for (auto it = free_blocks_.begin(); it != free_blocks_.end(); ++it) {
      if (it->second != size) continue;
      char* block = it->first;
      free_blocks_.erase(it);
      in_memory_.fetch_add(size, std::memory_order_relaxed);
      return block;
    }
  }
  // Its own mapping, not the heap's: the file is mapped over it when it spills.
  void* block = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (block == MAP_FAILED) throw std::bad_alloc();
  in_memory_.fetch_add(size, std::memory_order_relaxed);
  return static_cast<char*>(block);
}

std::int64_t spill_file::settle(char* block, std::size_t size) {
  const std::int64_t tables = std::max<std::int64_t>(tables_.load(std::memory_order_relaxed), 0);
  if (in_memory_.load(std::memory_order_relaxed) + static_cast<std::uint64_t>(tables) <= budget_) {
    return -1;
  }
  const int fd = open_file();
  const std::uint64_t at = file_end_.fetch_add(size, std::memory_order_relaxed);
  for (std::size_t done = 0; done < size;) {
    ssize_t n = ::pwrite(fd, block + done, size - done, static_cast<off_t>(at + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) spill_failed(directory_, "write", n < 0 ? errno : ENOSPC);
    done += static_cast<std::size_t>(n);
  }
  if (::mmap(block, size, PROT_READ, MAP_SHARED | MAP_FIXED, fd, static_cast<off_t>(at)) ==
      MAP_FAILED) {
    spill_failed(directory_, "map", errno);
  }
  in_memory_.fetch_sub(size, std::memory_order_relaxed);
  spilled_.fetch_add(size, std::memory_order_relaxed);
  std::lock_guard hold(blocks_mutex_);
  spilled_blocks_.emplace(block, size);
  return static_cast<std::int64_t>(at);
}

void spill_file::release(char* block, std::size_t size, std::int64_t file_offset) noexcept {
  if (file_offset >= 0) {
    // Forgotten before unmapped: `drop_pages` must never reach an address mapped anew.
    std::lock_guard hold(blocks_mutex_);
    spilled_blocks_.erase(block);
  }
  if (file_offset < 0) {
    in_memory_.fetch_sub(size, std::memory_order_relaxed);
    std::lock_guard hold(free_mutex_);
    if (free_blocks_.size() < free_blocks_kept) {
      free_blocks_.emplace_back(block, size);
      return;
    }
  }
  ::munmap(block, size);
  if (file_offset < 0) return;
  // Give the disk space back: a store that compacts leaves its old blocks behind. Best
  // effort, as a file system without holes only keeps the space until the run ends.
  ::fallocate(fd_.load(), FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, file_offset,
              static_cast<off_t>(size));
}

void spill_file::drop_pages() noexcept {
  std::lock_guard hold(blocks_mutex_);
  // Shared file pages: a reader of one of them at this moment reads it again from the file.
  for (auto [block, size] : spilled_blocks_) ::madvise(block, size, MADV_DONTNEED);
}

int spill_file::open_file() {
  if (int fd = fd_.load(std::memory_order_acquire); fd >= 0) return fd;
  std::lock_guard hold(open_mutex_);
  if (int fd = fd_.load(std::memory_order_relaxed); fd >= 0) return fd;
  // O_TMPFILE never gives the file a name; where the file system cannot, the name lives only
  // between mkstemp and unlink.
  int fd = ::open(directory_.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR)) {
    std::string path = directory_ + "/mergepipe-spill.XXXXXX";
    fd = ::mkostemp(path.data(), O_CLOEXEC);
    if (fd >= 0) ::unlink(path.c_str());
  }
  if (fd < 0) spill_failed(directory_, "create a temporary file", errno);
  fd_.store(fd, std::memory_order_release);
  return fd;
}

}  // namespace mergepipe::detail
