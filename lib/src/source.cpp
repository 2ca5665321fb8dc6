#include "mergepipe/source.h"

namespace mergepipe {

source source::file(std::string path) {
  source s(kind::file, path == "-" ? "<stdin>" : path);
  s.path_ = std::move(path);
  return s;
}

source source::file_range(std::string path, std::uint64_t begin, std::uint64_t end) {
  source s = file(std::move(path));
  s.range_begin_ = begin;
  s.range_end_ = end;
  return s;
}

source source::buffer(std::string_view bytes, std::string name) {
  source s(kind::buffer, std::move(name));
  s.bytes_ = bytes;
  return s;
}

source source::buffer(std::string&& bytes, std::string name) {
  source s(kind::buffer, std::move(name));
  std::size_t size = bytes.size();
  bytes.resize(size + padding);  // within the capacity, unless it leaves less than the padding
  auto owned = std::make_shared<const std::string>(std::move(bytes));
  s.bytes_ = std::string_view(owned->data(), size);
  s.owned_ = std::move(owned);
  return s;
}

source source::stream(std::istream& in, std::string name) {
  source s(kind::stream, std::move(name));
  s.stream_ = &in;
  return s;
}

}  // namespace mergepipe
