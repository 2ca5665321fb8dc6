// The block scanner for CPUs with AVX2 and carry-less multiplication (built with -mavx2
// -mpclmul; run only where the CPU has them).
#define MERGEPIPE_BLOCK_SCANNER scan_element_avx2
#include "read/element_scanner_blocks.inc"
