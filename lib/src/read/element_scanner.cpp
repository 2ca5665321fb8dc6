#include "read/element_scanner.h"

#include <array>
#include <cstring>

#include "read/element_nesting.h"

namespace mergepipe::detail {

#if MERGEPIPE_X86_64_KERNELS
// Built with their own CPU flags (element_scanner_blocks.inc); called only where they run.
scan_status scan_element_avx512(const char* data, std::size_t& pos, std::size_t size) noexcept;
scan_status scan_element_avx2(const char* data, std::size_t& pos, std::size_t size) noexcept;
#endif

namespace {

// Bytes the scalar scanner must stop at outside strings; everything else is skipped.
constexpr std::array<bool, 256> structural_bytes = [] {
  std::array<bool, 256> table{};
  for (unsigned char c : {'"', '\\', '{', '}', '[', ']', ','}) table[c] = true;
  return table;
}();

std::array<element_scan_kernel, MERGEPIPE_X86_64_KERNELS ? 3 : 1> detect_kernels() noexcept {
#if MERGEPIPE_X86_64_KERNELS
  __builtin_cpu_init();
  bool clmul = __builtin_cpu_supports("pclmul");
  return {{{"avx512", scan_element_avx512, clmul && __builtin_cpu_supports("avx512bw")},
           {"avx2", scan_element_avx2, clmul && __builtin_cpu_supports("avx2")},
           {"scalar", scan_element_scalar, true}}};
#else
  return {{{"scalar", scan_element_scalar, true}}};
#endif
}

const auto& kernels() noexcept {
  static const auto detected = detect_kernels();
  return detected;
}

element_scan_function fastest_kernel() noexcept {
  for (const element_scan_kernel& kernel : kernels()) {
    if (kernel.runs_here) return kernel.scan;
  }
  return scan_element_scalar;
}

}  // namespace

std::span<const element_scan_kernel> element_scan_kernels() noexcept { return kernels(); }

std::size_t find_string_end(const char* data, std::size_t pos, std::size_t size) noexcept {
  std::size_t body = pos;
  while (pos < size) {
    const void* hit = std::memchr(data + pos, '"', size - pos);
    if (hit == nullptr) return size;
    std::size_t quote = static_cast<std::size_t>(static_cast<const char*>(hit) - data);
    std::size_t backslashes = 0;
    while (quote - backslashes > body && data[quote - backslashes - 1] == '\\') ++backslashes;
    if (backslashes % 2 == 0) return quote;
    pos = quote + 1;
  }
  return size;
}

scan_status scan_element_scalar(const char* data, std::size_t& pos, std::size_t size) noexcept {
  element_nesting level;
  while (pos < size) {
    char c = data[pos];
    if (!structural_bytes[static_cast<unsigned char>(c)]) {
      ++pos;
      continue;
    }
    if (c == '\\') {  // invalid outside a string, but it escapes as the block scanner's does
      pos += 2;
      continue;
    }
    if (c == '"') {
      std::size_t end = find_string_end(data, pos + 1, size);
      if (end == size) {
        pos = size;
        return scan_status::open_string;
      }
      pos = end + 1;
      continue;
    }
    if (level.ends_element(c)) return scan_status::delimited;
    ++pos;
  }
  pos = size;
  return scan_status::open_bracket;
}

scan_status scan_element(const char* data, std::size_t& pos, std::size_t size) noexcept {
  static const element_scan_function fastest = fastest_kernel();
  return fastest(data, pos, size);
}

}  // namespace mergepipe::detail
