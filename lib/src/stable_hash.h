#pragma once

#include <cstdint>
#include <string_view>

namespace mergepipe::detail {

/// 64-bit FNV-1a: small, fixed, the same on every machine and in every process (absl::Hash
/// is seeded per process), for what other processes must agree on: key buckets, fingerprints.
inline std::uint64_t fnv1a(std::string_view bytes,
                           std::uint64_t hash = 14695981039346656037ull) noexcept {
  for (unsigned char c : bytes) hash = (hash ^ c) * 1099511628211ull;
  return hash;
}

}  // namespace mergepipe::detail
