#include <pybind11/stl.h>

#include <algorithm>
#include <limits>
#include <optional>
#include <string>

#include "common.hpp"
#include "newsim/analyzer.hpp"
#include "newsim/vectorizer.hpp"

namespace newsim::py_bindings {
namespace {

/// A value of the wrong type for an option: "<name> must be <what>, got <repr> (<type>)."
[[noreturn]] void wrong_type(std::string_view name, const std::string& what, py::handle value) {
  throw OptionTypeError(std::string(name), std::string(name) + " must be " + what + ", got " +
                                               std::string(py::repr(value)) + " (" +
                                               py::type::of(value).attr("__name__").cast<std::string>() + ").");
}

bool is_bool(py::handle v) {
  return py::isinstance<py::bool_>(v) || py::type::of(v).attr("__name__").cast<std::string>() == "bool_";
}

/// An int (not a bool, not a float) as int64, saturated beyond its range.
std::optional<std::int64_t> as_whole(py::handle v) {
  if (is_bool(v) || py::isinstance<py::float_>(v) || !PyIndex_Check(v.ptr())) return std::nullopt;
  const auto i = py::reinterpret_steal<py::int_>(PyNumber_Index(v.ptr()));
  if (!i) throw py::error_already_set();
  int overflow = 0;
  const long long x = PyLong_AsLongLongAndOverflow(i.ptr(), &overflow);
  if (overflow > 0) return std::numeric_limits<std::int64_t>::max();
  if (overflow < 0) return std::numeric_limits<std::int64_t>::min();
  return x;
}

/// An int option's value: its type here, its bounds by the core's rule (with the value as given).
std::int64_t whole(std::string_view name, py::handle v, Bounds bounds, bool nullable = false) {
  const std::string what = describe_bounds(bounds, true) + (nullable ? " or None" : "");
  const auto x = as_whole(v);
  if (!x) wrong_type(name, what, v);
  if (static_cast<double>(*x) < bounds.min || static_cast<double>(*x) > bounds.max)
    throw InvalidOptionError(std::string(name), std::string(name) + " must be " + what + ", got " +
                                                    std::string(py::repr(v)) + ".");
  return *x;
}

std::string text_of(std::string_view name, py::handle v) {
  if (!py::isinstance<py::str>(v)) wrong_type(name, "a str", v);
  return utf8_of(v);
}

std::vector<std::string> words_of(std::string_view name, py::handle v) {
  if (py::isinstance<py::str>(v) || py::isinstance<py::bytes>(v) || !py::isinstance<py::sequence>(v))
    wrong_type(name, "a list of str", v);
  std::vector<std::string> out;
  for (const py::handle item : v) {
    if (!py::isinstance<py::str>(item))
      wrong_type(std::string(name) + "[" + std::to_string(out.size()) + "]", "a str", item);
    out.push_back(utf8_of(item));
  }
  return out;
}

/// Keyword arguments into declared options: each key must name an option, each value must
/// have the option's type (a wrong type raises InvalidParameterError, a TypeError and a
/// ValueError, as scikit-learn's does). Value rules are the core's (validate()).
class FromKwargs final : public OptionVisitor {
 public:
  explicit FromKwargs(const py::kwargs& kwargs) : kwargs_(kwargs) {}

  void flag(std::string_view name, bool& value) override {
    if (const auto v = get(name)) {
      if (!is_bool(*v)) wrong_type(name, "a bool", *v);
      value = v->cast<bool>();
    }
  }
  void integer(std::string_view name, std::int64_t& value, Bounds bounds) override {
    if (const auto v = get(name)) value = whole(name, *v, bounds);
  }
  void optional_integer(std::string_view name, std::optional<std::int64_t>& value, Bounds bounds) override {
    if (const auto v = get(name)) {
      value.reset();
      if (!v->is_none()) value = whole(name, *v, bounds, true);
    }
  }
  void real(std::string_view name, double& value, Bounds) override {
    if (const auto v = get(name)) {
      if (is_bool(*v) || py::isinstance<py::str>(*v) || py::isinstance<py::bytes>(*v) ||
          !(PyFloat_Check(v->ptr()) || PyIndex_Check(v->ptr()) || py::hasattr(*v, "__float__")))
        wrong_type(name, "a real number", *v);
      value = py::float_(*v).cast<double>();
    }
  }
  void text(std::string_view name, std::string& value) override {
    if (const auto v = get(name)) value = text_of(name, *v);
  }
  void words(std::string_view name, std::vector<std::string>& value) override {
    if (const auto v = get(name)) value = words_of(name, *v);
  }
  void optional_words(std::string_view name, std::optional<std::vector<std::string>>& value) override {
    if (const auto v = get(name)) {
      value.reset();
      if (!v->is_none()) value = words_of(name, *v);
    }
  }
  void pair(std::string_view name, std::int64_t& low, std::int64_t& high, Bounds) override {
    if (const auto v = get(name)) {
      std::optional<std::int64_t> lo;
      std::optional<std::int64_t> hi;
      if (py::isinstance<py::tuple>(*v) && py::len(*v) == 2) {  // a tuple, as scikit-learn takes
        const auto seq = v->cast<py::sequence>();
        lo = as_whole(seq[0]);
        hi = as_whole(seq[1]);
      }
      if (!lo || !hi) wrong_type(name, "a tuple (min_n, max_n) of ints", *v);
      low = *lo;  // the pair's rule is the core's (validate()), with both values in its message
      high = *hi;
    }
  }
  void choice(std::string_view name, std::size_t& index, std::span<const std::string_view> names) override {
    if (const auto v = get(name)) {
      const std::string what = "one of " + quoted_list(names);
      if (!py::isinstance<py::str>(*v)) wrong_type(name, what, *v);
      const std::string s = utf8_of(*v);
      const auto it = std::find(names.begin(), names.end(), s);
      if (it == names.end())
        throw InvalidOptionError(std::string(name), std::string(name) + " must be " + what + ", got " +
                                                        std::string(py::repr(*v)) + ".");
      index = static_cast<std::size_t>(it - names.begin());
    }
  }

  /// Throws TypeError for a keyword that names no option.
  void check_all_used(const std::vector<std::string>& declared) const {
    for (const auto& [key, value] : kwargs_) {
      const auto k = key.cast<std::string>();
      if (std::find(declared.begin(), declared.end(), k) == declared.end()) {
        std::string list;
        for (const auto& d : declared) list += (list.empty() ? "" : ", ") + d;
        throw py::type_error("Vectorizer() got an unexpected option '" + k + "'; the options are: " + list);
      }
    }
  }

 private:
  std::optional<py::object> get(std::string_view name) const {
    const py::str key{std::string(name)};
    if (!kwargs_.contains(key)) return std::nullopt;
    return py::reinterpret_borrow<py::object>(kwargs_[key]);
  }
  const py::kwargs& kwargs_;
};

/// Declared options into a dict (name -> the value a keyword argument would take).
class ToDict final : public OptionVisitor {
 public:
  py::dict dict;
  std::vector<std::string> names;

  void flag(std::string_view name, bool& value) override { put(name, py::bool_(value)); }
  void integer(std::string_view name, std::int64_t& value, Bounds) override { put(name, py::int_(value)); }
  void optional_integer(std::string_view name, std::optional<std::int64_t>& value, Bounds) override {
    put(name, value ? py::object(py::int_(*value)) : py::object(py::none()));
  }
  void real(std::string_view name, double& value, Bounds) override { put(name, py::float_(value)); }
  void text(std::string_view name, std::string& value) override { put(name, py::str(value)); }
  void words(std::string_view name, std::vector<std::string>& value) override { put(name, py::cast(value)); }
  void optional_words(std::string_view name, std::optional<std::vector<std::string>>& value) override {
    put(name, value ? py::cast(*value) : py::object(py::none()));
  }
  void pair(std::string_view name, std::int64_t& low, std::int64_t& high, Bounds) override {
    put(name, py::make_tuple(low, high));
  }
  void choice(std::string_view name, std::size_t& index, std::span<const std::string_view> names_) override {
    put(name, py::str(std::string(names_[index])));
  }

 private:
  void put(std::string_view name, py::object value) {
    names.emplace_back(name);
    dict[py::str(std::string(name))] = std::move(value);
  }
};

Vectorizer make_vectorizer(const py::kwargs& kwargs) {
  VectorizerOptions o;
  FromKwargs from(kwargs);
  o.declare(from);
  ToDict declared;
  VectorizerOptions().declare(declared);
  from.check_all_used(declared.names);
  return Vectorizer(std::move(o));
}

py::dict options_dict(VectorizerOptions options) {
  ToDict d;
  options.declare(d);
  return d.dict;
}

PyDocuments collect(py::handle documents, bool analyzed, std::size_t first = 0) {
  return analyzed ? collect_analyzed(documents, first) : collect_texts(documents, first);
}

}  // namespace

void register_vectorizer(py::module_& m) {
  m.def(
      "option_defaults", [] { return options_dict(VectorizerOptions{}); },
      "Every option of Vectorizer() with its default value, in declaration order.");

  py::class_<Vectorizer>(m, "Vectorizer", "The C++ TF-IDF vectorizer (use newsim.TfidfVectorizer).")
      .def(py::init(&make_vectorizer),
           "Options as keyword arguments (see option_defaults(); each is declared once, in the core).")
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
            if (v.needs_fit()) (void)v.snapshot();  // NotFittedError before touching the documents
            const PyDocuments docs = collect(documents, analyzed);
            CsrAny m = run_released(docs.view().size(), n_jobs, progress,
                                    [&](const RunContext& ctx) { return v.transform(docs.view(), ctx); });
            return csr_to_python(std::move(m));
          },
          py::arg("documents"), py::kw_only(), py::arg("n_jobs") = 1, py::arg("analyzed") = false,
          py::arg("progress") = py::none())
      .def(
          "count_raw",
          [](const Vectorizer& v, py::handle documents, long long n_jobs, bool analyzed,
             const py::object& progress) {
            const PyDocuments docs = collect(documents, analyzed);
            RawCounts r = run_released(docs.view().size(), n_jobs, progress,
                                       [&](const RunContext& ctx) { return v.count_raw(docs.view(), ctx); });
            py::dict out;
            out["term_keys"] = to_numpy(std::move(r.term_keys));
            out["candidate_keys"] = to_numpy(std::move(r.candidate_keys));
            out["candidate_offsets"] = to_numpy(std::move(r.candidate_offsets));
            out["candidate_bytes"] =
                to_numpy(std::vector<std::uint8_t>(r.candidate_bytes.begin(), r.candidate_bytes.end()));
            out["term_ptr"] = to_numpy(std::move(r.term_ptr));
            out["term_ids"] = to_numpy(std::move(r.term_ids));
            out["term_counts"] = to_numpy(std::move(r.term_counts));
            out["candidate_ptr"] = to_numpy(std::move(r.candidate_ptr));
            out["candidate_ids"] = to_numpy(std::move(r.candidate_ids));
            out["candidate_counts"] = to_numpy(std::move(r.candidate_counts));
            out["doc_len"] = to_numpy(std::move(r.doc_len));
            return out;
          },
          py::arg("documents"), py::kw_only(), py::arg("n_jobs") = 1, py::arg("analyzed") = false,
          py::arg("progress") = py::none(),
          "Each document's term counts before vocabulary and weighting, keyed by term (a dict of arrays).")
      .def(
          "split_keys",
          [](const Vectorizer& v, const py::object& offsets, const py::object& bytes, long long n_jobs) {
            if (v.needs_fit()) (void)v.snapshot();
            const auto off = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>::ensure(offsets);
            const auto data = py::array_t<std::uint8_t, py::array::c_style | py::array::forcecast>::ensure(bytes);
            if (!off || off.ndim() != 1 || !data || data.ndim() != 1)
              throw py::value_error("candidate_offsets and candidate_bytes must be 1-D arrays");
            const std::span<const std::int64_t> o(off.data(), static_cast<std::size_t>(off.size()));
            const std::string_view b(reinterpret_cast<const char*>(data.data()), static_cast<std::size_t>(data.size()));
            std::vector<std::uint64_t> keys = run_released(o.size(), n_jobs, py::none(), [&](const RunContext& ctx) {
              return v.split_keys(o, b, ctx);
            });
            return to_numpy(std::move(keys));
          },
          py::arg("candidate_offsets"), py::arg("candidate_bytes"), py::kw_only(), py::arg("n_jobs") = 1,
          "Per compound candidate, a key of the parts it is split into now (0: none counts).")
      .def(
          "vocabulary_keys",
          [](const Vectorizer& v) {
            const auto st = v.snapshot();
            std::vector<std::uint64_t> keys(st->vocabulary.size());
            for (std::size_t c = 0; c < keys.size(); ++c) keys[c] = raw_term_key(st->vocabulary.term(c));
            return to_numpy(std::move(keys));
          },
          "The key of each column's term, as count_raw keys terms (uint64, column order).")
      .def_static(
          "raw_term_key", [](py::handle term) { return raw_term_key(utf8_of(term)); }, py::arg("term"),
          "The key count_raw keeps a term by (a 64-bit hash of its UTF-8 bytes, fixed for good).")
      .def(
          "transform_raw",
          [](const Vectorizer& v, const py::dict& raw, long long n_jobs) {
            if (v.needs_fit()) (void)v.snapshot();  // NotFittedError first
            auto get = [&]<class T>(const char* name, T) {
              if (!raw.contains(name)) throw py::value_error(std::string("raw counts lack '") + name + "'");
              auto a = py::array_t<T, py::array::c_style | py::array::forcecast>::ensure(raw[name]);
              if (!a || a.ndim() != 1) throw py::value_error(std::string(name) + " must be a 1-D array");
              return a;
            };
            const auto keys = get("term_keys", std::uint64_t{});
            const auto c_off = get("candidate_offsets", std::int64_t{});
            const auto c_bytes = get("candidate_bytes", std::uint8_t{});
            const auto t_ptr = get("term_ptr", std::int64_t{});
            const auto t_ids = get("term_ids", std::uint32_t{});
            const auto t_cnt = get("term_counts", std::uint32_t{});
            const auto c_ptr = get("candidate_ptr", std::int64_t{});
            const auto c_ids = get("candidate_ids", std::uint32_t{});
            const auto c_cnt = get("candidate_counts", std::uint32_t{});
            const auto len = get("doc_len", std::uint32_t{});
            py::array_t<std::int64_t, py::array::c_style | py::array::forcecast> cols;
            if (raw.contains("term_columns")) cols = get("term_columns", std::int64_t{});
            auto span = [](const auto& a) { return std::span(a.data(), static_cast<std::size_t>(a.size())); };
            const RawCountsView view{
                span(keys),
                span(c_off),
                std::string_view(reinterpret_cast<const char*>(c_bytes.data()), static_cast<std::size_t>(c_bytes.size())),
                span(t_ptr),
                span(t_ids),
                span(t_cnt),
                span(c_ptr),
                span(c_ids),
                span(c_cnt),
                span(len),
                cols ? span(cols) : std::span<const std::int64_t>{}};
            CsrAny m = run_released(view.doc_len.size(), n_jobs, py::none(),
                                    [&](const RunContext& ctx) { return v.transform_raw(view, ctx); });
            return csr_to_python(std::move(m));
          },
          py::arg("raw"), py::kw_only(), py::arg("n_jobs") = 1,
          "The rows transform gives for documents of these raw counts, under the current fit.")
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
      // Writers and what takes their lock wait for it with the GIL released: a writer running
      // on another thread polls for Ctrl-C with the GIL.
      .def("finalize", &Vectorizer::finalize, py::call_guard<py::gil_scoped_release>(),
           "Prunes and weights the statistics gathered so far (a no-op when current).")
      .def("merge", &Vectorizer::merge, py::arg("other"), py::call_guard<py::gil_scoped_release>(),
           "A new vectorizer with the statistics of both (not finalized).")
      .def("discard_stats", &Vectorizer::discard_stats, py::call_guard<py::gil_scoped_release>(),
           "Finalize, then free the corpus statistics (partial_fit and merge then fail).")
      .def_property_readonly("has_stats",
                             [](const Vectorizer& v) {
                               const py::gil_scoped_release nogil;
                               return v.has_stats();
                             })
      .def_property_readonly("fitted", &Vectorizer::fitted)
      .def_property_readonly("finalized", &Vectorizer::finalized)
      .def_property_readonly("state_generation", &Vectorizer::state_generation)
      .def_property_readonly(
          "vocabulary_issues",
          [](const Vectorizer& v) {
            std::vector<std::pair<std::size_t, std::string>> out;
            for (const auto& issue : v.vocabulary_issues()) out.emplace_back(issue.column, issue.message);
            return out;
          },
          "The fixed vocabulary's entries that can never be counted (normalize_vocabulary): "
          "(column, message) pairs.")
      .def_property_readonly("vocabulary", &Vectorizer::feature_names)
      .def_property_readonly("idf",
                             [](const Vectorizer& v) {
                               std::vector<double> idf = v.snapshot()->idf;
                               return to_numpy(std::move(idf));
                             })
      .def_property_readonly("df",
                             [](const Vectorizer& v) {
                               std::vector<std::int64_t> df = v.snapshot()->df;
                               return to_numpy(std::move(df));
                             })
      .def_property_readonly("n_docs", [](const Vectorizer& v) { return v.snapshot()->n_docs; })
      .def("options", [](const Vectorizer& v) { return options_dict(v.options()); })
      .def_property(
          "metadata",
          [](const Vectorizer& v) {
            std::string m;
            {
              const py::gil_scoped_release nogil;
              m = v.metadata();
            }
            return m;
          },
          [](Vectorizer& v, std::string m) {
            const py::gil_scoped_release nogil;
            v.set_metadata(std::move(m));
          })
      .def(
          "analyze",
          [](const Vectorizer& v, py::handle text) { return v.analyze(utf8_of(text)); },
          py::arg("text"), "The terms of one document as fit and transform count them.")
      .def(
          "compound_parts",
          [](const Vectorizer& v, py::handle word) { return v.compound_parts(utf8_of(word)); },
          py::arg("word"), "The terms of the parts decompounding splits a word into.")
      .def("to_bytes",
           [](const Vectorizer& v) {
             std::string bytes;
             {
               const py::gil_scoped_release nogil;
               bytes = v.to_bytes();
             }
             return py::bytes(bytes);
           })
      .def_static(
          "from_bytes",
          [](const py::bytes& data) {
            const std::string_view view = data;
            return Vectorizer::from_bytes(view);
          },
          py::arg("data"))
      .def("__repr__", [](const Vectorizer& v) {
        std::string r = "<newsim._core.Vectorizer ";
        if (const auto st = v.fitted() ? v.snapshot() : nullptr)
          r += "fitted: " + std::to_string(st->vocabulary.size()) + " terms, " + std::to_string(st->n_docs) +
               " documents>";
        else
          r += "not fitted>";
        return r;
      });
}

}  // namespace newsim::py_bindings
