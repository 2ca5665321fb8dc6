// Compressed inputs, whole and damaged. The input is a header and a payload: the payload is
// compressed (gzip, bgzip or zstd, in one to four members or frames), then a byte may be
// changed and the end cut off; or the payload itself, after a magic number, is taken as
// compressed data.
// Every run must end: with the merge of the plain payload when the data is intact, and
// otherwise either with bad input and nothing written, or, when the damage left the data
// decodable, with the same result at every setting.

#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "compressed_data.h"
#include "decompress/compression.h"
#include "fuzz_support.h"
#include "mergepipe/mergepipe.h"

namespace {

namespace mp = mergepipe;
using mergepipe::fuzz::byte_at;
using mergepipe::testing::codec;

struct outcome {
  bool ok = false;
  std::string output;  // or the error
  friend bool operator==(const outcome&, const outcome&) = default;
};

outcome run(std::string_view bytes, bool as_stream, unsigned threads, std::size_t chunk_size,
            mp::pipeline_layout layout) {
  mp::options opts;
  opts.on_error = mp::error_policy::skip;
  opts.run.threads = threads;
  opts.run.chunk_size = chunk_size;
  opts.run.layout = layout;
  outcome o;
  std::string written;
  mp::callback_sink sink([&](std::string_view record) {
    written += record;
    written += '\n';
  });
  std::istringstream stream{std::string(bytes)};
  try {
    mp::merger m(opts);
    m.add(as_stream ? mp::source::stream(stream, "in") : mp::source::buffer(bytes, "in"), {});
    m.finish(sink);
    o.ok = true;
    o.output = written;
  } catch (const mp::error& e) {
    FUZZ_CHECK(written.empty(), "output before an error: " + written);
    FUZZ_CHECK(e.code() == mp::errc::bad_input, std::string("not bad input: ") + e.what());
    o.output = e.what();
  }
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  constexpr std::size_t header = 6;
  if (input.size() < header) return 0;
  const std::string_view payload = input.substr(header);
  // bgzip's blocks and zstd's sized frames are decoded side by side, not as a stream.
  const codec c = byte_at(input, 0) & 1   ? codec::zstd
                  : byte_at(input, 0) & 4 ? codec::bgzip
                                          : codec::gzip;
  const bool raw = byte_at(input, 0) & 2;  // the payload is the compressed data
  const std::size_t parts = 1 + byte_at(input, 1) % 4;
  const std::size_t damage_at = byte_at(input, 2) << 8 | byte_at(input, 3);
  const auto damage = static_cast<char>(byte_at(input, 4));
  const std::size_t cut = byte_at(input, 5) % 16;

  std::string packed;
  if (raw) {
    constexpr std::string_view magic[] = {"\x1f\x8b", "\x28\xb5\x2f\xfd", "\x1f\x8b\x08\x04"};
    packed = magic[static_cast<int>(c)];
    packed += payload;
  } else {
    packed = mergepipe::testing::compressed(payload, c, parts);
    if (damage != 0 && !packed.empty()) packed[damage_at % packed.size()] ^= damage;
    packed.resize(packed.size() - std::min(cut, packed.size()));
  }
  // Decoded once only: a payload that looks compressed itself is read otherwise plain.
  const bool intact = !raw && damage == 0 && cut == 0 &&
                      mergepipe::detail::detect_compression(payload.data(), payload.size()) ==
                          mergepipe::detail::compression::none;

  const outcome first = run(packed, false, 1, 1 << 20, {});
  const mp::pipeline_layout apart = mp::pipeline_layout::parse("read|decompress|cut|parse+stamp|order|merge");
  const outcome others[] = {run(packed, true, 2, 64 + damage_at % 1000, apart),
                            run(packed, true, 1, 1 + cut * 7, {})};
  for (const outcome& o : others) {
    FUZZ_CHECK(o == first, "settings differ: " + o.output + "\nfirst: " + first.output);
  }
  if (intact) {
    FUZZ_CHECK(first == run(payload, false, 1, 1 << 20, {}),
               "the intact data merges otherwise than the plain payload: " + first.output);
  }
  return 0;
}
