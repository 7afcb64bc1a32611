// newsim — work over chunks on n threads, stoppable and observable from the calling thread.
#pragma once

#include <cstddef>
#include <functional>

namespace newsim {

/// Polled on the calling thread about every 100 ms while workers run.
class Monitor {
 public:
  virtual ~Monitor() = default;
  /// `done` of `total` items are finished. Return false to stop the work (Cancelled is thrown).
  virtual bool poll(std::size_t done, std::size_t total) = 0;
};

/// Reports one phase of a longer call to `outer` as the part [from, to] of `total` steps, so
/// that a progress bar fed by several phases moves forward once, from 0 to `total`.
class PhaseMonitor final : public Monitor {
 public:
  PhaseMonitor(Monitor* outer, std::size_t from, std::size_t to, std::size_t total) noexcept
      : outer_(outer), from_(from), to_(to), total_(total) {}
  bool poll(std::size_t done, std::size_t total) override;

 private:
  Monitor* outer_;
  std::size_t from_, to_, total_;
};

struct RunContext {
  std::size_t n_jobs = 1;
  Monitor* monitor = nullptr;
  /// Error messages number documents from here (a chunk of a larger stream).
  std::size_t first_document = 0;
};

/// `ctx` reporting to `phase` (when it has a monitor at all).
RunContext with_monitor(const RunContext& ctx, PhaseMonitor& phase) noexcept;

/// The CPUs this process may run on: its affinity mask (sched_getaffinity) where the system has
/// one, else std::thread::hardware_concurrency(); at least 1.
std::size_t available_cpus() noexcept;

/// Resolves a user's n_jobs to a thread count >= 1, as joblib reads it: a positive number is
/// that many threads (at most 2^31 - 1), -1 every available CPU (available_cpus()), -2 all but
/// one, and so on. Throws InvalidOptionError("n_jobs") for 0.
std::size_t resolve_n_jobs(long long n_jobs);

/// Calls body(worker, begin, end) for consecutive chunks of [0, n_items), on up to
/// ctx.n_jobs threads; `worker` is in [0, n_workers). The first exception thrown by a body is
/// rethrown here after all workers stopped; a monitor returning false throws Cancelled.
/// Returns the number of workers used.
std::size_t parallel_chunks(std::size_t n_items, std::size_t chunk, const RunContext& ctx,
                            const std::function<void(std::size_t worker, std::size_t begin,
                                                     std::size_t end)>& body);

/// The number of workers parallel_chunks will use for these arguments.
std::size_t workers_for(std::size_t n_items, std::size_t chunk, const RunContext& ctx) noexcept;

}  // namespace newsim
