#pragma once

#include "mergepipe/error.h"

namespace mergepipe::cli {

inline constexpr int exit_bad_input = 1;
inline constexpr int exit_usage = 2;
inline constexpr int exit_io = 3;

/// The command line's exit code for a failure of category `code`.
inline int exit_code_for(errc code) {
  switch (code) {
    case errc::bad_input:
      return exit_bad_input;
    case errc::usage:
      return exit_usage;
    case errc::io:
    case errc::ok:
      break;
  }
  return exit_io;
}

}  // namespace mergepipe::cli
