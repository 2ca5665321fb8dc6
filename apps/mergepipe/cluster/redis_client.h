#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "redis_url.h"

struct redisContext;

namespace mergepipe::cluster {

/// A Redis reply (RESP2), copied out of hiredis.
struct reply {
  enum class type { nil, status, error, integer, string, array };
  type kind = type::nil;
  std::string text;  ///< Status, error or string.
  long long integer = 0;
  std::vector<reply> elements;

  [[nodiscard]] bool is_nil() const { return kind == type::nil; }
  /// The text of a string or status; throws `mergepipe::error` (io) for other types.
  [[nodiscard]] const std::string& str() const;
  /// An integer, or a string holding one; throws `mergepipe::error` (io) otherwise.
  [[nodiscard]] long long as_integer() const;
  /// Element `i` of an array; throws `mergepipe::error` (io) when there is none.
  [[nodiscard]] const reply& at(std::size_t i) const;
  /// The field/value pairs of an HGETALL reply.
  [[nodiscard]] std::map<std::string, std::string> fields() const;
};

/// The clock of the times kept in job hashes: milliseconds since the Unix epoch.
long long unix_time_ms();

/// A Lua script run with EVALSHA, loaded again when the server has forgotten it (a restart).
struct lua_script {
  std::string source;
};

/// One connection to Redis: not thread-safe, one per thread (hiredis holds one socket).
/// A lost connection is opened again with backoff for up to `reconnect_for`, and the command
/// is sent again: callers send only commands that are safe to repeat.
class connection {
 public:
  connection(redis_endpoint where, std::chrono::milliseconds reconnect_for);
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  /// From now on, a lost connection is retried for `window`.
  void keep_trying_for(std::chrono::milliseconds window) { reconnect_for_ = window; }

  /// Stops reconnecting as soon as `*flag` is set (a worker asked to leave).
  void set_interrupt(const std::atomic<bool>* flag) { interrupt_ = flag; }

  /// Sends `args` (binary-safe) and returns the reply. Throws `mergepipe::error` (io) when
  /// Redis cannot be reached or answers with an error.
  reply command(const std::vector<std::string>& args);

  /// Runs `script` with `keys` and `args`.
  reply eval(const lua_script& script, const std::vector<std::string>& keys,
             const std::vector<std::string>& args);

  [[nodiscard]] const redis_endpoint& endpoint() const { return where_; }

 private:
  void connect_with_backoff();
  void open_once();
  void close();
  // Sends once; returns false when the connection broke (and closes it).
  bool send(const std::vector<std::string>& args, reply& out);

  redis_endpoint where_;
  std::chrono::milliseconds reconnect_for_;
  redisContext* context_ = nullptr;
  const std::atomic<bool>* interrupt_ = nullptr;
  std::map<const lua_script*, std::string> loaded_;  // script -> SHA1 on this server
};

}  // namespace mergepipe::cluster
