#include "mergepipe/pieces.h"

#include "mergepipe/error.h"
#include "order/line_locator.h"
#include "read/chunker.h"
#include "read/input_source.h"

namespace mergepipe {
namespace {

// The ends of the pieces of one file, in order; the last is the file's size. A compressed
// file is decoded from its start, so it is one piece.
std::vector<std::uint64_t> piece_ends(const detail::input_source& in, std::uint64_t piece_size) {
  const char* data = in.data();
  std::size_t size = in.size();
  if (detail::detect_compression(data, size) != detail::compression::none) return {size};
  std::vector<std::uint64_t> ends;
  detail::format_probe probe = *detail::probe_format(data, size, true);
  if (probe.format == detail::input_format::ndjson) {
    for (std::size_t end = 0; end < size;) {
      end = *detail::ndjson_cut(data, size, end + piece_size, true);
      ends.push_back(end);
    }
  } else {
    // The same splitter the engine uses, so that pieces end where it rests: after an element.
    detail::array_splitter splitter(probe.records_begin);
    std::vector<detail::array_item> items;
    while (!splitter.done()) {
      items.clear();
      splitter.split(data, size, splitter.position() + piece_size, true, items);
      if (const auto& fatal = splitter.fatal()) {
        auto [line, column] = detail::line_locator(data).locate(fatal->offset);
        throw error(errc::bad_input, fatal->reason,
                    location{in.name(), line, column, fatal->offset});
      }
      ends.push_back(splitter.position());
    }
  }
  if (ends.empty() || ends.back() != size) ends.push_back(size);
  return ends;
}

}  // namespace

std::vector<piece> cut_into_pieces(const std::vector<std::string>& paths,
                                   std::uint64_t piece_size) {
  if (piece_size == 0) throw error(errc::usage, "piece size must be positive");
  std::vector<piece> pieces;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    if (paths[i] == "-") throw error(errc::usage, "standard input cannot be cut into pieces");
    detail::input_source in(paths[i], paths[i]);
    if (!in.complete())
      throw error(errc::usage, "not a regular file, cannot be cut", location{paths[i]});
    std::uint64_t begin = 0;
    for (std::uint64_t end : piece_ends(in, piece_size)) {
      pieces.push_back({static_cast<std::uint32_t>(i), begin, end});
      begin = end;
    }
  }
  return pieces;
}

}  // namespace mergepipe
