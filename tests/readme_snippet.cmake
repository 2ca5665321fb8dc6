# The README's library example is tests/install/consumer.cpp, which the install test builds
# and runs: fail if the README shows anything else. Expects README and SOURCE.
file(READ ${README} readme)
file(READ ${SOURCE} source)
string(FIND "${readme}" "```cpp\n${source}```" at)
if(at EQUAL -1)
  message(FATAL_ERROR "README.md does not show ${SOURCE} verbatim in a cpp block")
endif()
