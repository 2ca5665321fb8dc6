#pragma once

// Starts a program with its standard streams redirected to files, and waits for it with
// wait4() to learn its peak memory: for tests that kill a run midway or measure it.

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <string>
#include <vector>

namespace mergepipe::fault_testing {

/// How a child ended.
struct child_exit {
  int exit_code = -1;    ///< The exit status, or 128 + signal number when killed by a signal.
  long max_rss_kib = 0;  ///< Peak resident memory, in KiB.
};

/// Runs `argv` in `cwd` with standard input from /dev/null and standard output and error to
/// the files `out` and `err` (created or truncated). Returns the child's process id.
inline pid_t spawn(const std::vector<std::string>& argv, const std::string& cwd,
                   const std::string& out, const std::string& err) {
  std::vector<std::string> storage = argv;
  std::vector<char*> args;
  for (std::string& a : storage) args.push_back(a.data());
  args.push_back(nullptr);
  pid_t child = ::fork();
  if (child < 0) throw std::runtime_error("fork failed");
  if (child == 0) {
    // Only async-signal-safe calls from here on.
    int in_fd = ::open("/dev/null", O_RDONLY);
    int out_fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in_fd < 0 || out_fd < 0 || err_fd < 0 || ::dup2(in_fd, STDIN_FILENO) < 0 ||
        ::dup2(out_fd, STDOUT_FILENO) < 0 || ::dup2(err_fd, STDERR_FILENO) < 0 ||
        ::chdir(cwd.c_str()) != 0) {
      ::_exit(126);
    }
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  return child;
}

/// Waits for `child` to end.
inline child_exit wait_for(pid_t child) {
  int status = 0;
  rusage usage{};
  while (::wait4(child, &status, 0, &usage) < 0) {
    if (errno != EINTR) throw std::runtime_error("wait4 failed");
  }
  child_exit result;
  result.max_rss_kib = usage.ru_maxrss;
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.exit_code = 128 + WTERMSIG(status);
  return result;
}

}  // namespace mergepipe::fault_testing
