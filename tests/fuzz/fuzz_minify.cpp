// The minifier: on any input simdjson's minify takes (a string left open is the only thing it
// refuses), every kernel this CPU runs and the dispatcher write what it writes, byte for
// byte, or decline; they read nothing past the input (an exact copy of it) and write nothing
// past `minify_room`. The kernels find strings and escapes as simdjson does, so they agree
// on invalid JSON too, not only on the records the writer gives them.

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.h"
#include "write/json_minifier.h"

namespace {

using mergepipe::detail::minify_declined;
using mergepipe::detail::minify_function;
using mergepipe::detail::minify_json;
using mergepipe::detail::minify_kernel;
using mergepipe::detail::minify_kernels;
using mergepipe::detail::minify_room;
using mergepipe::fuzz::printable;

constexpr char canary = '#';
constexpr std::size_t canary_size = 64;

// Runs `minify` over an exact copy of `text`; the output's bytes, or nothing when declined.
std::string run(minify_function minify, std::string_view text, const char* name) {
  const std::vector<char> in(text.begin(), text.end());
  std::string out(text.size() + minify_room + canary_size, canary);
  const std::size_t length = minify(in.data(), in.size(), out.data());
  if (length == minify_declined) return "declined";
  FUZZ_CHECK(out.find_first_not_of(canary, text.size() + minify_room) == std::string::npos,
             std::string(name) + " wrote past its room on " + printable(text));
  FUZZ_CHECK(length <= text.size(), std::string(name) + " grew " + printable(text));
  out.resize(length);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string expected(size + simdjson::SIMDJSON_PADDING, '\0');
  std::size_t length = 0;
  if (simdjson::minify(text.data(), size, expected.data(), length) != simdjson::SUCCESS) return 0;
  expected.resize(length);
  for (const minify_kernel& kernel : minify_kernels()) {
    if (!kernel.runs_here) continue;
    const std::string got = run(kernel.minify, text, kernel.name);
    FUZZ_CHECK(got == "declined" || got == expected,
               std::string(kernel.name) + " on " + printable(text) + " gave " + printable(got) +
                   ", simdjson " + printable(expected));
  }
  const std::string got = run(minify_json, text, "minify_json");
  FUZZ_CHECK(got == expected, "minify_json on " + printable(text) + " gave " + printable(got) +
                                  ", simdjson " + printable(expected));
  return 0;
}
