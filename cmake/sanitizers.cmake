# MERGEPIPE_SANITIZE=address,undefined or thread instruments every target of
# this build (library, apps and tests alike).
if(MERGEPIPE_SANITIZE)
  set(_mergepipe_san_flags -fsanitize=${MERGEPIPE_SANITIZE} -fno-omit-frame-pointer)
  if(MERGEPIPE_SANITIZE MATCHES "undefined")
    list(APPEND _mergepipe_san_flags -fno-sanitize-recover=undefined)
  endif()
  add_compile_options(${_mergepipe_san_flags})
  add_link_options(${_mergepipe_san_flags})
  # GCC 12 with ASan warns maybe-uninitialized inside libstdc++'s <regex> (the std::function
  # of an NFA state it moves), which the CLI tests use; nothing there is uninitialized.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND MERGEPIPE_SANITIZE MATCHES "address")
    add_compile_options(-Wno-maybe-uninitialized)
  endif()
endif()
