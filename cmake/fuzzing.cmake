# MERGEPIPE_FUZZ instruments every target for libFuzzer's coverage feedback, ASan and UBSan;
# only the fuzz targets (tests/fuzz) link libFuzzer's driver. Without it, the fuzz targets are
# built as replay tests that run their corpus and regression inputs.
if(MERGEPIPE_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "MERGEPIPE_FUZZ needs clang (libFuzzer); configure with CXX=clang++")
  endif()
  if(MERGEPIPE_SANITIZE)
    message(FATAL_ERROR "MERGEPIPE_FUZZ brings its own sanitizers; leave MERGEPIPE_SANITIZE empty")
  endif()
  set(_mergepipe_fuzz_san address,undefined)
  add_compile_options(-fsanitize=fuzzer-no-link,${_mergepipe_fuzz_san}
                      -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${_mergepipe_fuzz_san})
endif()
