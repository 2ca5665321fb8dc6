#pragma once

// Processes for the distributed-mode tests: a redis-server of the test's own on a free loopback
// port, and mergepipe workers, each in its own process group, killed with everything they
// started when the test ends, whatever happened.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "cluster/redis_client.h"

extern char** environ;

namespace mergepipe::cluster_testing {

using namespace std::chrono_literals;

/// A running program, in a process group of its own, its output in a log file.
class process {
 public:
  /// Starts `args` with `env` ("NAME=value") added to this process's environment.
  process(const std::vector<std::string>& args, std::string log_path,
          const std::vector<std::string>& env = {})
      : log_path_(std::move(log_path)) {
    std::vector<std::string> env_storage = env;  // first wins in getenv
    for (char** e = environ; *e != nullptr; ++e) env_storage.emplace_back(*e);
    std::vector<char*> envp;
    for (std::string& e : env_storage) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::vector<std::string> arg_storage = args;
    std::vector<char*> argv;
    for (std::string& a : arg_storage) argv.push_back(a.data());
    argv.push_back(nullptr);

    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::setpgid(0, 0);
      int log = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
      if (log < 0 || null < 0 || ::dup2(null, STDIN_FILENO) < 0 || ::dup2(log, STDOUT_FILENO) < 0 ||
          ::dup2(log, STDERR_FILENO) < 0) {
        ::_exit(126);
      }
      ::execve(argv[0], argv.data(), envp.data());
      ::_exit(127);
    }
    ::setpgid(pid_, pid_);  // also here: no race with signal()
  }

  ~process() { kill(); }
  process(const process&) = delete;
  process& operator=(const process&) = delete;

  /// Sends `sig` to the whole process group.
  void signal(int sig) const {
    if (!exit_code_) ::kill(-pid_, sig);
  }

  /// Kills the process group and reaps the process.
  void kill() {
    if (exit_code_) return;
    ::kill(-pid_, SIGKILL);
    wait(10s);
  }

  /// The exit code (128 + signal when killed), or nothing if it is still running after `limit`.
  std::optional<int> wait(std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!exit_code_) {
      int status = 0;
      pid_t done = ::waitpid(pid_, &status, WNOHANG);
      if (done == pid_) {
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      } else if (std::chrono::steady_clock::now() >= deadline) {
        break;
      } else {
        std::this_thread::sleep_for(20ms);
      }
    }
    return exit_code_;
  }

  [[nodiscard]] bool running() { return !wait(0ms); }

  /// Everything it printed so far.
  [[nodiscard]] std::string log() const {
    std::ifstream in(log_path_);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

 private:
  std::string log_path_;
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

/// A loopback port nobody listens on now (redis-server refuses port 0).
inline int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    throw std::runtime_error("no free port");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

/// A redis-server with append-only persistence in `dir`, restartable on the same port.
class redis_server {
 public:
  explicit redis_server(std::string dir, std::string password = {})
      : dir_(std::move(dir)), password_(std::move(password)), port_(free_port()) {
    start();
  }

  void start() {
    std::vector<std::string> args = {MERGEPIPE_REDIS_SERVER,
                                     "--port",
                                     std::to_string(port_),
                                     "--bind",
                                     "127.0.0.1",
                                     "--appendonly",
                                     "yes",
                                     "--dir",
                                     dir_,
                                     "--save",
                                     "",
                                     "--daemonize",
                                     "no"};
    if (!password_.empty()) args.insert(args.end(), {"--requirepass", password_});
    server_.emplace(args, dir_ + "/redis.log");
    auto deadline = std::chrono::steady_clock::now() + 10s;
    for (;;) {
      try {
        cluster::connection probe(endpoint(), 0ms);
        probe.command({"PING"});
        return;
      } catch (const std::exception&) {
        if (std::chrono::steady_clock::now() > deadline || !server_->running()) {
          throw std::runtime_error("redis-server did not start: " + server_->log());
        }
        std::this_thread::sleep_for(50ms);
      }
    }
  }

  /// SIGTERM, as a service manager stops it: Redis syncs its append-only file and exits.
  void stop() {
    server_->signal(SIGTERM);
    if (!server_->wait(10s)) throw std::runtime_error("redis-server did not stop");
  }

  [[nodiscard]] cluster::redis_endpoint endpoint() const {
    cluster::redis_endpoint ep;
    ep.port = port_;
    ep.password = password_;
    return ep;
  }

  /// The URL, with the password when `with_password`.
  [[nodiscard]] std::string url(bool with_password = true) const {
    std::string credentials = with_password && !password_.empty() ? ":" + password_ + "@" : "";
    return "redis://" + credentials + "127.0.0.1:" + std::to_string(port_);
  }

 private:
  std::string dir_;
  std::string password_;
  int port_;
  std::optional<process> server_;
};

}  // namespace mergepipe::cluster_testing
