# Installs mergepipe into a scratch prefix, then builds programs against it the two ways a
# consumer would (CMake's find_package, and pkg-config) and runs them. Expects SOURCE_DIR,
# WORK_DIR, SAMPLE, ARRAY_SAMPLE, PARTITIONS (a list), CXX, and either BUILD_DIR (install that
# build tree) or SHARED=ON (configure and build a shared library first); with QEMU, the
# installed programs are also run as older CPUs (older_cpus.cmake).
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(rc)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
endfunction()

if(SHARED)
  run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/library -G Ninja -DCMAKE_BUILD_TYPE=Release
      -DBUILD_SHARED_LIBS=ON -DMERGEPIPE_INSTALL=ON -DMERGEPIPE_BUILD_TESTS=OFF
      -DMERGEPIPE_BUILD_APPS=OFF -DMERGEPIPE_BUILD_TOOLS=OFF -DMERGEPIPE_BUILD_EXAMPLES=OFF)
  run(${CMAKE_COMMAND} --build ${WORK_DIR}/library)
  set(BUILD_DIR ${WORK_DIR}/library)
endif()
run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})

# find_package(mergepipe 0.4) and mergepipe::mergepipe.
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/install -B ${WORK_DIR}/consumer -G Ninja
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_TYPE=Release -DEXAMPLES_DIR=${SOURCE_DIR}/examples)
run(${CMAKE_COMMAND} --build ${WORK_DIR}/consumer)
run(${WORK_DIR}/consumer/consumer ${SAMPLE})
if(NOT out MATCHES "\n[1-9][0-9]* records\n$")
  message(FATAL_ERROR "consumer printed: ${out}")
endif()
run(${WORK_DIR}/consumer/merge_partitions ${WORK_DIR}/partitions.ndjson ${PARTITIONS})
file(READ ${WORK_DIR}/partitions.ndjson merged)
if(merged STREQUAL "")
  message(FATAL_ERROR "merge_partitions wrote nothing")
endif()

# The contract and the guide the headers cite travel with them.
foreach(doc contract.md library.md)
  if(NOT EXISTS ${prefix}/share/doc/mergepipe/${doc})
    message(FATAL_ERROR "the package does not hold share/doc/mergepipe/${doc}")
  endif()
endforeach()

# pkg-config, as a Makefile would use it and as docs/library.md shows it: the same command
# for the static and the shared library.
set(ENV{PKG_CONFIG_PATH} ${prefix}/lib/pkgconfig)
run(pkg-config --cflags --libs mergepipe)
string(STRIP "${out}" flags)
separate_arguments(flags UNIX_COMMAND "${flags}")
run(${CXX} -std=c++20 -O1 ${SOURCE_DIR}/tests/install/consumer.cpp -o ${WORK_DIR}/pc-consumer
    ${flags})
set(ENV{LD_LIBRARY_PATH} ${prefix}/lib)
run(${WORK_DIR}/pc-consumer ${SAMPLE})
if(NOT out MATCHES "\n[1-9][0-9]* records\n$")
  message(FATAL_ERROR "pkg-config consumer printed: ${out}")
endif()

# A shared library exports its API and nothing else: no internals, no dependency's symbols.
# Instances of the standard library's templates (with their type information) stay visible:
# libstdc++ gives namespace std default visibility, so that they are one across libraries.
# (A function template's instance is spelt with its return type first: `void std::...`.)
if(SHARED)
  file(GLOB library ${prefix}/lib/libmergepipe.so.*.*.*)
  run(nm -DC --defined-only ${library})
  string(REGEX MATCHALL "[^\n]+" lines "${out}")
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "^[0-9a-f]* [A-Za-z] " "" name "${line}")
    if(name MATCHES "mergepipe::detail" OR NOT name MATCHES
       "^((typeinfo|typeinfo name|vtable) for |void |bool )?(mergepipe|std)::")
      message(FATAL_ERROR "libmergepipe exports ${name}")
    endif()
  endforeach()
endif()

# The package travels: the pkg-config consumer (the library) and the installed command line
# give the host's bytes as older CPUs, each SIMD path the dispatcher can pick among them.
if(QEMU)
  include(${SOURCE_DIR}/tests/install/older_cpus.cmake)
  same_output_on_older_cpus(${QEMU} ${WORK_DIR}/pc-consumer ${SAMPLE})
  if(EXISTS ${prefix}/bin/mergepipe)
    kernels_chosen_on_older_cpus(${QEMU} ${prefix}/bin/mergepipe)
    same_output_on_older_cpus(${QEMU} ${prefix}/bin/mergepipe ${SAMPLE})
    same_output_on_older_cpus(${QEMU} ${prefix}/bin/mergepipe ${ARRAY_SAMPLE})
  endif()
endif()
