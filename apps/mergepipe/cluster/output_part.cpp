#include "output_part.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "mergepipe/error.h"

namespace mergepipe::cluster {
namespace {

constexpr std::string_view trailer_start = "#mergepipe part ";

[[noreturn]] void fail(const std::string& path, const std::string& why, errc code = errc::io) {
  throw error(code, fmt::format("{}: {}", path, why));
}

// A part's bytes, mapped read-only for as long as it is joined; none for an empty file.
class mapped_part {
 public:
  explicit mapped_part(const std::string& path) {
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
  ~mapped_part() {
    if (data_ != nullptr) ::munmap(const_cast<char*>(data_), size_);
  }
  mapped_part(const mapped_part&) = delete;
  mapped_part& operator=(const mapped_part&) = delete;

  [[nodiscard]] std::string_view bytes() const noexcept { return {data_, size_}; }

 private:
  const char* data_ = nullptr;
  std::size_t size_ = 0;
};

bool whole_number(std::string_view text, std::uint64_t& value) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}

// "#mergepipe part BYTES RECORDS\n"
bool read_trailer(std::string_view line, std::uint64_t& bytes, std::uint64_t& records) {
  if (!line.starts_with(trailer_start) || !line.ends_with('\n')) return false;
  std::string_view numbers = line.substr(trailer_start.size());
  numbers.remove_suffix(1);
  std::size_t space = numbers.find(' ');
  return space != std::string_view::npos && whole_number(numbers.substr(0, space), bytes) &&
         whole_number(numbers.substr(space + 1), records);
}

}  // namespace

void output_part_sink::write(std::string_view record) {
  out_.write(record);
  bytes_ += record.size() + 1;
  ++records_;
}

void output_part_sink::finish() {
  out_.write(fmt::format("{}{} {}", trailer_start, bytes_, records_));
  out_.finish();
}

std::uint64_t append_output_part(const std::string& path, json_file_sink& out,
                                 output_format format) {
  mapped_part part(path);
  std::string_view all = part.bytes();
  // The trailer is the last line; the records end where it starts.
  std::size_t trailer = all.size() >= 2 ? all.rfind('\n', all.size() - 2) + 1 : 0;
  std::uint64_t bytes = 0;
  std::uint64_t records = 0;
  if (!read_trailer(all.substr(trailer), bytes, records) || bytes != trailer) {
    fail(path, "a part of the output is torn (no trailer that matches its size)", errc::bad_input);
  }
  std::string_view body = all.substr(0, trailer);
  if (format == output_format::ndjson) {
    if (!body.empty()) out.write(body.substr(0, body.size() - 1));  // the sink ends it again
    return records;
  }
  for (std::size_t start = 0; start < body.size();) {
    std::size_t newline = body.find('\n', start);
    out.write(body.substr(start, newline - start));
    start = newline + 1;
  }
  return records;
}

}  // namespace mergepipe::cluster
