// The block minifier for CPUs with AVX2 and carry-less multiplication (built with -mavx2
// -mpclmul; run only where the CPU has them). It copies records with nothing to drop and
// declines the others.
#define MERGEPIPE_BLOCK_MINIFIER minify_json_avx2
#include "write/json_minifier_blocks.inc"
