// The block minifier for CPUs with AVX-512BW and VBMI2 (built with -mavx512bw -mavx512vbmi2
// -mpclmul; run only where the CPU has them).
#define MERGEPIPE_BLOCK_MINIFIER minify_json_avx512
#include "write/json_minifier_blocks.inc"
