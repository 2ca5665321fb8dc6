# Users have the repository and nothing beside it: fail if a tracked file links to the folder
# of internal notes next to the checkout. Expects GIT and SOURCE_DIR.
set(beside "..")
string(APPEND beside "/shared")  # spelled in two parts so that this file does not match itself
execute_process(COMMAND ${GIT} grep -n -I -F -e "${beside}" -- .
                WORKING_DIRECTORY ${SOURCE_DIR}
                OUTPUT_VARIABLE found
                RESULT_VARIABLE rc)
if(rc EQUAL 0)
  message(FATAL_ERROR "tracked files refer to ${beside}; link docs/contract.md instead:\n${found}")
elseif(NOT rc EQUAL 1)
  message(FATAL_ERROR "git grep failed (exit ${rc})")
endif()
