// newsim — the index file's layout, for the loader's tests and fuzz target.
#pragma once

#include <string>

namespace newsim::detail {

/// Rewrites the checksums (header and every section the table names, where it lies inside
/// the file) so that a deliberately damaged file reaches the structural checks behind them.
void reseal_index_file(std::string& file);

/// Makes the loader check stored values with its plain loop even where the CPU has AVX-512
/// (for the tests: both paths must accept and refuse the same files). Returns the old setting.
bool use_plain_scan(bool plain) noexcept;

}  // namespace newsim::detail
