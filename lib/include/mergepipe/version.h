#pragma once

/// Library version, as in the CMake package.
#define MERGEPIPE_VERSION_MAJOR 0
#define MERGEPIPE_VERSION_MINOR 2
#define MERGEPIPE_VERSION_PATCH 0

#include <string>

#include "mergepipe/export.h"

namespace mergepipe {
/// The version as "major.minor.patch".
inline constexpr const char* version_string = "0.4.0";

/// The SIMD code this process runs: the kernels simdjson's parser and the array scanner chose
/// for this CPU at run time, and the one the On-Demand walk was compiled for (the walk takes
/// the records the parser's fast path declines), as in
/// "parser icelake, array scanner avx512, walk fallback".
MERGEPIPE_API std::string simd_kernels();
}  // namespace mergepipe
