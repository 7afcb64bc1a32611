#include <pybind11/stl.h>

#include <optional>
#include <string>

#include "common.hpp"
#include "newsim/analyzer.hpp"
#include "newsim/vectorizer.hpp"

namespace newsim::py_bindings {
namespace {

template <class E>
E parse(const char* option, const std::string& value,
        std::initializer_list<std::pair<const char*, E>> choices) {
  std::string names;
  for (const auto& [name, e] : choices) {
    if (value == name) return e;
    names += (names.empty() ? "'" : ", '") + std::string(name) + "'";
  }
  throw InvalidOptionError(option, std::string("The '") + option + "' parameter must be one of " +
                                       names + ", got '" + value + "'.");
}

template <class E>
std::string name_of(E value, std::initializer_list<std::pair<const char*, E>> choices) {
  for (const auto& [name, e] : choices)
    if (e == value) return name;
  return "?";
}

const std::initializer_list<std::pair<const char*, AnalyzerKind>> kAnalyzers = {
    {"word", AnalyzerKind::word}, {"char", AnalyzerKind::chars}, {"char_wb", AnalyzerKind::chars_wb}};
const std::initializer_list<std::pair<const char*, Tokenization>> kTokenizations = {
    {"unicode", Tokenization::unicode}, {"regex_word", Tokenization::regex_word}};
const std::initializer_list<std::pair<const char*, AccentStrip>> kStrips = {
    {"none", AccentStrip::none}, {"unicode", AccentStrip::unicode}, {"ascii", AccentStrip::ascii}};
const std::initializer_list<std::pair<const char*, Compounds>> kCompounds = {
    {"split", Compounds::split}, {"whole", Compounds::whole}, {"both", Compounds::both}};
const std::initializer_list<std::pair<const char*, Scheme>> kSchemes = {
    {"tfidf", Scheme::tfidf}, {"bm25", Scheme::bm25}};
const std::initializer_list<std::pair<const char*, Norm>> kNorms = {
    {"none", Norm::none}, {"l1", Norm::l1}, {"l2", Norm::l2}};

Vectorizer make_vectorizer(const std::string& analyzer, const std::string& tokenization,
                           bool lowercase, const std::string& strip_accents,
                           std::vector<std::string> stop_words, const std::string& stemmer,
                           std::size_t min_token_len, std::size_t min_word_run,
                           std::pair<std::size_t, std::size_t> ngram_range,
                           const std::string& compounds, bool decompound,
                           std::int64_t ngram_min_df, double min_df, bool min_df_is_count,
                           double max_df, bool max_df_is_count,
                           std::optional<std::size_t> max_features, const std::string& weighting,
                           bool binary, bool use_idf, bool smooth_idf, bool sublinear_tf,
                           const std::string& norm, double k1, double b,
                           std::optional<std::vector<std::string>> vocabulary, bool float64,
                           std::optional<std::size_t> n_features, bool alternate_sign) {
  VectorizerOptions o;
  AnalyzerOptions& a = o.analyzer;
  a.analyzer = parse("analyzer", analyzer, kAnalyzers);
  a.tokenization = parse("tokenization", tokenization, kTokenizations);
  a.lowercase = lowercase;
  a.strip_accents = parse("strip_accents", strip_accents, kStrips);
  a.stop_words = std::move(stop_words);
  a.stemmer = stemmer;
  a.min_token_len = min_token_len;
  a.min_word_run = min_word_run;
  a.ngram_min = ngram_range.first;
  a.ngram_max = ngram_range.second;
  a.compounds = parse("compounds", compounds, kCompounds);
  a.decompound = decompound;
  o.prune.ngram_min_df = ngram_min_df;
  o.prune.min_df = min_df;
  o.prune.min_df_is_count = min_df_is_count;
  o.prune.max_df = max_df;
  o.prune.max_df_is_count = max_df_is_count;
  o.prune.max_features = max_features;
  o.weighting.scheme = parse("weighting", weighting, kSchemes);
  o.weighting.binary = binary;
  o.weighting.use_idf = use_idf;
  o.weighting.smooth_idf = smooth_idf;
  o.weighting.sublinear_tf = sublinear_tf;
  o.weighting.norm = parse("norm", norm, kNorms);
  o.weighting.k1 = k1;
  o.weighting.b = b;
  o.vocabulary = std::move(vocabulary);
  o.float64 = float64;
  if (n_features) o.hashing = HashingOptions{*n_features, alternate_sign};
  return Vectorizer(std::move(o));
}

py::dict options_dict(const Vectorizer& v) {
  const VectorizerOptions& o = v.options();
  const AnalyzerOptions& a = o.analyzer;
  py::dict d;
  d["analyzer"] = name_of(a.analyzer, kAnalyzers);
  d["tokenization"] = name_of(a.tokenization, kTokenizations);
  d["lowercase"] = a.lowercase;
  d["strip_accents"] = name_of(a.strip_accents, kStrips);
  d["stop_words"] = a.stop_words;
  d["stemmer"] = a.stemmer;
  d["min_token_len"] = a.min_token_len;
  d["min_word_run"] = a.min_word_run;
  d["ngram_range"] = py::make_tuple(a.ngram_min, a.ngram_max);
  d["compounds"] = name_of(a.compounds, kCompounds);
  d["decompound"] = a.decompound;
  d["ngram_min_df"] = o.prune.ngram_min_df;
  d["min_df"] = o.prune.min_df;
  d["min_df_is_count"] = o.prune.min_df_is_count;
  d["max_df"] = o.prune.max_df;
  d["max_df_is_count"] = o.prune.max_df_is_count;
  d["max_features"] = o.prune.max_features;
  d["weighting"] = name_of(o.weighting.scheme, kSchemes);
  d["binary"] = o.weighting.binary;
  d["use_idf"] = o.weighting.use_idf;
  d["smooth_idf"] = o.weighting.smooth_idf;
  d["sublinear_tf"] = o.weighting.sublinear_tf;
  d["norm"] = name_of(o.weighting.norm, kNorms);
  d["k1"] = o.weighting.k1;
  d["b"] = o.weighting.b;
  d["fixed_vocabulary"] = o.vocabulary.has_value();
  d["float64"] = o.float64;
  d["n_features"] = o.hashing ? py::cast(o.hashing->n_features) : py::none();
  d["alternate_sign"] = o.hashing ? o.hashing->alternate_sign : false;
  return d;
}

PyDocuments collect(py::handle documents, bool analyzed, std::size_t first = 0) {
  return analyzed ? collect_analyzed(documents, first) : collect_texts(documents, first);
}

}  // namespace

void register_vectorizer(py::module_& m) {
  m.def("stemmer_languages", &stemmer_languages, "Names of the available Snowball stemmers.");

  py::class_<Vectorizer>(m, "Vectorizer", "The C++ TF-IDF vectorizer (use newsim.TfidfVectorizer).")
      .def(py::init(&make_vectorizer), py::kw_only(), py::arg("analyzer") = "word",
           py::arg("tokenization") = "unicode", py::arg("lowercase") = true,
           py::arg("strip_accents") = "none", py::arg("stop_words") = std::vector<std::string>{},
           py::arg("stemmer") = "", py::arg("min_token_len") = 1, py::arg("min_word_run") = 2,
           py::arg("ngram_range") = std::pair<std::size_t, std::size_t>{1, 1},
           py::arg("compounds") = "split", py::arg("decompound") = false,
           py::arg("ngram_min_df") = 1, py::arg("min_df") = 1.0,
           py::arg("min_df_is_count") = true, py::arg("max_df") = 1.0,
           py::arg("max_df_is_count") = false, py::arg("max_features") = py::none(),
           py::arg("weighting") = "tfidf", py::arg("binary") = false, py::arg("use_idf") = true,
           py::arg("smooth_idf") = true, py::arg("sublinear_tf") = false, py::arg("norm") = "l2",
           py::arg("k1") = 1.2, py::arg("b") = 0.75, py::arg("vocabulary") = py::none(),
           py::arg("float64") = false, py::arg("n_features") = py::none(),
           py::arg("alternate_sign") = true)
      .def(
          "fit",
          [](Vectorizer& v, py::handle documents, long long n_jobs, bool analyzed,
             const py::object& progress) {
            const PyDocuments docs = collect(documents, analyzed);
            run_released(docs.view().size(), n_jobs, progress, [&](const RunContext& ctx) {
              v.fit(docs.view(), ctx);
              return 0;
            });
          },
          py::arg("documents"), py::kw_only(), py::arg("n_jobs") = 1, py::arg("analyzed") = false,
          py::arg("progress") = py::none())
      .def(
          "fit_transform",
          [](Vectorizer& v, py::handle documents, long long n_jobs, bool analyzed,
             const py::object& progress) {
            const PyDocuments docs = collect(documents, analyzed);
            CsrAny m = run_released(docs.view().size(), n_jobs, progress,
                                    [&](const RunContext& ctx) { return v.fit_transform(docs.view(), ctx); });
            return csr_to_python(std::move(m));
          },
          py::arg("documents"), py::kw_only(), py::arg("n_jobs") = 1, py::arg("analyzed") = false,
          py::arg("progress") = py::none())
      .def(
          "transform",
          [](const Vectorizer& v, py::handle documents, long long n_jobs, bool analyzed,
             const py::object& progress) {
            if (v.needs_fit()) (void)v.state();  // NotFittedError before touching the documents
            const PyDocuments docs = collect(documents, analyzed);
            CsrAny m = run_released(docs.view().size(), n_jobs, progress,
                                    [&](const RunContext& ctx) { return v.transform(docs.view(), ctx); });
            return csr_to_python(std::move(m));
          },
          py::arg("documents"), py::kw_only(), py::arg("n_jobs") = 1, py::arg("analyzed") = false,
          py::arg("progress") = py::none())
      .def(
          "partial_fit",
          [](Vectorizer& v, py::handle documents, long long n_jobs, bool analyzed,
             const py::object& progress, std::size_t first_document) {
            const PyDocuments docs = collect(documents, analyzed, first_document);
            run_released(docs.view().size(), n_jobs, progress, [&](const RunContext& ctx) {
              RunContext at = ctx;
              at.first_document = first_document;
              v.partial_fit(docs.view(), at);
              return 0;
            });
          },
          py::arg("documents"), py::kw_only(), py::arg("n_jobs") = 1, py::arg("analyzed") = false,
          py::arg("progress") = py::none(), py::arg("first_document") = 0,
          "Adds the documents' statistics; finalize() before transforming.")
      .def("finalize", &Vectorizer::finalize,
           "Prunes and weights the statistics gathered so far (a no-op when current).")
      .def("merge", &Vectorizer::merge, py::arg("other"),
           "A new vectorizer with the statistics of both (not finalized).")
      .def("discard_stats", &Vectorizer::discard_stats,
           "Finalize, then free the corpus statistics (partial_fit and merge then fail).")
      .def_property_readonly("finalized", &Vectorizer::finalized)
      .def_property_readonly("has_stats", [](const Vectorizer& v) { return v.stats() != nullptr; })
      .def_property_readonly("stats_n_docs",
                             [](const Vectorizer& v) { return v.stats() ? v.stats()->n_docs() : 0; })
      .def_property_readonly("stats_n_terms",
                             [](const Vectorizer& v) -> std::size_t { return v.stats() ? v.stats()->size() : 0; })
      .def_property_readonly("fitted", &Vectorizer::fitted)
      .def_property_readonly("needs_fit", &Vectorizer::needs_fit)
      .def_property_readonly("vocabulary",
                             [](const Vectorizer& v) { return v.state().vocabulary.terms(); })
      .def_property_readonly("idf",
                             [](const Vectorizer& v) {
                               std::vector<double> idf = v.state().idf;
                               return to_numpy(std::move(idf));
                             })
      .def_property_readonly("df",
                             [](const Vectorizer& v) {
                               std::vector<std::int64_t> df = v.state().df;
                               return to_numpy(std::move(df));
                             })
      .def_property_readonly("n_docs", [](const Vectorizer& v) { return v.state().n_docs; })
      .def_property_readonly("avg_doc_len", [](const Vectorizer& v) { return v.state().avg_doc_len; })
      .def("options", &options_dict)
      .def_property("metadata", &Vectorizer::metadata, &Vectorizer::set_metadata)
      .def(
          "analyze",
          [](const Vectorizer& v, py::handle text) { return v.analyze(utf8_of(text)); },
          py::arg("text"), "The terms of one document as fit and transform count them.")
      .def(
          "compound_parts",
          [](const Vectorizer& v, py::handle word) { return v.compound_parts(utf8_of(word)); },
          py::arg("word"), "The terms of the parts decompounding splits a word into.")
      .def(
          "tokenize",
          [](const Vectorizer& v, py::handle text) { return v.analyzer().tokenize(utf8_of(text)); },
          py::arg("text"), "The raw tokens of one document, before normalization.")
      .def("to_bytes", [](const Vectorizer& v) { return py::bytes(v.to_bytes()); })
      .def_static(
          "from_bytes",
          [](const py::bytes& data) {
            const std::string_view view = data;
            return Vectorizer::from_bytes(view);
          },
          py::arg("data"))
      .def("__repr__", [](const Vectorizer& v) {
        std::string r = "<newsim._core.Vectorizer ";
        if (v.fitted())
          r += "fitted: " + std::to_string(v.state().vocabulary.size()) + " terms, " +
               std::to_string(v.state().n_docs) + " documents>";
        else
          r += "not fitted>";
        return r;
      });
}

}  // namespace newsim::py_bindings
