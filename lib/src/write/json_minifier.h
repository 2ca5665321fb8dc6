#pragma once

#include <cstddef>
#include <span>

namespace mergepipe::detail {

/// Bytes past a record's size that `minify_json` may write: it stores whole 64-byte blocks.
inline constexpr std::size_t minify_room = 64;

/// Writes the valid JSON `in[0, size)` to `out` without the whitespace outside its strings,
/// byte for byte as simdjson's minify does, and returns the length written. `out` needs room
/// for `size + minify_room` bytes. Nothing past `size` is read.
///
/// Why not simdjson's minify alone: it compresses every block with a store that Zen 4 runs
/// microcoded (0.8 GB/s in json_minifier_bench), where records of exports are mostly
/// minified already. The kernels here copy a block with no whitespace outside strings as it
/// is.
std::size_t minify_json(const char* in, std::size_t size, char* out);

/// A kernel's result when it leaves the record to the next kernel (simdjson's, last).
inline constexpr std::size_t minify_declined = static_cast<std::size_t>(-1);

using minify_function = std::size_t (*)(const char* in, std::size_t size, char* out);

/// One kernel of the minifier, and whether this CPU can run it.
struct minify_kernel {
  const char* name;
  minify_function minify;
  bool runs_here;
};

/// Every kernel built into the library, fastest first; simdjson's, which never declines and
/// runs everywhere, last.
std::span<const minify_kernel> minify_kernels() noexcept;

}  // namespace mergepipe::detail
