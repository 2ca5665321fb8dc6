# MERGEPIPE_SANITIZE=address,undefined or thread instruments every target of
# this build (library, apps and tests alike).
if(MERGEPIPE_SANITIZE)
  set(_mergepipe_san_flags -fsanitize=${MERGEPIPE_SANITIZE} -fno-omit-frame-pointer)
  if(MERGEPIPE_SANITIZE MATCHES "undefined")
    list(APPEND _mergepipe_san_flags -fno-sanitize-recover=undefined)
  endif()
  add_compile_options(${_mergepipe_san_flags})
  add_link_options(${_mergepipe_san_flags})
endif()
