#include "newsim/files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <optional>
#include <string>

#include "files_impl.hpp"

namespace newsim {

namespace detail {

Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}

void Fd::close_checked(const std::string& what) {
  const int fd = std::exchange(fd_, -1);
  if (fd >= 0 && ::close(fd) != 0) system_failure(what);
}

}  // namespace detail

namespace {

/// A temporary file beside `path`, removed unless released (renamed into place).
class TempFile {
 public:
  explicit TempFile(const std::string& path) {
    const std::size_t slash = path.find_last_of('/');
    const std::string dir = slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
    const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    static std::atomic<unsigned> counter{0};
    for (int attempt = 0;; ++attempt) {
      name_ = dir + "." + base + "." + std::to_string(::getpid()) + "." + std::to_string(counter++) + ".tmp";
      // O_EXCL: never another file; mode 0666 under the process's umask, as any new file.
      const int fd = ::open(name_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
      if (fd >= 0) {
        fd_.emplace(fd);
        return;
      }
      if (errno != EEXIST || attempt > 100) {
        const int err = errno;
        name_.clear();
        throw std::system_error(err, std::generic_category(), "cannot create a file beside " + path);
      }
    }
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    fd_.reset();
    if (!name_.empty()) ::unlink(name_.c_str());
  }
  [[nodiscard]] int fd() const noexcept { return fd_->get(); }
  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  void close_checked() { fd_->close_checked("writing " + name_); }
  void release() noexcept { name_.clear(); }

 private:
  std::string name_;
  std::optional<detail::Fd> fd_;
};

void write_all(int fd, const void* data, std::size_t bytes, const std::string& name) {
  const auto* p = static_cast<const char*>(data);
  while (bytes > 0) {
    const ::ssize_t n = ::write(fd, p, std::min<std::size_t>(bytes, std::size_t{1} << 30));
    if (n < 0) {
      if (errno == EINTR) continue;
      detail::system_failure("writing " + name);
    }
    p += n;
    bytes -= static_cast<std::size_t>(n);
  }
}

}  // namespace

void write_file_atomically(const std::string& path, const std::function<void(const FilePut& put)>& fill) {
  TempFile tmp(path);
  fill([&](const void* data, std::size_t bytes) { write_all(tmp.fd(), data, bytes, tmp.name()); });
  if (::fsync(tmp.fd()) != 0) detail::system_failure("writing " + tmp.name());
  tmp.close_checked();
  if (::rename(tmp.name().c_str(), path.c_str()) != 0)
    detail::system_failure("renaming " + tmp.name() + " to " + path);
  tmp.release();
  // The rename itself on disk; not every file system allows syncing a directory.
  const std::size_t slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  if (const int d = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); d >= 0) {
    (void)::fsync(d);
    ::close(d);
  }
}

}  // namespace newsim
