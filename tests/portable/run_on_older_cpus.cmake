# The default build runs on any x86-64 CPU and picks its SIMD code at run time: the command
# line is run under qemu's user-mode emulator as CPUs of three generations (baseline x86-64,
# SSE4.2, AVX2; the emulator has no AVX-512, which the unit tests cover on a host that has it).
# Each must report the kernels its CPU has and write, for an NDJSON and an array input, the
# bytes the host writes. A binary with one instruction the emulated CPU lacks dies of SIGILL. Expects QEMU, MERGEPIPE, SAMPLE_NDJSON, SAMPLE_ARRAY, WORK_DIR.
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

# CPU model, then the kernels it must get: parser, then array scanner.
set(cpus "qemu64|fallback|scalar" "Westmere|westmere|scalar" "Haswell|haswell|avx2")

function(run_checked)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " command "${ARGN}")
    message(FATAL_ERROR "${command}: exit ${rc}\n${out}${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
endfunction()

foreach(input ${SAMPLE_NDJSON} ${SAMPLE_ARRAY})
  get_filename_component(name ${input} NAME)
  run_checked(${MERGEPIPE} ${input} -o ${WORK_DIR}/host-${name})
endforeach()

foreach(entry ${cpus})
  string(REPLACE "|" ";" fields "${entry}")
  list(GET fields 0 cpu)
  list(GET fields 1 parser)
  list(GET fields 2 scanner)
  run_checked(${QEMU} -cpu ${cpu} ${MERGEPIPE} --version)
  if(NOT out MATCHES "SIMD: parser ${parser}, array scanner ${scanner},")
    message(FATAL_ERROR "as ${cpu}: expected parser ${parser} and array scanner ${scanner}:\n${out}")
  endif()
  foreach(input ${SAMPLE_NDJSON} ${SAMPLE_ARRAY})
    get_filename_component(name ${input} NAME)
    run_checked(${QEMU} -cpu ${cpu} ${MERGEPIPE} ${input} -o ${WORK_DIR}/${cpu}-${name})
    file(READ ${WORK_DIR}/host-${name} expected)
    file(READ ${WORK_DIR}/${cpu}-${name} actual)
    if(NOT actual STREQUAL expected)
      message(FATAL_ERROR "as ${cpu}, ${name} gave other bytes than on the host")
    endif()
  endforeach()
endforeach()
file(REMOVE_RECURSE ${WORK_DIR})
