#include <string>

#include "newsim/errors.hpp"
#include "newsim/vectorizer.hpp"

namespace newsim {

void VectorizerOptions::declare(OptionVisitor& v) {
  analyzer.declare(v);
  prune.declare(v);
  weighting.declare(v);
  v.optional_words("vocabulary", vocabulary);
  v.flag("float64", float64);
  // Hashing is on when n_features is given.
  std::optional<std::size_t> n_features;
  bool alternate_sign = true;
  if (hashing) {
    n_features = hashing->n_features;
    alternate_sign = hashing->alternate_sign;
  }
  v.optional_integer("n_features", n_features, {1, 0x7FFFFFFF});
  v.flag("alternate_sign", alternate_sign);
  // Without hashing there are no signs to alternate: a False would be dropped (and a model
  // file would not write back the bytes it was read from).
  if (!n_features && !alternate_sign)
    throw InvalidOptionError("alternate_sign", "alternate_sign=False applies to hashing only: set n_features too.");
  hashing.reset();
  if (n_features) hashing = HashingOptions{*n_features, alternate_sign};
  v.flag("normalize_vocabulary", normalize_vocabulary);
}

void VectorizerOptions::validate() const {
  analyzer.validate();
  prune.validate();
  weighting.validate();
  check_declared(*this);
  if (vocabulary && vocabulary->empty())
    throw InvalidOptionError("vocabulary", "empty vocabulary passed to fit");
  if (vocabulary) {
    std::string buf;
    for (std::size_t i = 0; i < vocabulary->size(); ++i) {
      try {
        (void)to_utf8(TextRef::utf8((*vocabulary)[i]), buf, i);
      } catch (const DocumentError&) {
        throw InvalidOptionError("vocabulary", "vocabulary term " + std::to_string(i) + " is not valid UTF-8.");
      }
    }
  }
  if (hashing) {
    if (vocabulary) throw InvalidOptionError("vocabulary", "a fixed vocabulary cannot be used with hashing");
    if (weighting.scheme != Scheme::tfidf)
      throw InvalidOptionError("weighting", "hashing supports weighting='tfidf' only");
    if (analyzer.decompound)
      throw InvalidOptionError("decompound", "decompound needs a fitted vocabulary; it cannot be used with hashing");
  }
}

namespace {

/// Every declared option's value, in declaration order, as comparable text.
class Snapshot final : public OptionVisitor {
 public:
  std::vector<std::pair<std::string_view, std::string>> values;

  void flag(std::string_view name, bool& value) override { add(name, value ? "1" : "0"); }
  void integer(std::string_view name, std::int64_t& value, Bounds) override { add(name, std::to_string(value)); }
  void optional_integer(std::string_view name, std::optional<std::int64_t>& value, Bounds) override {
    add(name, value ? std::to_string(*value) : "None");
  }
  void real(std::string_view name, double& value, Bounds) override { add(name, format_real(value)); }
  void text(std::string_view name, std::string& value) override { add(name, value); }
  void words(std::string_view name, std::vector<std::string>& value) override { add(name, joined(value)); }
  void optional_words(std::string_view name, std::optional<std::vector<std::string>>& value) override {
    add(name, value ? std::string("[").append(joined(*value)) : "None");
  }
  void pair(std::string_view name, std::int64_t& low, std::int64_t& high, Bounds) override {
    add(name, std::to_string(low) + "," + std::to_string(high));
  }
  void choice(std::string_view name, std::size_t& index, std::span<const std::string_view>) override {
    add(name, std::to_string(index));
  }

 private:
  void add(std::string_view name, std::string value) { values.emplace_back(name, std::move(value)); }
  static std::string joined(const std::vector<std::string>& words) {
    std::string s;
    for (const auto& w : words) (s += std::to_string(w.size())) += ':' + w;
    return s;
  }
};

/// The Python parameter behind a declared option, where the two are spelled differently.
std::string_view python_spelling(std::string_view option) {
  if (option == "tokenization" || option == "min_word_run") return "token_pattern";
  if (option == "min_df_is_count") return "min_df";
  if (option == "max_df_is_count") return "max_df";
  if (option == "float64") return "dtype";
  return option;
}

}  // namespace

std::string differing_option(const VectorizerOptions& a, const VectorizerOptions& b) {
  Snapshot x;
  Snapshot y;
  VectorizerOptions(a).declare(x);
  VectorizerOptions(b).declare(y);
  for (std::size_t i = 0; i < x.values.size(); ++i)
    if (x.values[i].second != y.values[i].second) return std::string(python_spelling(x.values[i].first));
  return "";
}

}  // namespace newsim
