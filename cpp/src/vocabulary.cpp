#include "newsim/vocabulary.hpp"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <numeric>
#include <stdexcept>
#include <string>

#include "newsim/errors.hpp"
#include "string_map.hpp"

namespace newsim {

struct Vocabulary::Data {
  std::vector<std::string> terms;
  // term -> column, built on the first lookup (fit_transform never needs it).
  mutable std::once_flag built;
  mutable detail::StringMap index;
  void build() const {
    std::call_once(built, [this] {
      index.reserve(terms.size());
      for (std::size_t i = 0; i < terms.size(); ++i) {
        const std::uint64_t h = detail::hash_bytes(terms[i]);
        if (index.find(terms[i], h) == nullptr) index.insert(terms[i], h, static_cast<std::uint32_t>(i));
      }
    });
  }
};

Vocabulary::Vocabulary() : data_(std::make_shared<const Data>()) {}

Vocabulary::Vocabulary(std::vector<std::string> terms, bool checked_unique) {
  auto data = std::make_shared<Data>();
  data->terms = std::move(terms);
  if (!checked_unique) {
    data->build();
    if (data->index.size() != data->terms.size()) {
      detail::StringMap seen;
      for (const std::string& t : data->terms) {
        const std::uint64_t h = detail::hash_bytes(t);
        if (seen.find(t, h) != nullptr)
          throw InvalidOptionError("vocabulary", "Duplicate term in vocabulary: '" + t + "'");
        seen.insert(t, h, 0);
      }
    }
  }
  data_ = std::move(data);
}

std::size_t Vocabulary::size() const noexcept { return data_->terms.size(); }

std::string_view Vocabulary::term(std::size_t column) const { return data_->terms.at(column); }

std::int64_t Vocabulary::find(std::string_view term) const noexcept {
  data_->build();
  const std::uint32_t* column = data_->index.find(term, detail::hash_bytes(term));
  return column == nullptr ? -1 : static_cast<std::int64_t>(*column);
}

const std::vector<std::string>& Vocabulary::terms() const noexcept { return data_->terms; }

std::string_view TermStats::term(std::size_t i) const noexcept {
  const std::uint64_t begin = i == 0 ? 0 : ends_[i - 1];
  return std::string_view(arena_).substr(begin, ends_[i] - begin);
}

void TermStats::push_back(std::string_view term, std::int64_t df, std::int64_t tf) {
  if (!df_.empty() && !(this->term(df_.size() - 1) < term))
    throw std::invalid_argument("TermStats: terms must be distinct and in increasing byte order");
  arena_.append(term);
  ends_.push_back(arena_.size());
  df_.push_back(df);
  tf_.push_back(tf);
}

void TermStats::reserve(std::size_t n_terms, std::size_t bytes) {
  arena_.reserve(bytes);
  ends_.reserve(n_terms);
  df_.reserve(n_terms);
  tf_.reserve(n_terms);
}

TermStats TermStats::merge(const TermStats& a, const TermStats& b) {
  TermStats m;
  m.reserve(a.size() + b.size(), a.arena_.size() + b.arena_.size());
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() || j < b.size()) {
    if (j == b.size() || (i < a.size() && a.term(i) < b.term(j))) {
      m.push_back(a.term(i), a.df_[i], a.tf_[i]);
      ++i;
    } else if (i == a.size() || b.term(j) < a.term(i)) {
      m.push_back(b.term(j), b.df_[j], b.tf_[j]);
      ++j;
    } else {
      m.push_back(a.term(i), a.df_[i] + b.df_[j], a.tf_[i] + b.tf_[j]);
      ++i;
      ++j;
    }
  }
  m.n_docs_ = a.n_docs_ + b.n_docs_;
  m.n_terms_ = a.n_terms_ + b.n_terms_;
  return m;
}

void PruneOptions::declare(OptionVisitor& v) {
  v.real("min_df", min_df, {0});
  v.flag("min_df_is_count", min_df_is_count);
  v.real("max_df", max_df, {0});
  v.flag("max_df_is_count", max_df_is_count);
  v.optional_integer("max_features", max_features, {1});
  v.integer("ngram_min_df", ngram_min_df, {1});
}

void PruneOptions::validate() const {
  // Before the declared rules: an int counts documents, a float is a share (scikit-learn's words).
  auto check = [](const char* name, double v, bool is_count) {
    const std::string n = name;
    if (is_count && !(v >= 0 && v == std::floor(v)))
      throw InvalidOptionError(n, "The '" + n + "' parameter must be an int >= 0, got " +
                                      (v == std::floor(v) && std::fabs(v) < 1e18 ? std::to_string(static_cast<long long>(v))
                                                                                  : format_real(v)) + ".");
    if (!is_count && !(v >= 0 && v <= 1))
      throw InvalidOptionError(n, "The '" + n + "' parameter must be a float in the range [0.0, 1.0], got " +
                                      format_real(v) + ".");
  };
  check("min_df", min_df, min_df_is_count);
  check("max_df", max_df, max_df_is_count);
  check_declared(*this);
}

std::vector<bool> prune_terms(const PruneOptions& options, std::span<const std::int64_t> df,
                              std::span<const std::int64_t> tf, std::int64_t n_docs,
                              const std::vector<bool>& ngram) {
  const auto n = static_cast<double>(n_docs);
  const double high = options.max_df_is_count ? options.max_df : options.max_df * n;
  const double low = options.min_df_is_count ? options.min_df : options.min_df * n;
  if (high < low) throw InvalidOptionError("max_df", "max_df corresponds to < documents than min_df");
  std::vector<bool> keep(df.size());
  std::size_t kept = 0;
  for (std::size_t i = 0; i < df.size(); ++i) {
    const auto d = static_cast<double>(df[i]);
    keep[i] = d <= high && d >= low && (ngram.empty() || !ngram[i] || df[i] >= options.ngram_min_df);
    kept += keep[i];
  }
  if (options.max_features && kept > *options.max_features) {
    std::vector<std::size_t> order;
    order.reserve(kept);
    for (std::size_t i = 0; i < df.size(); ++i)
      if (keep[i]) order.push_back(i);
    // Largest corpus frequency first; ties to the term that sorts first.
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return tf[a] > tf[b]; });
    std::fill(keep.begin(), keep.end(), false);
    for (std::size_t k = 0; k < *options.max_features; ++k) keep[order[k]] = true;
  }
  return keep;
}

}  // namespace newsim
