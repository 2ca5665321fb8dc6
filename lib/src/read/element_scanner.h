#pragma once

#include <cstddef>
#include <span>

namespace mergepipe::detail {

/// How a scan for the end of an array element ended.
enum class scan_status {
  delimited,     ///< Stopped at the `,` or `]` that ends the element, at nesting depth 0.
  open_string,   ///< The input ended inside a string.
  open_bracket,  ///< The input ended inside the element (an unclosed `{` or `[`, or no delimiter).
};

/// Finds the end of the array element starting at `data[pos]` (outside any string): advances
/// `pos` to its delimiter, tracking strings (with escapes) and nesting. Reads
/// `data[pos, size)` and may load up to 64 bytes past `size` (the inputs' padding) without
/// using them.
using element_scan_function = scan_status (*)(const char* data, std::size_t& pos,
                                              std::size_t size) noexcept;

/// Scans with the fastest kernel this CPU runs, chosen once at the first call.
scan_status scan_element(const char* data, std::size_t& pos, std::size_t size) noexcept;

/// The same, one byte at a time: the portable kernel, and the reference in tests.
scan_status scan_element_scalar(const char* data, std::size_t& pos, std::size_t size) noexcept;

/// One kernel of the scanner, and whether this CPU can run it.
struct element_scan_kernel {
  const char* name;
  element_scan_function scan;
  bool runs_here;
};

/// Every kernel built into the library, fastest first, the scalar one last.
std::span<const element_scan_kernel> element_scan_kernels() noexcept;

/// The closing quote of a string whose body starts at `pos`, or `size` if there is none.
std::size_t find_string_end(const char* data, std::size_t pos, std::size_t size) noexcept;

}  // namespace mergepipe::detail
