// The block scanner for CPUs with AVX-512BW (built with -mavx512bw -mpclmul; run only where
// the CPU has them).
#define MERGEPIPE_BLOCK_SCANNER scan_element_avx512
#include "read/element_scanner_blocks.inc"
