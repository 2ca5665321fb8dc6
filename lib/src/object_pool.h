#pragma once

#include <memory>
#include <mutex>
#include <vector>

namespace mergepipe::detail {

/// Recycles the items of a pipeline so that their buffers are allocated once per live token,
/// not per item. Owns every item it made, so a cancelled pipeline leaks none. Thread-safe.
template <typename T>
class object_pool {
 public:
  T* acquire() {
    std::lock_guard lock(mutex_);
    if (free_.empty()) {
      all_.push_back(std::make_unique<T>());
      return all_.back().get();
    }
    T* item = free_.back();
    free_.pop_back();
    return item;
  }

  void release(T* item) {
    std::lock_guard lock(mutex_);
    free_.push_back(item);
  }

 private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<T>> all_;
  std::vector<T*> free_;
};

}  // namespace mergepipe::detail
