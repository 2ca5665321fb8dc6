#include "mergepipe/version.h"

#include <simdjson.h>

#include "read/element_scanner.h"

namespace mergepipe {
namespace {

// The On-Demand kernel is fixed when the library is compiled (by its CPU flags), like the walk.
#define MERGEPIPE_NAME_OF(x) MERGEPIPE_NAME_OF_EXPANDED(x)
#define MERGEPIPE_NAME_OF_EXPANDED(x) #x
constexpr const char* walk_kernel = MERGEPIPE_NAME_OF(SIMDJSON_BUILTIN_IMPLEMENTATION);

}  // namespace

std::string simd_kernels() {
  std::string scanner = "scalar";
  for (const detail::element_scan_kernel& kernel : detail::element_scan_kernels()) {
    if (kernel.runs_here) {
      scanner = kernel.name;
      break;
    }
  }
  return "parser " + simdjson::get_active_implementation()->name() + ", array scanner " +
         scanner + ", walk " + walk_kernel;
}

}  // namespace mergepipe
