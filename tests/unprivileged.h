#pragma once

// File permissions for tests that run as root, as CI does: root passes every permission check,
// so the operation under test runs as the unprivileged user instead, on files given to it.
// Not root, everything runs as it is, and the files stay the caller's own.

#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

namespace mergepipe::testing {

/// nobody and nogroup on Debian: the user and group that root's tests act as.
inline constexpr uid_t unprivileged_uid = 65534;
inline constexpr gid_t unprivileged_gid = 65534;

inline bool running_as_root() { return ::geteuid() == 0; }

/// As root, gives `path` to the unprivileged user, so that its mode decides what that user may
/// do with it, as it would for the owner; otherwise leaves it alone.
inline void give_to_unprivileged_user(const std::string& path) {
  if (running_as_root() && ::chown(path.c_str(), unprivileged_uid, unprivileged_gid) != 0)
    throw std::system_error(errno, std::generic_category(), "chown " + path);
}

namespace detail {

// As root, becomes the unprivileged user for good, supplementary groups included.
inline bool drop_privileges() {
  if (!running_as_root()) return true;
  return ::setgroups(0, nullptr) == 0 && ::setgid(unprivileged_gid) == 0 &&
         ::setuid(unprivileged_uid) == 0;
}

// Exit statuses of the child of as_unprivileged_user().
enum child_status { finished = 0, threw_error = 1, threw_other = 2, kept_privileges = 3 };

inline void write_all(int fd, const std::string& bytes) {
  for (std::size_t done = 0; done < bytes.size();) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno != EINTR) return;
    if (n > 0) done += static_cast<std::size_t>(n);
  }
}

inline int wait_for(pid_t child) {
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

inline std::string read_all(int fd) {
  std::string bytes;
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n == 0 || (n < 0 && errno != EINTR)) return bytes;
    if (n > 0) bytes.append(buffer, static_cast<std::size_t>(n));
  }
}

}  // namespace detail

/// Whether as_unprivileged_user() can work here: false when root cannot become the unprivileged
/// user (a user namespace that does not map it, say).
inline bool can_become_unprivileged() {
  pid_t child = ::fork();
  if (child < 0) return false;
  if (child == 0) ::_exit(detail::drop_privileges() ? 0 : 1);
  int status = detail::wait_for(child);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/// Runs `operation` in a child process, as the unprivileged user when this process is root. An
/// `Error` it throws (mergepipe::error, say: `code()`, `what()` and a constructor from both) is
/// thrown here again with the same code and message; anything else that goes wrong in the
/// child is a std::runtime_error.
template <typename Error, typename Operation>
void as_unprivileged_user(Operation&& operation) {
  int report[2];
  if (::pipe(report) != 0) throw std::system_error(errno, std::generic_category(), "pipe");
  pid_t child = ::fork();
  if (child < 0) throw std::system_error(errno, std::generic_category(), "fork");
  if (child == 0) {
    ::close(report[0]);
    if (!detail::drop_privileges()) ::_exit(detail::kept_privileges);
    int status = detail::finished;
    try {
      operation();
    } catch (const Error& e) {
      // The code as a number, then the message.
      detail::write_all(report[1], std::to_string(static_cast<int>(e.code())) + ' ' + e.what());
      status = detail::threw_error;
    } catch (const std::exception& e) {
      detail::write_all(report[1], e.what());
      status = detail::threw_other;
    }
    // _exit: the child must not run the parent's exit handlers, nor Google Test's.
    ::_exit(status);
  }
  ::close(report[1]);
  const std::string reported = detail::read_all(report[0]);
  ::close(report[0]);
  int status = detail::wait_for(child);
  if (!WIFEXITED(status))
    throw std::runtime_error("the unprivileged child died of signal " +
                             std::to_string(WTERMSIG(status)));
  switch (WEXITSTATUS(status)) {
    case detail::finished:
      return;
    case detail::threw_error: {
      std::size_t space = reported.find(' ');
      using code_type = decltype(std::declval<const Error&>().code());
      throw Error(static_cast<code_type>(std::stoi(reported.substr(0, space))),
                  reported.substr(space + 1));
    }
    case detail::kept_privileges:
      throw std::runtime_error("cannot become user " + std::to_string(unprivileged_uid));
    default:
      throw std::runtime_error("the unprivileged child failed: " + reported);
  }
}

}  // namespace mergepipe::testing
