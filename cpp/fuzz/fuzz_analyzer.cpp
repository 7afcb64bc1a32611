// libFuzzer target: the analyzer and the vectorizer on arbitrary text.
//
// The first bytes of an input choose the options (scikit-learn regex words, ICU words with
// stemming, compounds and n-grams, char and char_wb n-grams; see fuzz_common.hpp); the rest is
// split into documents. Invalid text must raise DocumentError for the right document; anything
// else must give a well-formed matrix whose rows agree with Analyzer::analyze, whose document
// frequencies count the rows, which transform, a second thread and a save/load round trip
// reproduce exactly.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_common.hpp"
#include "newsim/analyzer.hpp"
#include "newsim/errors.hpp"
#include "newsim/text.hpp"
#include "newsim/vectorizer.hpp"

using namespace newsim;
using namespace newsim::fuzz;

namespace {

/// Each document as UTF-8, or nullopt where the core must reject it.
std::vector<std::optional<std::string>> as_utf8(const EncodedDocuments& docs) {
  std::vector<std::optional<std::string>> out;
  std::string buffer;
  for (std::size_t i = 0; i < docs.refs.size(); ++i) {
    try {
      out.emplace_back(std::string(to_utf8(docs.refs[i], buffer, i)));
      check(valid_utf8(*out.back()), "to_utf8 returned invalid UTF-8");
    } catch (const DocumentError& e) {
      check(e.index() == i, "DocumentError names another document");
      check(std::string_view(e.what()).find("document " + std::to_string(i)) != std::string_view::npos,
            "DocumentError message does not name the document");
      out.emplace_back(std::nullopt);
    }
  }
  return out;
}

/// Each valid document's terms (Analyzer::analyze, a fresh session per call), checked.
std::vector<std::vector<std::string>> analyze_each(const Analyzer& analyzer,
                                                   const std::vector<std::optional<std::string>>& utf8) {
  std::vector<std::vector<std::string>> out;
  for (const auto& doc : utf8) {
    out.emplace_back();
    if (!doc) continue;
    out.back() = analyzer.analyze(*doc);
    for (const std::string& t : out.back()) {
      check(!t.empty(), "empty term");
      check(valid_utf8(t), "term is not valid UTF-8");
    }
  }
  return out;
}

void check_rows(const FuzzCase& c, const CsrAny& m) {
  const Norm norm = c.options.weighting.norm;
  std::visit(
      [&](const auto& x) {
        for (std::size_t r = 0; r < x.rows; ++r) {
          double sum = 0;
          for (auto k = x.indptr[r]; k < x.indptr[r + 1]; ++k) {
            const double v = static_cast<double>(x.data[static_cast<std::size_t>(k)]);
            check(v > 0, "weight is not positive");
            sum += norm == Norm::l2 ? v * v : v;
          }
          if (x.indptr[r] != x.indptr[r + 1] && norm != Norm::none)
            check(std::fabs(sum - 1.0) < 1e-4, "row is not normalized");
        }
      },
      m);
}

void check_vectorizer(const FuzzCase& c, const EncodedDocuments& docs,
                      const std::vector<std::optional<std::string>>& utf8,
                      const std::vector<std::vector<std::string>>& analyzed) {
  const Documents input{docs.refs, {}};
  const std::size_t n = docs.refs.size();
  Vectorizer v(c.options);
  CsrAny m;
  try {
    m = v.fit_transform(input, RunContext{1, nullptr});
  } catch (const DocumentError& e) {
    check(e.index() < n && !utf8[e.index()], "DocumentError for a valid document");
    for (std::size_t i = 0; i < e.index(); ++i) check(utf8[i].has_value(), "not the first bad document");
    return;
  } catch (const EmptyVocabularyError&) {
    for (const auto& d : utf8) check(d.has_value(), "EmptyVocabularyError hides a bad document");
    return;
  }
  for (const auto& d : utf8) check(d.has_value(), "an invalid document was accepted");

  const FittedState& st = v.state();
  const std::vector<std::string>& terms = st.vocabulary.terms();
  const std::size_t cols = terms.size();
  check(cols > 0, "empty vocabulary without an error");
  check_csr_any(m, n, cols);
  check_rows(c, m);
  check(st.n_docs == static_cast<std::int64_t>(n), "n_docs");
  check(st.df.size() == cols && st.idf.size() == cols, "state sizes");
  if (c.options.vocabulary) {
    check(v.feature_names() == *c.options.vocabulary, "columns are not the fixed vocabulary");
    if (!c.options.normalize_vocabulary) check(terms == *c.options.vocabulary, "terms are not the entries");
  } else {
    for (std::size_t i = 1; i < cols; ++i) check(terms[i - 1] < terms[i], "vocabulary not sorted");
    if (c.options.prune.max_features) check(cols <= *c.options.prune.max_features, "max_features");
  }

  // Document frequencies count the rows; rows hold exactly the analyzer's terms.
  std::vector<std::int64_t> df(cols, 0);
  for (std::size_t r = 0; r < n; ++r) {
    const std::vector<std::int64_t> got = row_columns(m, r);
    for (const auto col : got) ++df[static_cast<std::size_t>(col)];
    std::set<std::int64_t> want;
    for (const std::string& t : analyzed[r]) {
      const std::int64_t col = st.vocabulary.find(t);
      if (col >= 0) want.insert(col);
    }
    check(std::vector<std::int64_t>(want.begin(), want.end()) == got,
          "row columns differ from Analyzer::analyze");
  }
  check(df == st.df, "document frequencies do not count the rows");
  for (const double idf : st.idf) check(std::isfinite(idf) && idf > 0, "idf");

  // transform reproduces fit_transform, on one thread and on two.
  for (const std::size_t jobs : {std::size_t{1}, std::size_t{2}}) {
    const CsrAny t = v.transform(input, RunContext{jobs, nullptr});
    check(same_structure(t, m), "transform structure differs from fit_transform");
    check(values(t) == values(m), "transform values differ from fit_transform");
  }

  // A save/load round trip gives the same bytes and the same matrix.
  const std::string bytes = v.to_bytes();
  const Vectorizer w = Vectorizer::from_bytes(bytes);
  check(w.to_bytes() == bytes, "round trip changed the bytes");
  const CsrAny t = w.transform(input, RunContext{1, nullptr});
  check(same_structure(t, m) && values(t) == values(m), "loaded model transforms differently");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const FuzzCase c = decode_case(bytes);
  const Analyzer analyzer(c.options.analyzer);  // decode_case only makes valid options
  const EncodedDocuments docs = encode(c);
  const auto utf8 = as_utf8(docs);
  const auto analyzed = analyze_each(analyzer, utf8);
  // The whole input as one UTF-8 document: arbitrary bytes are either rejected or tokenized.
  const bool valid = valid_utf8(bytes);
  try {
    for (const std::string& t : analyzer.tokenize(bytes)) check(valid_utf8(t), "invalid token");
    check(valid, "tokenize accepted invalid UTF-8");
  } catch (const DocumentError& e) {
    check(!valid && e.index() == 0, "tokenize rejected valid UTF-8");
  }
  check_vectorizer(c, docs, utf8, analyzed);
  return 0;
}
