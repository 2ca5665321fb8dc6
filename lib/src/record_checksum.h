#pragma once

#include <isa-l/crc.h>

#include <cstddef>
#include <cstdint>

namespace mergepipe::detail {

/// Bits of a record's checksum that a table slot keeps beside the record's size and flags.
inline constexpr unsigned record_checksum_bits = 30;

/// A record's checksum, taken when the record is validated and checked again when it is
/// written, so that bytes of a mapped file that changed in between never reach the output:
/// CRC-32C by ISA-L (about 10 GB/s on records of a few hundred bytes), cut to
/// `record_checksum_bits`. ISA-L takes an `int` length: longer records are summed in parts.
inline std::uint32_t record_checksum(const char* data, std::size_t size) noexcept {
  constexpr std::size_t part = std::size_t{1} << 30;
  // ISA-L's prototype lacks const; it only reads.
  auto* bytes = reinterpret_cast<unsigned char*>(const_cast<char*>(data));
  unsigned crc = 0;
  for (; size > part; bytes += part, size -= part) crc = crc32_iscsi(bytes, int{1} << 30, crc);
  crc = crc32_iscsi(bytes, static_cast<int>(size), crc);
  return crc & ((std::uint32_t{1} << record_checksum_bits) - 1);
}

}  // namespace mergepipe::detail
