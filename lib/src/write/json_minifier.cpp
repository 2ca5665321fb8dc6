#include "write/json_minifier.h"

#include <simdjson.h>

#include <array>

#include "mergepipe/error.h"

namespace mergepipe::detail {

#if MERGEPIPE_X86_64_KERNELS
// Built with their own CPU flags (json_minifier_blocks.inc); called only where they run.
std::size_t minify_json_avx512(const char* in, std::size_t size, char* out);
std::size_t minify_json_avx2(const char* in, std::size_t size, char* out);
#endif

namespace {

std::size_t minify_json_simdjson(const char* in, std::size_t size, char* out) {
  std::size_t length = 0;
  if (simdjson::minify(in, size, out, length) != simdjson::SUCCESS) {
    throw error(errc::bad_input, "a validated record could not be minified");
  }
  return length;
}

std::array<minify_kernel, MERGEPIPE_X86_64_KERNELS ? 3 : 1> detect_kernels() noexcept {
#if MERGEPIPE_X86_64_KERNELS
  __builtin_cpu_init();
  const bool clmul = __builtin_cpu_supports("pclmul");
  const bool avx512 = __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vbmi2");
  return {{{"avx512", minify_json_avx512, clmul && avx512},
           {"avx2", minify_json_avx2, clmul && __builtin_cpu_supports("avx2")},
           {"simdjson", minify_json_simdjson, true}}};
#else
  return {{{"simdjson", minify_json_simdjson, true}}};
#endif
}

const auto& kernels() noexcept {
  static const auto detected = detect_kernels();
  return detected;
}

minify_function fastest_kernel() noexcept {
  for (const minify_kernel& kernel : kernels()) {
    if (kernel.runs_here) return kernel.minify;
  }
  return minify_json_simdjson;
}

}  // namespace

std::span<const minify_kernel> minify_kernels() noexcept { return kernels(); }

std::size_t minify_json(const char* in, std::size_t size, char* out) {
  static const minify_function fastest = fastest_kernel();
  const std::size_t length = fastest(in, size, out);
  return length != minify_declined ? length : minify_json_simdjson(in, size, out);
}

}  // namespace mergepipe::detail
