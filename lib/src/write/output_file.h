#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mergepipe::detail {

/// A buffered output that appears atomically: a regular file is written to a temporary file
/// beside its target and renamed into place by `commit()`; if the object dies first, the
/// temporary file is removed and an existing target stays untouched. "-" or an empty path
/// is standard output, and a path that is not a regular file (a device, a FIFO) is opened and
/// written through. Errors throw mergepipe::error (errc::io); a write or commit after the
/// commit is a usage error.
class output_file {
 public:
  /// With `durable`, the file is synced to the disk before it is renamed into place, so that
  /// it survives a crash of the machine whole; without, a crash may leave it torn (for files
  /// that carry their own checksum and can be made again).
  explicit output_file(std::string path, bool durable = true);
  ~output_file();
  output_file(const output_file&) = delete;
  output_file& operator=(const output_file&) = delete;

  void write(std::string_view bytes);
  /// `write` without copying `bytes` into the buffer: for large pieces.
  void write_whole(std::string_view bytes);
  void commit();

  /// True when the output may be written in blocks at offsets (`write_at`), from several
  /// threads at once: a temporary file beside a regular target, nothing written to it yet.
  [[nodiscard]] bool takes_blocks();
  /// Writes `bytes` at `offset`; safe on several threads at once for ranges that do not
  /// overlap. Starts the disk write-back every 8 MB, as `write` does.
  void write_at(std::uint64_t offset, std::string_view bytes);
  /// After the blocks: `write` goes on at `end`.
  void end_blocks(std::uint64_t end);

 private:
  void open();
  void flush();
  void write_through(std::string_view bytes);
  void refuse_if_finished() const;
  [[noreturn]] void fail(const char* what, int err) const;

  std::string path_;
  std::string target_;  // the file `path_` names, through a symbolic link
  std::string temp_path_;
  int fd_ = -1;
  bool opened_ = false;
  bool committed_ = false;  // renamed into place: the temporary file is gone
  bool finished_ = false;   // commit was called: nothing more may be written
  bool direct_ = false;     // not a regular file: no temporary file, no rename
  bool durable_;
  std::string buffer_;
  std::uint64_t written_ = 0;       // bytes handed to the temporary file
  std::uint64_t written_back_ = 0;  // bytes whose write-back to the disk has been started
};

}  // namespace mergepipe::detail
