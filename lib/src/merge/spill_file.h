#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace mergepipe::detail {

/// Where copies of records go past the memory limit (`--memory-limit`): an unlinked temporary
/// file in `--temp-dir`, which nothing can leave behind, not even a killed run. A full block of
/// copies is written there and the file is mapped back over the block's own addresses, so that
/// every pointer to its records stays valid while its pages leave the process; they come back
/// from the page cache, or the disk, when the records are read again. Thread-safe: the merge's
/// shards spill their blocks at the same time.
class spill_file {
 public:
  /// Blocks and the tables of keys may hold `budget` bytes in memory before blocks spill to a
  /// file in `directory`.
  spill_file(std::uint64_t budget, std::string directory);
  ~spill_file();
  spill_file(const spill_file&) = delete;
  spill_file& operator=(const spill_file&) = delete;

  /// Page-aligned memory for a block of `size` bytes (a multiple of the page size).
  [[nodiscard]] char* allocate(std::size_t size);
  /// Called once `block` is full: writes it to the file and maps it back when the blocks in
  /// memory exceed the budget. Returns where it went in the file, or -1 when it stayed.
  std::int64_t settle(char* block, std::size_t size);
  /// Gives back a block of `allocate`, spilled to `file_offset` or in memory (-1).
  void release(char* block, std::size_t size, std::int64_t file_offset) noexcept;

  /// Counts `delta` more bytes (or fewer) held by the merge's tables of keys: they cannot
  /// spill, but they count against the budget, so that copies spill sooner.
  void count_tables(std::int64_t delta) noexcept {
    tables_.fetch_add(delta, std::memory_order_relaxed);
  }

  /// Takes the pages of spilled blocks out of the process: they stay in the file (and the
  /// page cache) and come back when read. The writer calls this as it goes, so that reading
  /// the spilled winners does not hold them all in memory again.
  void drop_pages() noexcept;

  /// Bytes written to the file so far.
  [[nodiscard]] std::uint64_t spilled_bytes() const noexcept {
    return spilled_.load(std::memory_order_relaxed);
  }
  [[nodiscard]] const std::string& directory() const noexcept { return directory_; }

  /// Half of the physical memory: the default budget, as DuckDB's and `sort -S`'s.
  [[nodiscard]] static std::uint64_t default_budget() noexcept;

 private:
  int open_file();

  const std::uint64_t budget_;
  const std::string directory_;
  std::atomic<std::uint64_t> in_memory_{0};  // blocks not spilled
  std::atomic<std::int64_t> tables_{0};      // see count_tables
  std::atomic<std::uint64_t> spilled_{0};
  std::atomic<std::uint64_t> file_end_{0};
  std::mutex open_mutex_;
  std::atomic<int> fd_{-1};
  std::mutex blocks_mutex_;
  std::map<char*, std::size_t> spilled_blocks_;  // address and size of each block in the file
  // Blocks given back in memory, kept for the next allocation of their size: stores compact
  // all the time (a piped 1 GB file: 536 compactions, each freeing a store of a few
  // megabytes), and a block mapped anew costs a fault and a cleared page per 4 KiB and, when
  // unmapped, a TLB flush on the other threads. 64 (16 MiB of 256 KiB blocks) hold what a
  // compaction frees.
  static constexpr std::size_t free_blocks_kept = 64;
  std::mutex free_mutex_;
  std::vector<std::pair<char*, std::size_t>> free_blocks_;
};

}  // namespace mergepipe::detail
