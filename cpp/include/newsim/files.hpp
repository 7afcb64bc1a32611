// newsim — files written whole or not at all: the one writer of index files and model files.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace newsim {

/// Appends bytes to the file being written.
using FilePut = std::function<void(const void* data, std::size_t bytes)>;

/// Writes `path` atomically: `fill(put)` writes the content into a new file beside `path`
/// (a unique name, O_EXCL, mode 0666 under the process's umask, as any new file), which is
/// fsynced and renamed over `path`, and the rename synced in the directory where the file
/// system allows it. When anything fails (an exception from `fill` too, a full disk), the
/// temporary file is removed and `path` keeps what it held. Failures of the system throw
/// std::system_error with the errno (OSError in Python).
void write_file_atomically(const std::string& path, const std::function<void(const FilePut& put)>& fill);

}  // namespace newsim
