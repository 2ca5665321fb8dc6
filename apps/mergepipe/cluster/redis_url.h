#pragma once

#include <string>

namespace mergepipe::cluster {

/// Where a Redis server is and how to log in to it.
struct redis_endpoint {
  std::string host = "127.0.0.1";
  int port = 6379;
  int db = 0;
  std::string user;      ///< Redis 6 ACL user; empty for the default user.
  std::string password;  ///< Empty: no AUTH.

  /// `host:port/db`, never the password: safe to print.
  [[nodiscard]] std::string display() const;
};

/// Parses `redis://[[user]:password@]host[:port][/db]`. Without a password in the URL, the
/// environment variable MERGEPIPE_REDIS_PASSWORD supplies it, so that it stays out of the
/// process list. Throws `mergepipe::error` (usage) for anything else.
redis_endpoint parse_redis_url(const std::string& url);

}  // namespace mergepipe::cluster
