#pragma once

#include <time.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "decompress/compression.h"
#include "mergepipe/source.h"
#include "read/mapping_guard.h"

namespace mergepipe::detail {

/// Bytes simdjson may read past the end of a record (SIMDJSON_PADDING); kept readable after
/// every input so that records can be parsed in place.
inline constexpr std::size_t input_padding = source::padding;

/// One input, opened up front and read into a stable, contiguous, padded buffer: regular
/// files are memory-mapped; bytes in memory are copied; pipes, terminals and `std::istream`s
/// are read in blocks into a reserved address range that grows without moving, so views into
/// it stay valid until the source dies; a compressed input is decoded into such a range from
/// another source that holds its compressed bytes. The read, decompress and cut steps may ask
/// for more bytes from several threads; the bytes below `size()` never change once read.
class input_source {
 public:
  /// Opens `path` ("-" is standard input). `display_name` is used in messages.
  /// Throws mergepipe::error (errc::io) naming the file when it cannot be opened or mapped.
  input_source(const std::string& path, std::string display_name);
  /// Copies `bytes`.
  input_source(std::string_view bytes, std::string display_name);
  /// The first `size` bytes of `owned`, which has `input_padding` more after them: no copy.
  input_source(std::shared_ptr<const std::string> owned, std::size_t size,
               std::string display_name);
  /// Reads `in` as it is needed; `in` must outlive the reading.
  input_source(std::istream& in, std::string display_name);
  /// Decodes `compressed`, whose bytes are in `codec`, as it is read.
  input_source(std::unique_ptr<input_source> compressed, compression codec);
  ~input_source();
  input_source(const input_source&) = delete;
  input_source& operator=(const input_source&) = delete;

  /// Start of the bytes read so far; stable for the source's lifetime.
  [[nodiscard]] const char* data() const noexcept { return data_; }
  /// Bytes available so far.
  [[nodiscard]] std::size_t size() const noexcept { return size_.load(std::memory_order_acquire); }
  /// True once every byte of the input is available.
  [[nodiscard]] bool complete() const noexcept { return complete_.load(std::memory_order_acquire); }
  /// True for a stream and a decoded input: their bytes exist nowhere else, so they are given
  /// back once merged, and what must outlive them is copied.
  [[nodiscard]] bool read_once() const noexcept { return read_once_; }
  /// Compressed bytes a decoded source's decoder has taken so far (it may be further on).
  [[nodiscard]] std::size_t compressed_consumed() const noexcept {
    return consumed_.load(std::memory_order_relaxed);
  }
  /// The source of the compressed bytes a decoded source reads; null for any other.
  [[nodiscard]] input_source* compressed() const noexcept { return compressed_.get(); }
  /// Why decoding stopped before the end of the compressed input, once `complete()`; empty
  /// when it did not.
  [[nodiscard]] const std::optional<std::string>& failure() const noexcept { return failure_; }
  /// Total size when known up front (mapped files; for a decoded source, its compressed
  /// file's), else 0: what progress counts against.
  [[nodiscard]] std::uint64_t known_size() const noexcept {
    if (compressed_) return compressed_->known_size();
    return complete() ? size() : 0;
  }
  /// Name for messages ("<stdin>" for standard input).
  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  /// The path of a file opened by name; empty for standard input and bytes from memory.
  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  /// True for a regular file mapped in place: its bytes can be found again by path and offset.
  [[nodiscard]] bool mapped() const noexcept { return mapped_; }
  /// The modification time of a mapped file when it was opened.
  [[nodiscard]] timespec modified() const noexcept { return modified_; }
  /// Device and inode of the opened file, to refuse an output that is an input.
  [[nodiscard]] std::uint64_t device() const noexcept { return device_; }
  [[nodiscard]] std::uint64_t inode() const noexcept { return inode_; }

  /// The bytes available: `size` of them, and whether that is all of the input.
  struct extent {
    std::size_t size;
    bool complete;
  };

  /// Reads until at least `want` bytes are available or the input ends; callable from any
  /// thread. Throws mergepipe::error (errc::io) on a read error.
  extent read_through(std::size_t want);

  /// Gives back the memory of the pages from the one holding byte `begin` up to, not
  /// including, the one holding byte `end`: pages that are no longer being read. A mapped
  /// file's pages map again from the page cache if they are read again, so for it this only
  /// keeps the resident memory low; a read-once input's bytes are gone (they must not be
  /// read again), and its buffer gives back whole segments of 2 MiB, whose pages are kept to
  /// hold later bytes while some are to come. Does nothing for bytes copied from memory, nor
  /// for runs of less than a few megabytes (each call costs a TLB flush). Returns where the
  /// memory given back ends now: `begin` when none was, before `end` when the segment holding
  /// `end` is still in use.
  std::uint64_t release(std::uint64_t begin, std::uint64_t end) noexcept;

  /// Pages of a mapped file to give back: found by a step that knows the order of the reads
  /// (`release_later`), given back on any thread (`give_back`), so that the walk of the
  /// pages and the TLB flush are not paid in a serial step. Giving back pages still read
  /// costs only their faults: they map again from the page cache.
  struct page_run {
    char* data = nullptr;
    std::size_t size = 0;
    void give_back() const noexcept;
  };
  /// As `release`, except that a mapped file's pages are put in `run` for the caller to give
  /// back, and where the memory given back ends once it has is returned.
  std::uint64_t release_later(std::uint64_t begin, std::uint64_t end, page_run& run) noexcept;

  /// Throws mergepipe::error (errc::io) naming the file if a mapped file changed since it was
  /// opened: it shrank or could not be read while mapped (then some of the bytes read were
  /// zeros, not the file's), its size or modification time differ (it was written to, so
  /// records may differ from those validated), or its name now holds another file (it was
  /// replaced). A file that was only deleted has not changed: its bytes stay ours.
  void check_unchanged() const;

 private:
  void map_regular_file(std::size_t file_size);
  void reserve_stream_buffer();
  void commit_stream_bytes(std::size_t new_size);
  bool take_spare_segment(char* at) noexcept;
  void drop_spare_segments() noexcept;
  std::size_t read_into(char* to, std::size_t room);
  std::size_t decode_into(char* to, std::size_t room);
  std::size_t decode_frames_in_parallel(char* to, std::size_t consumed);
  void read_more(std::size_t min_bytes);

  std::string name_;
  int fd_ = -1;
  bool owns_fd_ = false;
  std::istream* stream_ = nullptr;
  bool mapped_ = false;
  bool read_once_ = false;
  std::atomic<bool> complete_ = false;
  char* data_ = nullptr;
  std::atomic<std::size_t> size_ = 0;
  std::mutex read_mutex_;      // one reader of a stream at a time
  std::size_t reserved_ = 0;   // address space reserved (mapping length)
  std::size_t committed_ = 0;  // readable and writable prefix of a stream buffer
  std::mutex spare_mutex_;
  std::vector<char*> spare_segments_;  // given back, their pages kept for later bytes
  std::uint64_t device_ = 0;
  std::uint64_t inode_ = 0;
  std::string path_;        // of a file opened by name, to see whether it was replaced
  timespec modified_ = {};  // of a mapped file when it was opened
  std::shared_ptr<const std::string> owned_;  // the bytes of a taken-over string
  mapping_guard guard_;  // a mapped file that shrinks reads as zeros instead of killing us
  // A decoded source: the compressed bytes, their decoder, how far it read them and up to
  // where their memory was given back, and why it stopped early, if it did.
  std::unique_ptr<input_source> compressed_;
  compression codec_ = compression::none;
  std::unique_ptr<stream_decoder> decoder_;
  std::size_t stream_decode_until_ = 0;    // end of a run of frames that failed side by side
  std::atomic<std::size_t> consumed_ = 0;  // written by the decoder, read as a hint
  std::size_t compressed_released_ = 0;
  std::optional<std::string> failure_;
};

}  // namespace mergepipe::detail
