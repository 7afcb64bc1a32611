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

struct RunContext {
  std::size_t n_jobs = 1;
  Monitor* monitor = nullptr;
  /// Error messages number documents from here (a chunk of a larger stream).
  std::size_t first_document = 0;
};

/// Resolves a user's n_jobs (<= 0 meaning "all cores minus (-n_jobs - 1)") to a thread count >= 1.
std::size_t resolve_n_jobs(long long n_jobs) noexcept;

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
