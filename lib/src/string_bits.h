#pragma once

// Bit arithmetic on 64-byte blocks of JSON, shared by the block kernels (the array scanner's
// and the minifier's). Include it only from a file built with its SIMD target's flags.

#include <immintrin.h>

#include <cstdint>

namespace mergepipe::detail {
// Internal linkage on purpose: each SIMD target's kernel is compiled with its own CPU flags,
// and an inline function shared between them could be kept by the linker in the copy built
// for the widest CPU, then run on one without it.
namespace {

#if defined(__AVX2__)
// The bits of the 64 bytes `lo` and `hi` that equal `c`.
inline std::uint64_t equal_mask(__m256i lo, __m256i hi, char c) noexcept {
  __m256i needle = _mm256_set1_epi8(c);
  auto low = static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, needle)));
  auto high = static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, needle)));
  return low | (std::uint64_t{high} << 32);
}
#endif

// Bits of the characters escaped by a backslash (simdjson's branch-free odd-run trick);
// `carry` says whether the block's first character is escaped, and is updated for the next.
inline std::uint64_t escaped_bits(std::uint64_t backslash, std::uint64_t& carry) noexcept {
  if (backslash == 0 && carry == 0) return 0;  // most blocks have no backslash at all
  constexpr std::uint64_t even_bits = 0x5555555555555555ULL;
  backslash &= ~carry;
  std::uint64_t follows_escape = backslash << 1 | carry;
  std::uint64_t odd_sequence_starts = backslash & ~even_bits & ~follows_escape;
  std::uint64_t sequences_on_even_bits = odd_sequence_starts + backslash;
  carry = sequences_on_even_bits < odd_sequence_starts ? 1 : 0;
  std::uint64_t invert_mask = sequences_on_even_bits << 1;
  return (even_bits ^ invert_mask) & follows_escape;
}

// Bit i = XOR of bits 0..i: turns quote positions into "inside a string" bits.
inline std::uint64_t prefix_xor(std::uint64_t bits) noexcept {
  __m128i product = _mm_clmulepi64_si128(_mm_set_epi64x(0, static_cast<long long>(bits)),
                                         _mm_set1_epi8(static_cast<char>(0xFF)), 0);
  return static_cast<std::uint64_t>(_mm_cvtsi128_si64(product));
}

// The bits of the bytes inside strings (opening quote included, closing quote not), given
// the block's unescaped quotes; `carry` is all ones when the block starts inside a string,
// and is updated for the next.
inline std::uint64_t string_bits(std::uint64_t quotes, std::uint64_t& carry) noexcept {
  std::uint64_t inside = prefix_xor(quotes) ^ carry;
  carry = static_cast<std::uint64_t>(static_cast<std::int64_t>(inside) >> 63);
  return inside;
}

}  // namespace
}  // namespace mergepipe::detail
