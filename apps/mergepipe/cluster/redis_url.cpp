#include "redis_url.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>

#include "mergepipe/error.h"

namespace mergepipe::cluster {
namespace {

int parse_number(std::string_view text, int max, const std::string& url, const char* what) {
  int value = -1;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0 || value > max) {
    throw error(errc::usage, fmt::format("bad {} in Redis URL {}", what, url));
  }
  return value;
}

// %XX escapes, so that a password may hold '@', ':' or '/'.
std::string percent_decode(std::string_view text, const std::string& url) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    unsigned value = 0;
    auto [end, ec] =
        std::from_chars(text.data() + i + 1, text.data() + std::min(i + 3, text.size()), value, 16);
    if (ec != std::errc() || end != text.data() + i + 3) {
      throw error(errc::usage, fmt::format("bad %-escape in Redis URL {}", url));
    }
    out += static_cast<char>(value);
    i += 2;
  }
  return out;
}

}  // namespace

std::string redis_endpoint::display() const { return fmt::format("{}:{}/{}", host, port, db); }

redis_endpoint parse_redis_url(const std::string& url) {
  constexpr std::string_view scheme = "redis://";
  if (url.rfind(scheme, 0) != 0) {
    throw error(errc::usage, fmt::format("Redis URL must start with redis:// (got {})", url));
  }
  std::string_view rest = std::string_view(url).substr(scheme.size());
  redis_endpoint ep;
  // The password may contain '@' only escaped; the last '@' ends the credentials.
  if (auto at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view credentials = rest.substr(0, at);
    rest = rest.substr(at + 1);
    auto colon = credentials.find(':');
    if (colon == std::string_view::npos) {
      throw error(errc::usage, "Redis URL credentials must be [user]:password@");
    }
    ep.user = percent_decode(credentials.substr(0, colon), url);
    ep.password = percent_decode(credentials.substr(colon + 1), url);
  }
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    std::string_view db = rest.substr(slash + 1);
    if (!db.empty()) ep.db = parse_number(db, 1 << 20, url, "database number");
    rest = rest.substr(0, slash);
  }
  // An IPv6 address is bracketed: [::1]:6379.
  std::string_view host = rest;
  std::string_view port;
  if (!rest.empty() && rest.front() == '[') {
    auto close = rest.find(']');
    if (close == std::string_view::npos) throw error(errc::usage, "bad host in Redis URL " + url);
    host = rest.substr(1, close - 1);
    std::string_view after = rest.substr(close + 1);
    if (!after.empty() && after.front() != ':') {
      throw error(errc::usage, "bad host in Redis URL " + url);
    }
    if (!after.empty()) port = after.substr(1);
  } else if (auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (!port.empty()) ep.port = parse_number(port, 65535, url, "port");
  rest = host;
  if (!rest.empty()) ep.host = std::string(rest);
  if (ep.password.empty()) {
    if (const char* env = std::getenv("MERGEPIPE_REDIS_PASSWORD"); env != nullptr) {
      ep.password = env;
    }
  }
  return ep;
}

}  // namespace mergepipe::cluster
