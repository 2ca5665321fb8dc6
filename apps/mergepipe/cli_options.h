#pragma once

#include <string>

#include "mergepipe/mergepipe.h"

namespace mergepipe::cli {

/// Everything the command line decides: the library's options plus what only the CLI does.
struct cli_options {
  options merge;
  std::string output = "-";
  std::string rejects;
  bool stats = false;
  std::string stats_json;
  int verbosity = 0;  ///< -1 quiet, 0 normal, 1 verbose.
};

/// Outcome of parsing argv: run with `options`, or exit now with `exit_code`
/// (0 after --help or --version, 2 after a usage error, already reported on stderr).
struct parse_result {
  cli_options options;
  bool exit_now = false;
  int exit_code = 0;
};

parse_result parse_command_line(int argc, char** argv);

}  // namespace mergepipe::cli
