#pragma once

#include <cstddef>
#include <cstdio>
#include <string>

namespace mpgen {

/// A file or standard output written in large blocks; throws std::runtime_error on failure.
class output_file {
 public:
  /// `-` is standard output.
  explicit output_file(const std::string& path);
  ~output_file();
  output_file(const output_file&) = delete;
  output_file& operator=(const output_file&) = delete;

  void write(const char* data, std::size_t size);
  /// Flushes and closes, reporting errors a destructor would have to swallow.
  void close();

 private:
  [[noreturn]] void fail(const char* what) const;

  std::string path_;
  std::FILE* file_;
};

}  // namespace mpgen
