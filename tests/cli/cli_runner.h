#pragma once

// Runs the real mergepipe binary: arguments, optional standard input and working directory in;
// exit code, standard output and standard error out. Plus a temporary directory per test.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace mergepipe::cli_testing {

/// What one run of the binary did.
struct cli_result {
  int exit_code = -1;  ///< The exit status, or 128 + signal number when killed by a signal.
  std::string out;     ///< Everything written to standard output.
  std::string err;     ///< Everything written to standard error.
};

/// The lines of `text` (each without its `\n`); a last line without `\n` counts too.
inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

namespace detail {

inline void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// Feeds stdin and drains stdout and stderr together: a child blocked on a full pipe while we
// block on another one would hang the test.
inline void pump(int& in_fd, const std::string& input, int& out_fd, int& err_fd, cli_result& result,
                 pid_t child) {
  constexpr auto time_limit = std::chrono::seconds(60);
  auto deadline = std::chrono::steady_clock::now() + time_limit;
  std::size_t written = 0;
  if (in_fd >= 0 && input.empty()) close_fd(in_fd);
  char buffer[65536];
  while (in_fd >= 0 || out_fd >= 0 || err_fd >= 0) {
    std::vector<pollfd> fds;
    if (in_fd >= 0) fds.push_back({in_fd, POLLOUT, 0});
    if (out_fd >= 0) fds.push_back({out_fd, POLLIN, 0});
    if (err_fd >= 0) fds.push_back({err_fd, POLLIN, 0});
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ::kill(child, SIGKILL);
      throw std::runtime_error("mergepipe did not finish within 60 s");
    }
    int ready = ::poll(fds.data(), fds.size(), static_cast<int>(left.count()));
    if (ready < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("poll failed");
    }
    for (const pollfd& p : fds) {
      if (p.revents == 0) continue;
      if (p.fd == in_fd) {
        ssize_t n = ::write(in_fd, input.data() + written, input.size() - written);
        if (n > 0) written += static_cast<std::size_t>(n);
        // EPIPE: the child exited without reading everything (a usage error, say).
        if (n < 0 && errno != EAGAIN && errno != EINTR) close_fd(in_fd);
        if (written == input.size()) close_fd(in_fd);
      } else {
        int& fd = p.fd == out_fd ? out_fd : err_fd;
        std::string& sink = p.fd == out_fd ? result.out : result.err;
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n > 0) {
          sink.append(buffer, static_cast<std::size_t>(n));
        } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
          close_fd(fd);
        }
      }
    }
  }
}

}  // namespace detail

/// Runs the program at the path `argv_storage[0]` with the arguments that follow, in `cwd` (when
/// not empty). With `input`, standard input is a pipe holding exactly those bytes; without, it is
/// /dev/null.
inline cli_result run_program(std::vector<std::string> argv_storage,
                              const std::optional<std::string>& input = std::nullopt,
                              const std::string& cwd = {}) {
  ::signal(SIGPIPE, SIG_IGN);
  int in_pipe[2] = {-1, -1};
  int out_pipe[2] = {-1, -1};
  int err_pipe[2] = {-1, -1};
  if ((input && ::pipe2(in_pipe, O_CLOEXEC) != 0) || ::pipe2(out_pipe, O_CLOEXEC) != 0 ||
      ::pipe2(err_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  std::vector<char*> argv;
  for (std::string& arg : argv_storage) argv.push_back(arg.data());
  argv.push_back(nullptr);

  pid_t child = ::fork();
  if (child < 0) throw std::runtime_error("fork failed");
  if (child == 0) {
    // Only async-signal-safe calls from here on.
    int in_fd = input ? in_pipe[0] : ::open("/dev/null", O_RDONLY);
    if (in_fd < 0 || ::dup2(in_fd, STDIN_FILENO) < 0 || ::dup2(out_pipe[1], STDOUT_FILENO) < 0 ||
        ::dup2(err_pipe[1], STDERR_FILENO) < 0) {
      ::_exit(126);
    }
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(126);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }

  cli_result result;
  int in_fd = in_pipe[1];
  int out_fd = out_pipe[0];
  int err_fd = err_pipe[0];
  detail::close_fd(in_pipe[0]);
  detail::close_fd(out_pipe[1]);
  detail::close_fd(err_pipe[1]);
  if (in_fd >= 0) ::fcntl(in_fd, F_SETFL, ::fcntl(in_fd, F_GETFL) | O_NONBLOCK);
  try {
    detail::pump(in_fd, input.value_or(std::string()), out_fd, err_fd, result, child);
  } catch (...) {
    detail::close_fd(in_fd);
    detail::close_fd(out_fd);
    detail::close_fd(err_fd);
    ::waitpid(child, nullptr, 0);
    throw;
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.exit_code = 128 + WTERMSIG(status);
  }
  return result;
}

/// Runs `MERGEPIPE_CLI_PATH args...` as run_program() does.
inline cli_result run_mergepipe(const std::vector<std::string>& args,
                                const std::optional<std::string>& input = std::nullopt,
                                const std::string& cwd = {}) {
  std::vector<std::string> argv = {MERGEPIPE_CLI_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(std::move(argv), input, cwd);
}

/// A fresh directory under the system's temporary directory, removed with everything in it.
class temp_dir {
 public:
  temp_dir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = (std::filesystem::path(base != nullptr && *base != '\0' ? base : "/tmp") /
                           "mergepipe-cli-XXXXXX")
                              .string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~temp_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  [[nodiscard]] std::string file(const std::string& name) const { return (path_ / name).string(); }

  /// Writes `content` to `name` in the directory and returns the file's full path.
  std::string write(const std::string& name, const std::string& content) const {
    std::ofstream(file(name), std::ios::binary | std::ios::trunc) << content;
    return file(name);
  }

  /// The names in the directory, sorted.
  [[nodiscard]] std::vector<std::string> names() const {
    std::vector<std::string> result;
    for (const auto& entry : std::filesystem::directory_iterator(path_)) {
      result.push_back(entry.path().filename().string());
    }
    std::sort(result.begin(), result.end());
    return result;
  }

 private:
  std::filesystem::path path_;
};

/// The whole content of a file; empty when it cannot be read.
inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace mergepipe::cli_testing
