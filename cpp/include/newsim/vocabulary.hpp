// newsim — the vocabulary: terms by column, with lookup, and the pruning rules of a fit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace newsim {

/// An immutable term list (column i holds term(i)) with hash lookup. Cheap to copy.
class Vocabulary {
 public:
  Vocabulary();
  /// Throws InvalidOptionError("vocabulary") on a duplicate term, unless the caller vouches
  /// that the terms are distinct (`checked_unique`), as a fit does.
  explicit Vocabulary(std::vector<std::string> terms, bool checked_unique = false);

  [[nodiscard]] std::size_t size() const noexcept;
  [[nodiscard]] std::string_view term(std::size_t column) const;
  /// The column of `term`, or -1.
  [[nodiscard]] std::int64_t find(std::string_view term) const noexcept;
  [[nodiscard]] const std::vector<std::string>& terms() const noexcept;

 private:
  struct Data;
  std::shared_ptr<const Data> data_;
};

/// Document-frequency limits, as scikit-learn reads them: an integer bound counts documents, a
/// fractional one is a proportion of the corpus.
struct PruneOptions {
  double min_df = 1.0;
  bool min_df_is_count = true;
  double max_df = 1.0;
  bool max_df_is_count = false;
  /// Keep only the terms with the largest corpus term frequency; ties go to the term that sorts
  /// first (a stable, documented rule).
  std::optional<std::size_t> max_features;

  void validate() const;
};

/// Which terms survive pruning. `df` and `tf` are per term; returns a keep mask.
/// Throws InvalidOptionError when max_df corresponds to fewer documents than min_df.
std::vector<bool> prune_terms(const PruneOptions& options, std::span<const std::int64_t> df,
                              std::span<const std::int64_t> tf, std::int64_t n_docs);

}  // namespace newsim
