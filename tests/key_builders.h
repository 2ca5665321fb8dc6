#pragma once

// Key encodings built with key_encoding.h, to compare with what the code under test produced.

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "parse/key_encoding.h"

namespace mergepipe::testing {

inline std::string number(std::string_view text) {
  std::string out;
  EXPECT_TRUE(mergepipe::detail::append_number(out, text)) << text;
  return out;
}

inline std::string string_key(std::string_view value) {
  std::string out;
  mergepipe::detail::append_string(out, value);
  return out;
}

}  // namespace mergepipe::testing
