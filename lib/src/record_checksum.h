#pragma once

#include <cstddef>
#include <cstdint>

namespace mergepipe::detail {

/// Bits of a record's checksum that a table slot keeps beside the record's size and flags.
inline constexpr unsigned record_checksum_bits = 30;

/// A record's checksum, taken when the record is validated and checked again when it is
/// written, so that bytes of a mapped file that changed in between never reach the output:
/// CRC-32C by ISA-L (about 10 GB/s on records of a few hundred bytes), cut to
/// `record_checksum_bits`. ISA-L takes an `int` length: longer records are summed in parts.
std::uint32_t record_checksum(const char* data, std::size_t size) noexcept;

/// CRC-32C of `data`, all 32 bits, continuing from `crc` (the CRC of the bytes before them):
/// what a partial file's trailer holds.
std::uint32_t crc32c(const char* data, std::size_t size, std::uint32_t crc = 0) noexcept;

}  // namespace mergepipe::detail
