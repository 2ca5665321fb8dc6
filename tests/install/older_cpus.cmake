# What the package runs on: a program run under qemu's user-mode emulator as CPUs of three
# generations (baseline x86-64, SSE4.2, AVX2; the emulator has no AVX-512, which the unit
# tests cover on a host that has it) must print what it prints on the host. A binary with one
# instruction the emulated CPU lacks dies of SIGILL instead.

# CPU model, then the kernels it must get: simdjson's parser, then the array scanner.
set(older_cpus "qemu64|fallback|scalar" "Westmere|westmere|scalar" "Haswell|haswell|avx2")

# Runs `command...` on the host, then as each older CPU, and compares what it printed.
function(same_output_on_older_cpus qemu)
  run(${ARGN})
  set(expected "${out}")
  foreach(entry ${older_cpus})
    string(REPLACE "|" ";" fields "${entry}")
    list(GET fields 0 cpu)
    run(${qemu} -cpu ${cpu} ${ARGN})
    if(NOT out STREQUAL expected)
      string(REPLACE ";" " " command "${ARGN}")
      message(FATAL_ERROR "as ${cpu}, `${command}` printed other bytes than on the host")
    endif()
  endforeach()
endfunction()

# The command line names the kernels each CPU gets: the dispatch picks each path it has.
function(kernels_chosen_on_older_cpus qemu mergepipe)
  foreach(entry ${older_cpus})
    string(REPLACE "|" ";" fields "${entry}")
    list(GET fields 0 cpu)
    list(GET fields 1 parser)
    list(GET fields 2 scanner)
    run(${qemu} -cpu ${cpu} ${mergepipe} --version)
    if(NOT out MATCHES "SIMD: parser ${parser}, array scanner ${scanner},")
      message(FATAL_ERROR "as ${cpu}: expected parser ${parser}, array scanner ${scanner}:\n${out}")
    endif()
  endforeach()
endfunction()
