// Test helpers: documents held as strings, and typed access to a CsrAny result.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "newsim/vectorizer.hpp"

namespace newsim::testing {

struct Corpus {
  std::vector<std::string> text;
  std::vector<TextRef> refs;
  explicit Corpus(std::vector<std::string> t) : text(std::move(t)) {
    for (const auto& s : text) refs.push_back(TextRef::utf8(s));
  }
  [[nodiscard]] Documents docs() const { return Documents{refs, {}}; }
};

template <class T, class I>
const Csr<T, I>& as(const CsrAny& m) {
  return std::get<Csr<T, I>>(m);
}

/// A matrix array as a plain std::vector (for comparisons with a literal).
template <class V>
std::vector<typename V::value_type> plain(const V& v) {
  return {v.begin(), v.end()};
}

}  // namespace newsim::testing
