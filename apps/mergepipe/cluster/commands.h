#pragma once

namespace mergepipe::cluster {

/// Runs `mergepipe submit|worker|status|jobs|cancel`; argv[0] is the subcommand. Returns the
/// exit code: 0 success, 1 bad input, 2 usage error, 3 I/O error (Redis unreachable included).
int run_command(int argc, char** argv);

}  // namespace mergepipe::cluster
