#include "read/element_scanner.h"

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

#if defined(__AVX2__) && defined(__PCLMUL__)
#include <immintrin.h>
#define MERGEPIPE_SIMD_SCAN 1
#endif

namespace mergepipe::detail {
namespace {

// Bytes the scalar scanner must stop at outside strings; everything else is skipped.
constexpr std::array<bool, 256> structural_bytes = [] {
  std::array<bool, 256> table{};
  for (unsigned char c : {'"', '\\', '{', '}', '[', ']', ','}) table[c] = true;
  return table;
}();

// Nesting as seen by the scanners: returns true at the element's delimiter.
struct nesting {
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

#if MERGEPIPE_SIMD_SCAN

// One bit per byte of a 64-byte block.
struct block_masks {
  std::uint64_t quote, backslash, open, close, comma;
};

#if defined(__AVX512BW__)
inline block_masks classify(const char* p) noexcept {
  __m512i bytes = _mm512_loadu_si512(p);
  // `[` and `{` differ only in bit 0x20, as do `]` and `}`: one compare finds both.
  __m512i folded = _mm512_or_si512(bytes, _mm512_set1_epi8(0x20));
  return {_mm512_cmpeq_epi8_mask(bytes, _mm512_set1_epi8('"')),
          _mm512_cmpeq_epi8_mask(bytes, _mm512_set1_epi8('\\')),
          _mm512_cmpeq_epi8_mask(folded, _mm512_set1_epi8('{')),
          _mm512_cmpeq_epi8_mask(folded, _mm512_set1_epi8('}')),
          _mm512_cmpeq_epi8_mask(bytes, _mm512_set1_epi8(','))};
}
#else
inline std::uint64_t equal_mask(__m256i lo, __m256i hi, char c) noexcept {
  __m256i needle = _mm256_set1_epi8(c);
  auto low = static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, needle)));
  auto high = static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, needle)));
  return low | (std::uint64_t{high} << 32);
}

inline block_masks classify(const char* p) noexcept {
  __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32));
  // `[` and `{` differ only in bit 0x20, as do `]` and `}`: one compare finds both.
  __m256i lo_folded = _mm256_or_si256(lo, _mm256_set1_epi8(0x20));
  __m256i hi_folded = _mm256_or_si256(hi, _mm256_set1_epi8(0x20));
  return {equal_mask(lo, hi, '"'), equal_mask(lo, hi, '\\'), equal_mask(lo_folded, hi_folded, '{'),
          equal_mask(lo_folded, hi_folded, '}'), equal_mask(lo, hi, ',')};
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

// 64 bytes at a time: string interiors are masked out with bit arithmetic, and a block in
// which the nesting cannot fall to zero is skipped by counting its brackets; only blocks where
// the element may end have their brackets and commas visited one by one.
scan_status scan_element_simd(const char* data, std::size_t& pos, std::size_t size) noexcept {
  nesting level;
  std::uint64_t escape_carry = 0;
  std::uint64_t in_string_carry = 0;
  for (std::size_t block = pos; block < size; block += 64) {
    std::uint64_t valid =
        size - block >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << (size - block)) - 1;
    // The reader is the first to touch the input: ask for the next page before it is
    // needed, or every page's first block waits on memory (a quarter of this scan's time).
    _mm_prefetch(data + block + 4096, _MM_HINT_T0);
    block_masks m = classify(data + block);
    std::uint64_t escaped = escaped_bits(m.backslash & valid, escape_carry);
    std::uint64_t in_string = prefix_xor(m.quote & valid & ~escaped) ^ in_string_carry;
    in_string_carry = static_cast<std::uint64_t>(static_cast<std::int64_t>(in_string) >> 63);
    std::uint64_t outside = valid & ~escaped & ~in_string;
    std::uint64_t open = m.open & outside;
    std::uint64_t close = m.close & outside;
    auto closes = static_cast<std::size_t>(std::popcount(close));
    if (level.depth > closes) {
      level.depth += static_cast<std::size_t>(std::popcount(open)) - closes;
      continue;
    }
    for (std::uint64_t hits = open | close | (m.comma & outside); hits != 0; hits &= hits - 1) {
      std::size_t at = block + static_cast<std::size_t>(std::countr_zero(hits));
      if (level.ends_element(data[at])) {
        pos = at;
        return scan_status::delimited;
      }
    }
  }
  pos = size;
  return in_string_carry != 0 ? scan_status::open_string : scan_status::open_bracket;
}

#endif

}  // namespace

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
  nesting level;
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
#if MERGEPIPE_SIMD_SCAN
  return scan_element_simd(data, pos, size);
#else
  return scan_element_scalar(data, pos, size);
#endif
}

}  // namespace mergepipe::detail
