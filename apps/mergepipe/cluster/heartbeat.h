#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "redis_url.h"

namespace spdlog {
class logger;
}

namespace mergepipe::cluster {

/// A thread with its own Redis connection that, every `interval`, renews the worker's liveness
/// key (TTL three intervals) and keeps the task in hand claimed (scripts::heartbeat), so that
/// other workers reclaim it only when this worker stops beating; and that notices when the
/// task's job is no longer running (cancelled, or ended while the task was taken over), so
/// that the task is abandoned.
class heartbeat_keeper {
 public:
  heartbeat_keeper(redis_endpoint where, std::string worker, std::chrono::milliseconds interval,
                   std::shared_ptr<spdlog::logger> log);
  ~heartbeat_keeper();
  heartbeat_keeper(const heartbeat_keeper&) = delete;
  heartbeat_keeper& operator=(const heartbeat_keeper&) = delete;

  /// From now on, keep entry `entry` of stream `tasks`, of the job whose spec is `spec`,
  /// claimed; `label` shows in status.
  void working_on(std::string tasks, std::string spec, std::string entry, std::string label);
  /// No task in hand.
  void idle();
  /// True once a beat found the job of the task in hand no longer running.
  [[nodiscard]] bool abandoned() const noexcept { return abandoned_.load(); }

 private:
  void run();

  redis_endpoint where_;
  std::string worker_;
  std::chrono::milliseconds interval_;
  std::shared_ptr<spdlog::logger> log_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::string tasks_, spec_, entry_, label_ = "idle";
  std::atomic<bool> abandoned_ = false;
  std::thread thread_;
};

}  // namespace mergepipe::cluster
