#include "mpgen/output_file.h"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace mpgen {

output_file::output_file(const std::string& path)
    : path_(path == "-" ? "standard output" : path),
      file_(path == "-" ? stdout : std::fopen(path.c_str(), "wb")) {
  if (file_ == nullptr) fail("cannot open");
  // Writes come in blocks of a megabyte or more; stdio's own buffer would only add a copy.
  std::setvbuf(file_, nullptr, _IONBF, 0);
}

output_file::~output_file() {
  if (file_ != nullptr && file_ != stdout) std::fclose(file_);
}

void output_file::write(const char* data, std::size_t size) {
  if (std::fwrite(data, 1, size, file_) != size) fail("cannot write");
}

void output_file::close() {
  std::FILE* file = std::exchange(file_, nullptr);
  const bool flushed = std::fflush(file) == 0;
  const bool closed = file == stdout || std::fclose(file) == 0;
  if (!flushed || !closed) fail("cannot write");
}

void output_file::fail(const char* what) const {
  throw std::runtime_error(std::string(what) + " " + path_ + ": " + std::strerror(errno));
}

}  // namespace mpgen
