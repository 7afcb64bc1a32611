// newsim — the index file's layout, for the loader's tests and fuzz target.
#pragma once

#include <string>

namespace newsim::detail {

/// Rewrites the checksums (header and every section the table names, where it lies inside
/// the file) so that a deliberately damaged file reaches the structural checks behind them.
void reseal_index_file(std::string& file);

}  // namespace newsim::detail
