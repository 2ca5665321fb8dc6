#pragma once

#include <cstddef>

namespace mergepipe::detail {
// Internal linkage on purpose: each SIMD target's scanner is compiled with its own CPU flags,
// and an inline function shared between them could be kept by the linker in the copy built
// for the widest CPU, then run on one without it.
namespace {

// Nesting as seen by the scanners: returns true at the element's delimiter.
struct element_nesting {
  std::size_t depth = 0;

  bool ends_element(char c) noexcept {
    switch (c) {
      case '{':
      case '[':
        ++depth;
        return false;
      case '}':
        if (depth > 0) --depth;  // a stray `}` is the parser's to report
        return false;
      case ']':
        if (depth == 0) return true;
        --depth;
        return false;
      default:
        return depth == 0;  // ','
    }
  }
};

}  // namespace
}  // namespace mergepipe::detail
