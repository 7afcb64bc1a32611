// newsim (private) — file descriptors and system failures, shared by the file writer
// (files.cpp) and the index loader (index_file.cpp).
#pragma once

#include <cerrno>
#include <string>
#include <system_error>
#include <utility>

namespace newsim::detail {

/// Throws std::system_error with errno, saying what failed.
[[noreturn]] inline void system_failure(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

/// An open file descriptor, closed when it goes.
class Fd {
 public:
  explicit Fd(int fd) noexcept : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd();
  [[nodiscard]] int get() const noexcept { return fd_; }
  /// Closes now; throws std::system_error when close reports a failed write.
  void close_checked(const std::string& what);

 private:
  int fd_;
};

}  // namespace newsim::detail
