#pragma once

#include <cstdint>
#include <memory>
#include <type_traits>
#include <vector>

#include "mergepipe/error.h"
#include "mergepipe/source.h"
#include "order/line_locator.h"
#include "read/input_source.h"

namespace mergepipe::detail {

/// One opened input of a merge: its bytes, the piece [begin, end) of them to read, where its
/// records stand in the order of all inputs, and how much of its memory was given back.
class opened_input {
 public:
  /// `by_path`: the input was opened by path as a whole or a piece, so that a record's
  /// place in it can be saved instead of its bytes (see `referable_file`).
  opened_input(std::unique_ptr<input_source> source, position at, std::uint64_t begin,
               std::uint64_t end, bool by_path = false)
      : source_(std::move(source)),
        at_(at),
        begin_(begin),
        end_(end),
        by_path_(by_path),
        locator_(source_->data()),
        released_(begin) {}

  [[nodiscard]] input_source& source() const noexcept { return *source_; }

  /// Reads the input through a decoder from now on if its first bytes show that it is
  /// compressed. The read step calls it before anything else reads the input.
  void decode_if_compressed() {
    input_source::extent start = source_->read_through(4);
    compression codec = detect_compression(source_->data(), start.size);
    if (codec == compression::none) return;
    source_ = std::make_unique<input_source>(std::move(source_), codec);
    locator_ = line_locator(source_->data());
  }
  [[nodiscard]] const char* data() const noexcept { return source_->data(); }
  [[nodiscard]] position at() const noexcept { return at_; }
  [[nodiscard]] std::uint64_t begin() const noexcept { return begin_; }
  /// The end of the piece; UINT64_MAX for the whole input.
  [[nodiscard]] std::uint64_t end() const noexcept { return end_; }
  /// A file opened by path, mapped, at a position of offset 0: its records' stamps hold
  /// their offsets in the file, so they can be found again by the path and the stamp.
  [[nodiscard]] bool referable() const noexcept {
    return by_path_ && at_.offset == 0 && source_->mapped() && !source_->path().empty();
  }

  /// The bytes that may be cut: up to the end of the piece, or all read so far, reading
  /// until at least `want` are there or the input ends.
  input_source::extent read_through(std::size_t want) const {
    if (end_ < source_->size()) return {static_cast<std::size_t>(end_), true};
    input_source::extent e = source_->read_through(want);
    if (end_ < e.size) return {static_cast<std::size_t>(end_), true};
    return e;
  }

  /// Where byte `offset` is, for messages and rejects. Offsets must be asked in increasing
  /// order (the order step does); lines and columns count within the source.
  location locate(std::uint64_t offset) {
    auto [line, column] = locator_.locate(offset);
    return location{source_->name(), line, column, at_.offset + offset};
  }

  /// Counts the lines before `offset` now, for a read-once input whose bytes there will be
  /// gone when a later record is located.
  void count_lines_before(std::uint64_t offset) noexcept { locator_.locate(offset); }

  /// Gives back the memory of the pages before `offset` that were not given back yet: they
  /// are read no more in this reading of the input (see input_source::release).
  void release_before(std::uint64_t offset) noexcept {
    if (offset > released_) released_ = source_->release(released_, offset);
  }
  /// As `release_before`, except that a mapped file's pages are returned for the caller to
  /// give back (see input_source::page_run).
  input_source::page_run release_later_before(std::uint64_t offset) noexcept {
    input_source::page_run run;
    if (offset > released_) released_ = source_->release_later(released_, offset, run);
    return run;
  }
  /// Starts a new reading of the input (the writer's, after the pipeline's).
  void restart_release() noexcept { released_ = begin_; }

 private:
  std::unique_ptr<input_source> source_;
  position at_;
  std::uint64_t begin_;
  std::uint64_t end_;
  bool by_path_;
  line_locator locator_;
  std::uint64_t released_;  // memory given back up to here
};

/// An input file whose records a partial file saves as references (where they lie) instead
/// of copies: what the partial file's table of files holds about it.
struct referable_file {
  std::uint32_t input = 0;  ///< The input index of its records' stamps.
  std::string path;         ///< Absolute.
  std::uint64_t size = 0;
  timespec modified{};
  /// Where its bytes start in this process: once per time it was opened (pieces of it
  /// added apart are mapped apart).
  std::vector<const char*> mappings;
};

/// The one owner of a merge's inputs: opens them, checks pieces, and vouches that none
/// changed while it was read. Winning records point into these inputs, so they live as long
/// as the set does.
class input_set {
 public:
  /// Opens `from` (a file piece must lie inside the file: a piece from another machine is
  /// checked, not trusted). Throws mergepipe::error: io when it cannot be opened, usage for
  /// a piece outside its file.
  void open(const source& from, position at);
  /// Keeps a file that is not read through the pipeline (a partial merge) alive.
  void keep(std::unique_ptr<input_source> file);
  /// The files whose records can be saved as references, one per input index, in its order;
  /// an index that two different files (or one file of two sizes) share is left out.
  [[nodiscard]] std::vector<referable_file> referable_files() const;
  /// The bytes of `file`, which a partial file refers to: opened now, unless the set maps it
  /// already. Throws mergepipe::error (io) naming it when it cannot be opened, or when its
  /// size or modification time differ from `file`'s (it changed since the partial was saved).
  const char* open_referenced(const referable_file& file);
  /// Moves the inputs of `other` here.
  void take(input_set&& other);

  [[nodiscard]] std::size_t size() const noexcept { return inputs_.size(); }
  [[nodiscard]] opened_input& operator[](std::size_t i) noexcept { return *inputs_[i]; }
  /// Bytes to read over the inputs whose size is known (not standard input).
  [[nodiscard]] std::uint64_t known_bytes() const noexcept;

  /// The pages before `record` in the input that holds it, to give back (see
  /// opened_input::release_later_before).
  input_source::page_run release_later_before(const char* record) noexcept;
  /// The input that holds `bytes` and their offset in it (without line and column).
  [[nodiscard]] location locate_bytes(const char* bytes) const;
  /// Starts a new reading of every input.
  void restart_release() noexcept;

  /// Throws mergepipe::error (errc::io) for the first input that changed while it was read.
  void check_unchanged() const;

  /// Runs `read`, a pass over the inputs or the writing of winners from them, and vouches
  /// for what it read: a file that shrank while mapped reads as zeros, and one written to
  /// gives other bytes, which may pass as bad records, as records that fail their checksum
  /// or as a wrong result, so the input's change is reported instead, before the sink is
  /// finished.
  template <typename Read>
  auto read_unchanged(Read&& read) {
    try {
      if constexpr (std::is_void_v<std::invoke_result_t<Read&>>) {
        read();
        check_unchanged();
      } else {
        auto result = read();
        check_unchanged();
        return result;
      }
    } catch (const error& e) {
      if (e.code() != errc::usage) check_unchanged();
      throw;
    }
  }

 private:
  std::vector<std::unique_ptr<opened_input>> inputs_;
};

}  // namespace mergepipe::detail
