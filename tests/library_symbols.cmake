# The library never prints, exits or aborts, and never touches spdlog's default logger:
# none of those functions may be referenced by its object code. Expects LIBRARY and NM.
execute_process(COMMAND ${NM} -C --undefined-only ${LIBRARY} OUTPUT_VARIABLE symbols RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "nm failed on ${LIBRARY}")
endif()
set(forbidden "^(printf|fprintf|vprintf|vfprintf|puts|fputs|putchar|perror|exit|_exit|_Exit|abort|quick_exit)$"
              "^std::(cout|cerr|clog)$" "^spdlog::default_logger")
string(REGEX MATCHALL "U [^\n]+" lines "${symbols}")
foreach(line IN LISTS lines)
  string(SUBSTRING "${line}" 2 -1 name)
  foreach(pattern IN LISTS forbidden)
    if(name MATCHES "${pattern}")
      message(FATAL_ERROR "library references ${name}")
    endif()
  endforeach()
endforeach()
