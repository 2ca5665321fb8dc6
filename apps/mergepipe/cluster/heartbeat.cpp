#include "heartbeat.h"

#include <spdlog/spdlog.h>

#include <optional>

#include "keys.h"
#include "mergepipe/error.h"
#include "redis_client.h"
#include "scripts.h"

namespace mergepipe::cluster {

heartbeat_keeper::heartbeat_keeper(redis_endpoint where, std::string worker,
                                   std::chrono::milliseconds interval,
                                   std::shared_ptr<spdlog::logger> log)
    : where_(std::move(where)),
      worker_(std::move(worker)),
      interval_(interval),
      log_(std::move(log)),
      thread_([this] { run(); }) {}

heartbeat_keeper::~heartbeat_keeper() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void heartbeat_keeper::working_on(std::string tasks, std::string spec, std::string entry,
                                  std::string label) {
  {
    std::lock_guard lock(mutex_);
    abandoned_ = false;
    tasks_ = std::move(tasks);
    spec_ = std::move(spec);
    entry_ = std::move(entry);
    label_ = std::move(label);
  }
  wake_.notify_all();
}

void heartbeat_keeper::idle() { working_on({}, {}, {}, "idle"); }

void heartbeat_keeper::run() {
  std::optional<connection> redis;
  std::string lost_entry;  // warn once per task taken over by another worker
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    std::string tasks = tasks_, spec = spec_, entry = entry_, label = label_;
    lock.unlock();
    try {
      // Never wait long for Redis here: the next beat tries again.
      if (!redis) redis.emplace(where_, std::chrono::milliseconds(0));
      auto ttl = std::to_string(3 * interval_.count());
      redis->command({"SET", worker_prefix + worker_, label, "PX", ttl});
      long long owned = 1;
      if (!entry.empty() && entry != lost_entry) {
        owned =
            redis->eval(scripts::heartbeat, {tasks, spec}, {group, worker_, entry}).as_integer();
      }
      if (owned == 0) {
        lost_entry = entry;
        log_->warn(
            "{} was reclaimed by another worker; finishing it anyway (a repeat changes "
            "nothing)",
            label);
      } else if (owned < 0) {
        lost_entry = entry;
        std::lock_guard hold(mutex_);
        if (entry_ == entry) abandoned_ = true;  // not a task taken since
      }
    } catch (const error& e) {
      redis.reset();
      log_->warn("heartbeat: {}", e.what());
    }
    lock.lock();
    wake_.wait_for(lock, interval_);
  }
  lock.unlock();
  try {
    if (redis) redis->command({"DEL", worker_prefix + worker_});
  } catch (const error&) {
    // The key expires by itself.
  }
}

}  // namespace mergepipe::cluster
