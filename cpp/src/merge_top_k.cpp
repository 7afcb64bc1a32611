// newsim — merging k-best lists of the same rows computed over disjoint sets of documents.
#include <string>

#include "best_k.hpp"
#include "newsim/errors.hpp"
#include "newsim/similarity.hpp"

namespace newsim {

TopK merge_top_k(std::span<const TopKView> parts, std::size_t k) {
  const std::size_t rows = parts.empty() ? 0 : parts.front().rows;
  for (std::size_t p = 0; p < parts.size(); ++p)
    if (parts[p].rows != rows)
      throw InvalidOptionError("parts", "parts[" + std::to_string(p) + "] has " + std::to_string(parts[p].rows) +
                                            " rows, parts[0] has " + std::to_string(rows));
  TopK out = detail::padded_top_k(rows, k);
  std::vector<std::pair<double, std::int64_t>> candidates;
  for (std::size_t r = 0; r < rows; ++r) {
    candidates.clear();
    for (const TopKView& part : parts)
      for (std::size_t c = 0; c < part.k; ++c)
        if (const std::int64_t id = part.ids[r * part.k + c]; id >= 0)
          candidates.emplace_back(part.scores[r * part.k + c], id);
    detail::write_best_row(candidates, k, r, out);
  }
  return out;
}

}  // namespace newsim
