# Runs the merge_partitions example and the command line on the same partitions and
# compares their outputs. Expects EXAMPLE, CLI, PARTITIONS (a list) and WORK_DIR.
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
execute_process(COMMAND ${EXAMPLE} ${WORK_DIR}/example.ndjson ${PARTITIONS}
                RESULT_VARIABLE rc OUTPUT_VARIABLE said)
if(rc OR NOT said MATCHES "^[1-9][0-9]* records from [0-9]+ in [0-9]+ partitions")
  message(FATAL_ERROR "merge_partitions failed (${rc}): ${said}")
endif()
execute_process(COMMAND ${CLI} --delete-when op=d ${PARTITIONS} -o ${WORK_DIR}/cli.ndjson
                RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "mergepipe failed (${rc})")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${WORK_DIR}/example.ndjson
                        ${WORK_DIR}/cli.ndjson RESULT_VARIABLE differ)
if(differ)
  message(FATAL_ERROR "merge_partitions and mergepipe wrote different bytes")
endif()
message(STATUS "${said}")
