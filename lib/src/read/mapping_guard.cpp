#include "read/mapping_guard.h"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <mutex>

namespace mergepipe::detail {
namespace {

// A slot moves free -> claimed (being filled) -> watched -> free. The handler reads only
// watched slots, and only lock-free atomics, so it may interrupt anything.
enum slot_state : int { slot_free, slot_claimed, slot_watched };

struct slot {
  std::atomic<int> state{slot_free};
  std::atomic<std::uintptr_t> begin{0};
  std::atomic<std::uintptr_t> end{0};  // page-aligned
  std::atomic<bool> faulted{false};
};

constexpr int slot_count = 4096;
slot slots[slot_count];
std::atomic<int> slots_in_use{0};  // high-water mark: the handler looks no further
std::uintptr_t page_size = 4096;
struct sigaction previous_action {};
std::once_flag installed;

static_assert(std::atomic<std::uintptr_t>::is_always_lock_free &&
                  std::atomic<int>::is_always_lock_free && std::atomic<bool>::is_always_lock_free,
              "the signal handler needs lock-free atomics");

// Not ours: hand the signal to whoever had it before, or die of it as if we were not here.
void pass_on(int signal, siginfo_t* info, void* context) {
  if ((previous_action.sa_flags & SA_SIGINFO) != 0) {
    previous_action.sa_sigaction(signal, info, context);
    return;
  }
  if (previous_action.sa_handler != SIG_DFL && previous_action.sa_handler != SIG_IGN) {
    previous_action.sa_handler(signal);
    return;
  }
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  sigemptyset(&default_action.sa_mask);
  ::sigaction(signal, &default_action, nullptr);
  // Blocked until this handler returns; a fault also recurs when the access is retried.
  ::raise(signal);
}

void on_sigbus(int signal, siginfo_t* info, void* context) {
  const auto address = reinterpret_cast<std::uintptr_t>(info->si_addr);
  const int in_use = slots_in_use.load(std::memory_order_acquire);
  for (int i = 0; i < in_use; ++i) {
    slot& s = slots[i];
    if (s.state.load(std::memory_order_acquire) != slot_watched) continue;
    const std::uintptr_t begin = s.begin.load(std::memory_order_relaxed);
    const std::uintptr_t end = s.end.load(std::memory_order_relaxed);
    if (address < begin || address >= end) continue;
    // The file ends before this page, so it ends before every later page too: zeros for
    // all of them at once, rather than one signal per page.
    const std::uintptr_t page = address & ~(page_size - 1);
    void* zeros = ::mmap(reinterpret_cast<void*>(page), end - page, PROT_READ,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (zeros == MAP_FAILED) break;
    s.faulted.store(true, std::memory_order_relaxed);
    return;
  }
  pass_on(signal, info, context);
}

void install_handler() {
  page_size = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  struct sigaction action {};
  action.sa_sigaction = on_sigbus;
  action.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGBUS, &action, &previous_action);
}

}  // namespace

void mapping_guard::watch(const void* begin, std::size_t size) {
  unwatch();
  std::call_once(installed, install_handler);
  const auto first = reinterpret_cast<std::uintptr_t>(begin);
  for (int i = 0; i < slot_count; ++i) {
    slot& s = slots[i];
    int expected = slot_free;
    if (!s.state.compare_exchange_strong(expected, slot_claimed, std::memory_order_acquire)) {
      continue;
    }
    s.begin.store(first, std::memory_order_relaxed);
    s.end.store((first + size + page_size - 1) & ~(page_size - 1), std::memory_order_relaxed);
    s.faulted.store(false, std::memory_order_relaxed);
    int in_use = slots_in_use.load(std::memory_order_relaxed);
    while (in_use <= i && !slots_in_use.compare_exchange_weak(in_use, i + 1)) {
    }
    s.state.store(slot_watched, std::memory_order_release);
    slot_ = i;
    return;
  }
}

void mapping_guard::unwatch() noexcept {
  if (slot_ < 0) return;
  slots[slot_].state.store(slot_free, std::memory_order_release);
  slot_ = -1;
}

bool mapping_guard::faulted() const noexcept {
  return slot_ >= 0 && slots[slot_].faulted.load(std::memory_order_relaxed);
}

}  // namespace mergepipe::detail
