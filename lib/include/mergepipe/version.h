#pragma once

/// Library version, as in the CMake package.
#define MERGEPIPE_VERSION_MAJOR 0
#define MERGEPIPE_VERSION_MINOR 2
#define MERGEPIPE_VERSION_PATCH 0

namespace mergepipe {
/// The version as "major.minor.patch".
inline constexpr const char* version_string = "0.2.0";
}  // namespace mergepipe
