#include "redis_client.h"

#include <fmt/format.h>
#include <hiredis/hiredis.h>

#include <charconv>
#include <thread>

#include "mergepipe/error.h"

namespace mergepipe::cluster {
namespace {

constexpr timeval connect_timeout{2, 0};
// Longer than any blocking read we send (XREADGROUP BLOCK waits about a second).
constexpr timeval command_timeout{15, 0};

reply copy_reply(const redisReply* r) {
  reply out;
  switch (r->type) {
    case REDIS_REPLY_STATUS:
      out.kind = reply::type::status;
      out.text.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.kind = reply::type::error;
      out.text.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.kind = reply::type::integer;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_STRING:
      out.kind = reply::type::string;
      out.text.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ARRAY:
      out.kind = reply::type::array;
      out.elements.reserve(r->elements);
      for (std::size_t i = 0; i < r->elements; ++i)
        out.elements.push_back(copy_reply(r->element[i]));
      break;
    default:
      break;
  }
  return out;
}

bool starts_with(const std::string& text, std::string_view prefix) {
  return text.rfind(prefix, 0) == 0;
}

// Errors a server gives while it starts or fails over: wait and try again.
bool transient(const reply& r) {
  return starts_with(r.text, "LOADING") || starts_with(r.text, "BUSY") ||
         starts_with(r.text, "TRYAGAIN") || starts_with(r.text, "MASTERDOWN");
}

}  // namespace

const std::string& reply::str() const {
  if (kind != type::string && kind != type::status) {
    throw error(errc::io, "unexpected reply from Redis (expected a string)");
  }
  return text;
}

long long reply::as_integer() const {
  if (kind == type::integer) return integer;
  long long value = 0;
  if (kind == type::string) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc() && end == text.data() + text.size()) return value;
  }
  throw error(errc::io, "unexpected reply from Redis (expected an integer)");
}

const reply& reply::at(std::size_t i) const {
  if (kind != type::array || i >= elements.size()) {
    throw error(errc::io, "unexpected reply from Redis (array too short)");
  }
  return elements[i];
}

std::map<std::string, std::string> reply::fields() const {
  std::map<std::string, std::string> out;
  for (std::size_t i = 0; i + 1 < elements.size(); i += 2) {
    out[elements[i].str()] = elements[i + 1].str();
  }
  return out;
}

long long unix_time_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

connection::connection(redis_endpoint where, std::chrono::milliseconds reconnect_for)
    : where_(std::move(where)), reconnect_for_(reconnect_for) {
  connect_with_backoff();
}

connection::~connection() { close(); }

void connection::close() {
  if (context_ != nullptr) redisFree(context_);
  context_ = nullptr;
  loaded_.clear();
}

void connection::open_once() {
  close();
  context_ = redisConnectWithTimeout(where_.host.c_str(), where_.port, connect_timeout);
  if (context_ == nullptr) throw error(errc::io, "out of memory connecting to Redis");
  if (context_->err != 0) {
    std::string why = context_->errstr;
    close();
    throw error(errc::io, fmt::format("cannot connect to Redis at {}: {}", where_.display(), why));
  }
  redisSetTimeout(context_, command_timeout);
  redisEnableKeepAlive(context_);
  // Login problems are not retried: waiting does not fix a wrong password.
  auto fail_login = [&](const std::string& why) {
    close();
    throw error(errc::usage,
                fmt::format("Redis at {} refused the login: {}", where_.display(), why));
  };
  reply r;
  if (!where_.password.empty()) {
    std::vector<std::string> auth = {"AUTH"};
    if (!where_.user.empty()) auth.push_back(where_.user);
    auth.push_back(where_.password);
    if (!send(auth, r)) throw error(errc::io, "connection to Redis lost during AUTH");
    if (r.kind == reply::type::error) fail_login(r.text);
  }
  if (where_.db != 0) {
    if (!send({"SELECT", std::to_string(where_.db)}, r)) {
      throw error(errc::io, "connection to Redis lost during SELECT");
    }
    if (r.kind == reply::type::error) fail_login(r.text);
  }
}

void connection::connect_with_backoff() {
  auto deadline = std::chrono::steady_clock::now() + reconnect_for_;
  auto pause = std::chrono::milliseconds(100);
  for (;;) {
    try {
      open_once();
      return;
    } catch (const error& e) {
      bool stop = e.code() != errc::io || std::chrono::steady_clock::now() + pause > deadline ||
                  (interrupt_ != nullptr && interrupt_->load());
      if (stop) throw;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(2000));
  }
}

bool connection::send(const std::vector<std::string>& args, reply& out) {
  if (context_ == nullptr) return false;
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  for (const std::string& arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  auto* raw = static_cast<redisReply*>(
      redisCommandArgv(context_, static_cast<int>(argv.size()), argv.data(), lengths.data()));
  if (raw == nullptr) {
    close();
    return false;
  }
  out = copy_reply(raw);
  freeReplyObject(raw);
  return true;
}

reply connection::command(const std::vector<std::string>& args) {
  auto deadline = std::chrono::steady_clock::now() + reconnect_for_;
  auto pause = std::chrono::milliseconds(100);
  for (;;) {
    reply r;
    if (context_ == nullptr) connect_with_backoff();
    bool sent = send(args, r);
    if (sent && r.kind != reply::type::error) return r;
    if (sent && !transient(r)) {
      if (starts_with(r.text, "NOAUTH")) {
        throw error(errc::usage,
                    fmt::format("Redis at {} requires a password: give it in the URL "
                                "(redis://:PASSWORD@host:port) or in MERGEPIPE_REDIS_PASSWORD",
                                where_.display()));
      }
      throw error(errc::io, fmt::format("Redis {} failed: {}", args.front(), r.text));
    }
    bool stop = std::chrono::steady_clock::now() + pause > deadline ||
                (interrupt_ != nullptr && interrupt_->load());
    if (stop) {
      throw error(errc::io, fmt::format("lost the connection to Redis at {}{}", where_.display(),
                                        sent ? ": " + r.text : std::string()));
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(2000));
  }
}

reply connection::eval(const lua_script& script, const std::vector<std::string>& keys,
                       const std::vector<std::string>& args) {
  for (int attempt = 0;; ++attempt) {
    auto found = loaded_.find(&script);
    if (found == loaded_.end()) {
      std::string sha = command({"SCRIPT", "LOAD", script.source}).str();
      found = loaded_.emplace(&script, std::move(sha)).first;
    }
    std::vector<std::string> call = {"EVALSHA", found->second, std::to_string(keys.size())};
    call.insert(call.end(), keys.begin(), keys.end());
    call.insert(call.end(), args.begin(), args.end());
    try {
      return command(call);
    } catch (const error& e) {
      // A restarted server has an empty script cache.
      if (attempt > 0 || e.reason().find("NOSCRIPT") == std::string::npos) throw;
      loaded_.clear();
    }
  }
}

}  // namespace mergepipe::cluster
