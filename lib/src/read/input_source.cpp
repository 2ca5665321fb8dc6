#include "read/input_source.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <oneapi/tbb/task_arena.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <istream>
#include <string>
#include <vector>

#include "decompress/independent_frames.h"
#include "mergepipe/error.h"
#include "pipeline/for_each_index.h"

namespace mergepipe::detail {
namespace {

constexpr std::size_t page_size = 4096;
// A stream's buffer is committed and given back in segments of a huge page's size, so that a
// segment given back can be moved whole to where the next bytes go (see `take_spare_segment`).
constexpr std::size_t segment_size = std::size_t{2} << 20;
// Segments given back and kept for later bytes, at most: what the buffer holds beyond the
// bytes still in use.
constexpr std::size_t spare_segments_kept = 16;
// Bytes a stream is read ahead of what the cut step asked for, at most.
constexpr std::size_t read_ahead = std::size_t{1} << 20;

std::size_t round_up_to_page(std::size_t n) { return (n + page_size - 1) / page_size * page_size; }
std::size_t round_up_to_segment(std::size_t n) {
  return (n + segment_size - 1) / segment_size * segment_size;
}

[[noreturn]] void throw_io(const std::string& name, const std::string& what, int err) {
  throw error(errc::io, what + ": " + std::strerror(err), location{name});
}

}  // namespace

input_source::input_source(const std::string& path, std::string display_name)
    : name_(std::move(display_name)) {
  if (path == "-") {
    fd_ = STDIN_FILENO;
  } else {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw_io(name_, "cannot open", errno);
    owns_fd_ = true;
    path_ = path;
  }
  struct stat st {};
  if (::fstat(fd_, &st) != 0) throw_io(name_, "cannot stat", errno);
  if (S_ISDIR(st.st_mode)) throw_io(name_, "cannot read", EISDIR);
  device_ = st.st_dev;
  inode_ = st.st_ino;
  modified_ = st.st_mtim;
  if (S_ISREG(st.st_mode)) {
    map_regular_file(static_cast<std::size_t>(st.st_size));
  } else {
    reserve_stream_buffer();
    read_once_ = true;
    // A larger pipe lets the writer run ahead and halves the wake-ups; refused without harm
    // (a pipe's size is capped for unprivileged users).
    if (S_ISFIFO(st.st_mode)) ::fcntl(fd_, F_SETPIPE_SZ, 1 << 20);
  }
}

input_source::input_source(std::string_view bytes, std::string display_name)
    : name_(std::move(display_name)) {
  reserved_ = round_up_to_page(bytes.size() + input_padding);
  void* region =
      ::mmap(nullptr, reserved_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (region == MAP_FAILED) throw_io(name_, "cannot allocate memory for the input", errno);
  data_ = static_cast<char*>(region);
  std::memcpy(data_, bytes.data(), bytes.size());
  size_ = bytes.size();
  complete_ = true;
}

input_source::input_source(std::shared_ptr<const std::string> owned, std::size_t size,
                           std::string display_name)
    : name_(std::move(display_name)), owned_(std::move(owned)) {
  data_ = const_cast<char*>(owned_->data());  // never written: only streams are read into
  size_ = size;
  complete_ = true;
}

input_source::input_source(std::istream& in, std::string display_name)
    : name_(std::move(display_name)), stream_(&in), read_once_(true) {
  reserve_stream_buffer();
}

input_source::input_source(std::unique_ptr<input_source> compressed, compression codec)
    : name_(compressed->name()),
      device_(compressed->device()),
      inode_(compressed->inode()),
      compressed_(std::move(compressed)),
      codec_(codec),
      decoder_(make_decoder(codec)) {
  reserve_stream_buffer();
  read_once_ = true;
}

input_source::~input_source() {
  guard_.unwatch();
  if (data_ != nullptr && !owned_) ::munmap(data_, reserved_);
  if (owns_fd_) ::close(fd_);
}

// Reserves size + padding bytes of zeroed anonymous memory, then maps the file over its
// start: the padding simdjson reads past the last record is ours, never past the mapping.
void input_source::map_regular_file(std::size_t file_size) {
  mapped_ = true;
  complete_ = true;
  size_ = file_size;
  reserved_ = round_up_to_page(file_size + input_padding);
  void* region = ::mmap(nullptr, reserved_, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (region == MAP_FAILED) throw_io(name_, "cannot reserve memory", errno);
  data_ = static_cast<char*>(region);
  if (file_size == 0) return;
  void* file = ::mmap(region, file_size, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd_, 0);
  if (file == MAP_FAILED) throw_io(name_, "cannot map", errno);
  guard_.watch(region, file_size);
  ::madvise(region, file_size, MADV_SEQUENTIAL);
}

// Streams keep every byte (records are referenced, not copied), so the buffer must never
// move: reserve a large address range once, aligned to segments, and commit it as input
// arrives.
void input_source::reserve_stream_buffer() {
  constexpr std::size_t sizes[] = {std::size_t{1} << 40, std::size_t{1} << 36,
                                   std::size_t{1} << 32};
  for (std::size_t want : sizes) {
    const std::size_t mapped = want + segment_size;
    void* region =
        ::mmap(nullptr, mapped, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (region == MAP_FAILED) continue;
    char* start = static_cast<char*>(region);
    const auto misaligned = reinterpret_cast<std::uintptr_t>(start) % segment_size;
    const std::size_t head = misaligned == 0 ? 0 : segment_size - misaligned;
    if (head != 0) ::munmap(start, head);
    ::munmap(start + head + want, segment_size - head);
    data_ = start + head;
    reserved_ = want;
    spare_segments_.reserve(spare_segments_kept);  // so that `release` never allocates
    // Every byte of a stream lands on a page never touched or moved here whole: huge pages
    // take 512 times fewer faults, and move as one.
    ::madvise(data_, want, MADV_HUGEPAGE);
    return;
  }
  throw_io(name_, "cannot reserve memory for the input", ENOMEM);
}

void input_source::commit_stream_bytes(std::size_t new_size) {
  const std::size_t need = round_up_to_segment(new_size + input_padding);
  if (need <= committed_) return;
  if (need > reserved_)
    throw error(errc::io, "input larger than the reserved buffer", location{name_});
  for (; committed_ < need; committed_ += segment_size) {
    char* at = data_ + committed_;
    if (take_spare_segment(at)) continue;
    if (::mprotect(at, segment_size, PROT_READ | PROT_WRITE) != 0)
      throw_io(name_, "cannot grow the input buffer", errno);
  }
}

// A new page costs a fault and clearing it (a third of decoding a gzip stream, measured);
// moving a segment given back costs neither: the pages keep their old bytes, which the new
// ones overwrite. The place it leaves is mapped anew to read as zeros, as any byte given
// back, and joins its neighbours there instead of adding a mapping per segment.
bool input_source::take_spare_segment(char* at) noexcept {
  char* spare = nullptr;
  {
    std::lock_guard hold(spare_mutex_);
    if (spare_segments_.empty()) return false;
    spare = spare_segments_.back();
    spare_segments_.pop_back();
  }
  void* moved = ::mremap(spare, segment_size, segment_size,
                         MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP, at);
  if (moved == MAP_FAILED) {  // a kernel before 5.13: the segment's pages go back instead
    ::madvise(spare, segment_size, MADV_DONTNEED);
    return false;
  }
  ::mmap(spare, segment_size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE,
         -1, 0);
  return true;
}

void input_source::drop_spare_segments() noexcept {
  std::lock_guard hold(spare_mutex_);
  for (char* spare : spare_segments_) ::madvise(spare, segment_size, MADV_DONTNEED);
  spare_segments_.clear();
}

std::uint64_t input_source::release(std::uint64_t begin, std::uint64_t end) noexcept {
  page_run run;
  const std::uint64_t released = release_later(begin, end, run);
  run.give_back();
  return released;
}

void input_source::page_run::give_back() const noexcept {
  if (size != 0) ::madvise(data, size, MADV_DONTNEED);
}

std::uint64_t input_source::release_later(std::uint64_t begin, std::uint64_t end,
                                          page_run& run) noexcept {
  // Each call costs a TLB flush on every core: give memory back in runs of some size.
  constexpr std::uint64_t least = std::uint64_t{8} << 20;
  if (!(mapped_ || read_once_) || end < begin + least) return begin;
  end = std::min<std::uint64_t>(end, size());
  if (mapped_) {
    const std::uint64_t first = begin / page_size * page_size;
    const std::uint64_t last = end / page_size * page_size;
    if (first < last) run = {data_ + first, last - first};
    return end;
  }
  // A stream's buffer: whole segments, kept for later bytes while there are some to come.
  const std::uint64_t first = begin / segment_size * segment_size;
  const std::uint64_t last = end / segment_size * segment_size;
  if (last < first + least) return begin;
  const bool more_to_come = !complete();
  std::lock_guard hold(spare_mutex_);
  for (std::uint64_t at = first; at < last; at += segment_size) {
    if (more_to_come && spare_segments_.size() < spare_segments_kept) {
      spare_segments_.push_back(data_ + at);
    } else {
      ::madvise(data_ + at, segment_size, MADV_DONTNEED);
    }
  }
  return last;
}

void input_source::check_unchanged() const {
  if (compressed_) compressed_->check_unchanged();
  if (!mapped_) return;
  struct stat st {};
  if (::fstat(fd_, &st) == 0 && static_cast<std::uint64_t>(st.st_size) < size()) {
    throw error(errc::io,
                "changed while being read: it shrank from " + std::to_string(size()) + " to " +
                    std::to_string(st.st_size) + " bytes",
                location{name_});
  }
  if (guard_.faulted()) {
    throw error(errc::io,
                "changed while being read: part of the mapped file could not be read (bus error)",
                location{name_});
  }
  if (::fstat(fd_, &st) == 0 &&
      (static_cast<std::uint64_t>(st.st_size) != size() || st.st_mtim.tv_sec != modified_.tv_sec ||
       st.st_mtim.tv_nsec != modified_.tv_nsec)) {
    throw error(errc::io,
                "changed while being read: it was written to (its size or modification time "
                "changed), so its records may not be those read",
                location{name_});
  }
  struct stat now {};
  if (!path_.empty() && ::stat(path_.c_str(), &now) == 0 &&
      (now.st_dev != device_ || now.st_ino != inode_)) {
    throw error(errc::io, "changed while being read: its name now holds another file",
                location{name_});
  }
}

input_source::extent input_source::read_through(std::size_t want) {
  if (!complete() && size() < want) {
    std::lock_guard hold(read_mutex_);
    if (!complete() && size() < want) read_more(want - size());
  }
  std::size_t available = size();  // before `complete`: a reader may add to both meanwhile
  return {available, complete() && available == size()};
}

// Bytes are published only after they were read: a thread that sees the new size sees them.
void input_source::read_more(std::size_t min_bytes) {
  std::size_t added = 0;
  std::size_t size = size_.load(std::memory_order_relaxed);
  while (added < min_bytes) {
    commit_stream_bytes(size + std::max<std::size_t>(min_bytes - added, 1 << 16));
    std::size_t room = committed_ - input_padding - size;
    // A std::istream's read waits until it has all it was asked for: ask for what is needed,
    // so that a stream fed as it arrives is read as far as its bytes go, not to the buffer's end.
    if (stream_ != nullptr) room = std::min(room, std::max(min_bytes - added, read_ahead));
    std::size_t n = read_into(data_ + size, room);
    if (n == 0) {
      // The padding past the last byte reads as zeros, even on a segment that held bytes
      // before; segments kept for later bytes go back, as there are none.
      std::memset(data_ + size, 0, input_padding);
      complete_.store(true, std::memory_order_release);
      drop_spare_segments();
      break;
    }
    size += n;
    added += n;
    size_.store(size, std::memory_order_release);
  }
}

// Up to `room` bytes from the file descriptor, the stream or the decoder; 0 at the end of the
// input.
std::size_t input_source::read_into(char* to, std::size_t room) {
  if (compressed_) return decode_into(to, room);
  if (stream_ != nullptr) {
    stream_->read(to, static_cast<std::streamsize>(room));
    if (stream_->bad()) throw error(errc::io, "read failed", location{name_});
    return static_cast<std::size_t>(stream_->gcount());
  }
  for (;;) {
    ssize_t n = ::read(fd_, to, room);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno != EINTR) throw_io(name_, "read failed", errno);
  }
}

// Compressed bytes are read a block ahead of the decoder and given back behind it. Data that
// cannot be decoded ends the input where it starts; the cut step reports `failure_` there.
std::size_t input_source::decode_into(char* to, std::size_t room) {
  constexpr std::size_t read_ahead = std::size_t{1} << 20;
  // A block at a time, as a read from a pipe: the decoder never runs far ahead of the cut.
  room = std::min(room, read_ahead);
  std::size_t consumed = consumed_.load(std::memory_order_relaxed);
  if (decoder_->between_frames()) {
    if (std::size_t produced = decode_frames_in_parallel(to, consumed)) return produced;
  }
  std::size_t want = consumed + read_ahead;
  for (;;) {
    extent in = compressed_->read_through(want);
    std::size_t left = in.size - consumed;
    stream_decoder::progress done;
    try {
      done = decoder_->decode(compressed_->data() + consumed, left, in.complete, to, room);
    } catch (const decode_error& e) {
      failure_ = fmt::format("bad {} data at byte {} of the compressed file: {}", to_string(codec_),
                             consumed + e.consumed, e.reason);
      return 0;
    }
    consumed += done.consumed;
    consumed_.store(consumed, std::memory_order_relaxed);
    compressed_released_ = compressed_->release(compressed_released_, consumed);
    if (done.produced > 0) return done.produced;
    if (done.consumed == 0 && in.complete) return 0;  // the decoder saw the clean end
    if (done.consumed == 0) want = in.size + read_ahead;
  }
}

// bgzip's blocks and zstd frames with a content size say how long they are: a run of them,
// about 4 MiB of decoded bytes per thread, is decoded at once, each straight into its place.
// Returns the bytes decoded, or 0 to leave the next bytes to the stream decoder: fewer than
// two such frames ahead, or one of them at fault, which the stream decoder then finds again
// and reports where it is (the batch is not tried again).
std::size_t input_source::decode_frames_in_parallel(char* to, std::size_t consumed) {
  if (consumed < stream_decode_until_) return 0;
  struct placed_frame {
    std::size_t from;  // in the compressed bytes
    std::size_t to;    // in the decoded run
    independent_frame frame;
  };
  const auto threads = static_cast<unsigned>(tbb::this_task_arena::max_concurrency());
  const std::size_t budget = (std::size_t{4} << 20) * threads;
  extent in = compressed_->read_through(consumed + budget);
  std::vector<placed_frame> frames;
  std::size_t at = consumed;
  std::size_t decoded = 0;
  while (auto frame = find_independent_frame(codec_, compressed_->data() + at, in.size - at)) {
    if (decoded + frame->decoded_size > budget) break;
    frames.push_back({at, decoded, *frame});
    at += frame->compressed_size;
    decoded += frame->decoded_size;
  }
  if (frames.size() < 2 || decoded == 0) return 0;

  commit_stream_bytes(static_cast<std::size_t>(to - data_) + decoded);
  std::atomic<bool> failed{false};
  // Isolated: this thread holds the read lock, and must not pick up a pipeline task meanwhile
  // that would wait for it.
  tbb::this_task_arena::isolate([&] {
    for_each_index(frames.size(), threads, [&](std::size_t i) {
      const placed_frame& f = frames[i];
      try {
        decode_frame(codec_, compressed_->data() + f.from, f.frame, to + f.to);
      } catch (const decode_error&) {
        failed.store(true, std::memory_order_relaxed);
      }
    });
  });
  if (failed.load(std::memory_order_relaxed)) {
    stream_decode_until_ = at;
    return 0;
  }
  consumed_.store(at, std::memory_order_relaxed);
  compressed_released_ = compressed_->release(compressed_released_, at);
  return decoded;
}

}  // namespace mergepipe::detail
