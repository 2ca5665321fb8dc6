#include "record_checksum.h"

#include <isa-l/crc.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace mergepipe::detail {
namespace {

#if defined(__x86_64__)
// ISA-L's vector CRC returns without `vzeroupper`: the upper halves of the vector registers stay
// dirty, and on Intel CPUs the SSE code of a build for any x86-64 CPU then runs with a false
// dependency on them, which made the whole parse step a quarter slower. Clearing them costs a
// cycle; the instruction exists only on CPUs with AVX.
__attribute__((target("avx"))) void clear_upper_vector_halves() noexcept { _mm256_zeroupper(); }

const bool cpu_has_avx = [] {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx") != 0;
}();
#endif

}  // namespace

std::uint32_t crc32c(const char* data, std::size_t size, std::uint32_t crc) noexcept {
  constexpr std::size_t part = std::size_t{1} << 30;
  // ISA-L's prototype lacks const; it only reads.
  auto* bytes = reinterpret_cast<unsigned char*>(const_cast<char*>(data));
  for (; size > part; bytes += part, size -= part) crc = crc32_iscsi(bytes, int{1} << 30, crc);
  crc = crc32_iscsi(bytes, static_cast<int>(size), crc);
#if defined(__x86_64__)
  if (cpu_has_avx) clear_upper_vector_halves();
#endif
  return crc;
}

std::uint32_t record_checksum(const char* data, std::size_t size) noexcept {
  return crc32c(data, size) & ((std::uint32_t{1} << record_checksum_bits) - 1);
}

}  // namespace mergepipe::detail
