// Merges FILE either added by name (mapped) or read in pieces of PIECE bytes and handed to
// merger::append, as a program receiving records from a socket would; prints the wall time
// and the bytes of output (counted, not written). Peak memory is measured from outside.
//
//   appender_feed FILE file|append [PIECE]      (PIECE defaults to 65536)

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "mergepipe/mergepipe.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: appender_feed FILE file|append [PIECE]\n";
    return 2;
  }
  const std::string path = argv[1];
  const std::string mode = argv[2];
  const std::size_t piece = argc > 3 ? std::stoul(argv[3]) : 65536;

  auto started = std::chrono::steady_clock::now();
  mergepipe::merger m(mergepipe::options{});
  if (mode == "file") {
    m.add(mergepipe::source::file(path), {});
  } else {
    std::ifstream in(path, std::ios::binary);
    std::vector<char> bytes(piece);
    mergepipe::appender feed = m.append({}, path);
    while (in.read(bytes.data(), static_cast<std::streamsize>(bytes.size())) || in.gcount() > 0) {
      feed.append(std::string_view(bytes.data(), static_cast<std::size_t>(in.gcount())));
    }
    feed.close();
  }
  std::uint64_t output_bytes = 0;
  mergepipe::callback_sink count(
      [&](std::string_view record) { output_bytes += record.size() + 1; });
  m.finish(count);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("%.3f %llu\n", seconds, static_cast<unsigned long long>(output_bytes));
  return 0;
}
