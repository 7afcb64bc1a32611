#include "newsim/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <limits>
#include <mutex>
#include <thread>
#include <vector>

#include "newsim/errors.hpp"

#if defined(__linux__)
#include <sched.h>
#endif

namespace newsim {

bool PhaseMonitor::poll(std::size_t done, std::size_t total) {
  if (outer_ == nullptr) return true;
  const std::size_t span = to_ - from_;
  const std::size_t step = total == 0 ? span : std::min(span, done * span / total);
  return outer_->poll(from_ + step, total_);
}

RunContext with_monitor(const RunContext& ctx, PhaseMonitor& phase) noexcept {
  RunContext out = ctx;
  if (ctx.monitor != nullptr) out.monitor = &phase;
  return out;
}

std::size_t available_cpus() noexcept {
#if defined(__linux__)
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    const int count = CPU_COUNT(&set);
    if (count > 0) return static_cast<std::size_t>(count);
  }
#endif
  return std::max(1u, std::thread::hardware_concurrency());
}

std::size_t resolve_n_jobs(long long n_jobs) {
  if (n_jobs == 0)
    throw InvalidOptionError("n_jobs", "n_jobs == 0 has no meaning; use None or 1 for one thread, -1 for all");
  constexpr long long kMost = std::numeric_limits<std::int32_t>::max();  // more threads than work never start
  if (n_jobs > 0) return static_cast<std::size_t>(std::min(n_jobs, kMost));
  const auto cpus = static_cast<long long>(available_cpus());
  return static_cast<std::size_t>(std::max(1LL, cpus + 1 + n_jobs));  // -1: all, -2: all but one
}

std::size_t workers_for(std::size_t n_items, std::size_t chunk, const RunContext& ctx) noexcept {
  const std::size_t chunks = chunk == 0 ? 0 : (n_items + chunk - 1) / chunk;
  return std::max<std::size_t>(1, std::min(ctx.n_jobs, chunks));
}

std::size_t parallel_chunks(std::size_t n_items, std::size_t chunk, const RunContext& ctx,
                            const std::function<void(std::size_t, std::size_t, std::size_t)>& body) {
  chunk = std::max<std::size_t>(1, chunk);
  const std::size_t n_workers = workers_for(n_items, chunk, ctx);
  if (n_items == 0) return n_workers;
  if (n_workers == 1 && ctx.monitor == nullptr) {
    for (std::size_t b = 0; b < n_items; b += chunk) body(0, b, std::min(n_items, b + chunk));
    return 1;
  }

  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  std::atomic<bool> stop{false};
  std::exception_ptr error;
  std::mutex mutex;
  std::condition_variable finished_cv;
  std::size_t running = n_workers;

  auto work = [&](std::size_t worker) {
    try {
      while (!stop.load(std::memory_order_relaxed)) {
        const std::size_t b = next.fetch_add(chunk);
        if (b >= n_items) break;
        const std::size_t e = std::min(n_items, b + chunk);
        body(worker, b, e);
        done.fetch_add(e - b, std::memory_order_relaxed);
      }
    } catch (...) {
      const std::lock_guard lock(mutex);
      if (!error) error = std::current_exception();
      stop = true;
    }
    const std::lock_guard lock(mutex);
    --running;
    finished_cv.notify_all();
  };

  bool cancelled = false;
  {
    std::vector<std::jthread> threads;
    threads.reserve(n_workers);
    for (std::size_t w = 0; w < n_workers; ++w) threads.emplace_back(work, w);
    std::unique_lock lock(mutex);
    while (running > 0) {
      finished_cv.wait_for(lock, std::chrono::milliseconds(100));
      if (running == 0 || ctx.monitor == nullptr || cancelled) continue;
      lock.unlock();
      const bool go_on = ctx.monitor->poll(done.load(), n_items);
      lock.lock();
      if (!go_on) {
        cancelled = true;
        stop = true;
      }
    }
  }  // joins
  if (error) std::rethrow_exception(error);
  if (cancelled) throw Cancelled();
  if (ctx.monitor != nullptr && !ctx.monitor->poll(n_items, n_items)) throw Cancelled();
  return n_workers;
}

}  // namespace newsim
