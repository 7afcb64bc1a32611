#include <pybind11/stl.h>

#include <string>

#include "common.hpp"
#include "newsim/options.hpp"
#include "newsim/similarity.hpp"

namespace newsim::py_bindings {
namespace {

/// Views scipy's CSR arrays (already contiguous, checked dtypes) as a CsrInput.
struct CsrArrays {
  py::array data, indices, indptr;
  CsrInput input;
};

CsrArrays csr_arrays(const py::array& data, const py::array& indices, const py::array& indptr,
                     std::pair<std::size_t, std::size_t> shape, const char* name) {
  auto check = [&](const py::array& a, const char* what, bool floating) {
    if (a.ndim() != 1 || !(a.flags() & py::array::c_style))
      throw py::type_error(std::string(name) + "." + what + " must be a contiguous 1-D array");
    const char kind = a.dtype().kind();
    const auto size = a.dtype().itemsize();
    if (floating ? !(kind == 'f' && (size == 4 || size == 8))
                 : !(kind == 'i' && (size == 4 || size == 8)))
      throw py::type_error(std::string(name) + "." + what + " has dtype " +
                           std::string(py::str(a.dtype())) +
                           (floating ? ", expected float32 or float64" : ", expected int32 or int64"));
  };
  check(data, "data", true);
  check(indices, "indices", false);
  check(indptr, "indptr", false);
  if (static_cast<std::size_t>(indptr.size()) != shape.first + 1)
    throw py::value_error(std::string(name) + ".indptr has " + std::to_string(indptr.size()) +
                          " entries, expected rows + 1 = " + std::to_string(shape.first + 1));
  if (data.size() != indices.size())
    throw py::value_error(std::string(name) + ".data and .indices differ in length");
  if (shape.first > 0) {
    const std::int64_t last = indptr.dtype().itemsize() == 8
                                  ? static_cast<const std::int64_t*>(indptr.data())[shape.first]
                                  : static_cast<const std::int32_t*>(indptr.data())[shape.first];
    if (last != static_cast<std::int64_t>(indices.size()))
      throw py::value_error(std::string(name) + ".indptr does not end at the number of stored values");
  }
  CsrArrays c{data, indices, indptr, {}};
  c.input = CsrInput{shape.first,     shape.second, indptr.data(), indptr.dtype().itemsize() == 8,
                     indices.data(),  indices.dtype().itemsize() == 8,
                     data.data(),     data.dtype().itemsize() == 8};
  return c;
}

/// A method argument: a str the core knows (the core names the methods otherwise).
SimilarityMethod parse_method(py::handle method) {
  if (!py::isinstance<py::str>(method))
    throw py::value_error("method must be one of " + quoted_list(kSimilarityMethods) + ", got " +
                          std::string(py::repr(method)));
  return parse_similarity_method(method.cast<std::string>());
}

std::string kernel_name(const WorkEstimate& w) {
  return std::string(kSimilarityKernels.at(static_cast<std::size_t>(w.kernel)));
}

using IdArray = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;
using ScoreArray = py::array_t<float, py::array::c_style | py::array::forcecast>;

/// (columns, values) arrays of an explanation.
py::tuple contributions_to_python(const std::vector<Contribution>& contributions) {
  std::vector<std::int64_t> cols;
  std::vector<double> vals;
  cols.reserve(contributions.size());
  vals.reserve(contributions.size());
  for (const auto& c : contributions) {
    cols.push_back(c.column);
    vals.push_back(c.value);
  }
  return py::make_tuple(to_numpy(std::move(cols)), to_numpy(std::move(vals)));
}

py::tuple top_k_to_python(TopK&& t) {
  const std::size_t rows = t.rows, k = t.k;
  return py::make_tuple(to_numpy_2d(std::move(t.ids), rows, k), to_numpy_2d(std::move(t.scores), rows, k));
}

/// Strings from Python (any iterable of str) as one UTF-8 buffer; `name` names the argument.
struct StringsIn {
  std::vector<std::uint64_t> offsets{0};
  std::string bytes;
  [[nodiscard]] StringList view() const noexcept { return {offsets, bytes}; }
};

StringsIn strings_from_python(const py::handle& items, const char* name, const char* hint) {
  StringsIn in;
  std::size_t r = 0;
  for (const py::handle item : items) {
    if (!py::isinstance<py::str>(item))
      throw py::type_error(std::string(name) + "[" + std::to_string(r) + "] is " +
                           std::string(py::str(py::type::of(item).attr("__name__"))) + hint);
    Py_ssize_t n = 0;
    const char* utf8 = PyUnicode_AsUTF8AndSize(item.ptr(), &n);
    if (utf8 == nullptr) throw py::error_already_set();
    in.bytes.append(utf8, static_cast<std::size_t>(n));
    in.offsets.push_back(in.bytes.size());
    ++r;
  }
  return in;
}

/// An index's labels from Python: ids (None, an integer array, or a sequence of str) and the
/// columns' terms (None or a sequence of str); the arrays they view live in this object.
struct LabelsIn {
  py::object keep;
  StringsIn ids, terms, source_names;
  std::string model;
  std::string archive;
  py::array_t<std::int64_t, py::array::c_style | py::array::forcecast> dates;
  py::array_t<std::int32_t, py::array::c_style | py::array::forcecast> source_codes;
  IndexLabels labels;
};

/// The articles' dates and sources from Python (see SimilarityIndex.save's arguments).
struct MetaArgs {
  py::object dates = py::none();
  bool dates_aware = false;
  py::object source_codes = py::none();
  py::object source_names = py::none();
};

LabelsIn labels_from_python(const py::object& ids, const py::object& feature_names, const py::object& model,
                            const py::object& archive, const MetaArgs& meta) {
  LabelsIn in;
  if (!meta.dates.is_none()) {
    in.dates = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>::ensure(meta.dates);
    if (!in.dates || in.dates.ndim() != 1) throw py::value_error("dates must be a 1-D array of int64");
    in.labels.has_dates = true;
    in.labels.dates_aware = meta.dates_aware;
    in.labels.dates = {in.dates.data(), static_cast<std::size_t>(in.dates.size())};
  }
  if (!meta.source_codes.is_none()) {
    in.source_codes = py::array_t<std::int32_t, py::array::c_style | py::array::forcecast>::ensure(meta.source_codes);
    if (!in.source_codes || in.source_codes.ndim() != 1)
      throw py::value_error("source_codes must be a 1-D array of int32");
    in.source_names = strings_from_python(meta.source_names.is_none() ? py::list() : meta.source_names,
                                          "source_names", ", expected str");
    in.labels.has_sources = true;
    in.labels.source_codes = {in.source_codes.data(), static_cast<std::size_t>(in.source_codes.size())};
    in.labels.source_names = in.source_names.view();
  }
  if (!model.is_none()) {
    in.model = model.cast<std::string>();  // bytes
    in.labels.has_model = true;
    in.labels.model = in.model;
  }
  if (!archive.is_none()) {
    in.archive = archive.cast<std::string>();  // bytes
    in.labels.has_archive = true;
    in.labels.archive = in.archive;
  }
  if (!ids.is_none() && py::isinstance<py::array>(ids) && py::array(ids).dtype().kind() == 'i') {
    auto a = IdArray::ensure(ids);
    if (!a || a.ndim() != 1) throw py::value_error("ids must be one-dimensional");
    in.keep = a;
    in.labels.ids = IndexLabels::Ids::integers;
    in.labels.integer_ids = {a.data(), static_cast<std::size_t>(a.size())};
  } else if (!ids.is_none()) {
    in.ids = strings_from_python(ids, "ids", ": the ids are all integers or all strings");
    in.labels.ids = IndexLabels::Ids::strings;
    in.labels.string_ids = in.ids.view();
  }
  if (!feature_names.is_none()) {
    in.terms = strings_from_python(feature_names, "feature_names", ", expected str");
    in.labels.has_terms = true;
    in.labels.terms = in.terms.view();
  }
  return in;
}

/// Removal flags from Python (None, or a 1-D array of 0/1), viewed for the core.
struct Flags {
  py::array_t<std::uint8_t, py::array::c_style | py::array::forcecast> array;
  std::span<const std::uint8_t> view;
};

Flags flags_from_python(const py::object& removed) {
  Flags f;
  if (removed.is_none()) return f;
  f.array = py::array_t<std::uint8_t, py::array::c_style | py::array::forcecast>::ensure(removed);
  if (!f.array || f.array.ndim() != 1) throw py::value_error("removed must be a 1-D array of flags");
  f.view = {f.array.data(), static_cast<std::size_t>(f.array.size())};
  return f;
}

/// Read-only `a`.
py::object frozen(py::array a) {
  py::detail::array_proxy(a.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return a;
}

/// An object array of the strings.
py::object strings_to_python(const StringList& list) {
  const std::size_t n = list.size();
  py::array out(py::dtype("O"), std::vector<py::ssize_t>{static_cast<py::ssize_t>(n)});
  auto** cells = static_cast<PyObject**>(out.mutable_data());
  for (std::size_t r = 0; r < n; ++r) {
    const std::string_view s = list[r];
    PyObject* str = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "strict");
    if (str == nullptr) throw py::error_already_set();
    Py_XDECREF(cells[r]);
    cells[r] = str;
  }
  return frozen(out);
}

/// The ids a loaded index stores: None, a read-only int64 array over the index's memory, or a
/// read-only object array of str.
py::object ids_to_python(const py::object& self) {
  const IndexLabels labels = self.cast<const SimilarityIndex&>().labels();
  switch (labels.ids) {
    case IndexLabels::Ids::rows: return py::none();
    case IndexLabels::Ids::integers:
      return frozen(py::array_t<std::int64_t>({static_cast<py::ssize_t>(labels.integer_ids.size())},
                                              {sizeof(std::int64_t)}, labels.integer_ids.data(), self));
    case IndexLabels::Ids::strings: return strings_to_python(labels.string_ids);
  }
  return py::none();
}

}  // namespace

namespace {

/// A 1-D array of T viewed for the core (`name` in the error), kept alive in `keep`.
template <class T>
std::span<const T> array_view(const py::object& value, py::array_t<T, py::array::c_style | py::array::forcecast>& keep,
                              const char* name) {
  if (value.is_none()) return {};
  keep = py::array_t<T, py::array::c_style | py::array::forcecast>::ensure(value);
  if (!keep || keep.ndim() != 1) throw py::value_error(std::string(name) + " must be a 1-D array");
  return {keep.data(), static_cast<std::size_t>(keep.size())};
}

}  // namespace

Filter filter_from_python(const py::object& dates, const py::object& window, const py::object& sources,
                          bool exclude_same_source, const py::object& query_dates,
                          const py::object& query_sources) {
  Filter f;
  f.view.dates = array_view(dates, f.dates, "dates");
  f.view.sources = array_view(sources, f.sources, "sources");
  f.view.query_dates = array_view(query_dates, f.query_dates, "query_dates");
  f.view.query_sources = array_view(query_sources, f.query_sources, "query_sources");
  if (!window.is_none()) f.view.window = window.cast<std::int64_t>();
  f.view.exclude_same_source = exclude_same_source;
  return f;
}

void register_similarity(py::module_& m) {
  m.def(
      "check_similarity_method",
      [](py::handle method) {
        (void)parse_method(method);
        return method.cast<std::string>();
      },
      py::arg("method"), "The method's name if the core knows it; ValueError naming the methods otherwise.");
  py::class_<WorkEstimate>(m, "WorkEstimate", "What a similarity call will do (for progress bars).")
      .def_property_readonly("kernel", &kernel_name)
      .def_readonly("items", &WorkEstimate::items)
      .def_readonly("units", &WorkEstimate::units)
      .def_readonly("seconds", &WorkEstimate::seconds)
      .def("__repr__", [](const WorkEstimate& w) {
        return std::string("<newsim._core.WorkEstimate ") + kernel_name(w) + ", " + std::to_string(w.items) +
               " items, " + std::to_string(w.seconds) + " s>";
      });

  py::class_<SimilarityIndex>(m, "SimilarityIndex", "The C++ similarity index (use newsim.SimilarityIndex).")
      .def(py::init([](const py::array& data, const py::array& indices, const py::array& indptr,
                       std::pair<std::size_t, std::size_t> shape) {
             const CsrArrays c = csr_arrays(data, indices, indptr, shape, "X");
             py::gil_scoped_release nogil;
             return SimilarityIndex(c.input);
           }),
           py::arg("data"), py::arg("indices"), py::arg("indptr"), py::arg("shape"))
      .def_property_readonly("rows", &SimilarityIndex::rows)
      .def_property_readonly("cols", &SimilarityIndex::cols)
      .def_property_readonly("nnz", &SimilarityIndex::nnz)
      .def_property_readonly("nbytes", &SimilarityIndex::nbytes)
      .def_property_readonly("normalized", &SimilarityIndex::normalized)
      .def(
          "top_k_work",
          [](const SimilarityIndex& x, std::size_t k, py::handle method) {
            return x.top_k_work(k, parse_method(method));
          },
          py::arg("k"), py::kw_only(), py::arg("method") = "auto")
      .def(
          "pairs_work",
          [](const SimilarityIndex& x, py::handle method) { return x.pairs_work(parse_method(method)); },
          py::kw_only(), py::arg("method") = "auto")
      .def(
          "query_work",
          [](const SimilarityIndex& x, const py::array& data, const py::array& indices, const py::array& indptr,
             std::pair<std::size_t, std::size_t> shape, py::handle method) {
            const CsrArrays c = csr_arrays(data, indices, indptr, shape, "Q");
            return x.query_work(c.input, parse_method(method));
          },
          py::arg("data"), py::arg("indices"), py::arg("indptr"), py::arg("shape"), py::kw_only(),
          py::arg("method") = "auto")
      .def(
          "top_k",
          [](const SimilarityIndex& x, std::size_t k, py::handle method, long long n_jobs,
             const py::object& progress, const py::object& dates, const py::object& window,
             const py::object& sources, bool exclude_same_source) {
            const SimilarityMethod mth = parse_method(method);
            const Filter f = filter_from_python(dates, window, sources, exclude_same_source);
            return top_k_to_python(run_released(x.rows(), n_jobs, progress, [&](const RunContext& ctx) {
              return x.top_k(k, mth, ctx, f.view);
            }));
          },
          py::arg("k"), py::kw_only(), py::arg("method") = "auto", py::arg("n_jobs") = 1,
          py::arg("progress") = py::none(), py::arg("dates") = py::none(), py::arg("window") = py::none(),
          py::arg("sources") = py::none(), py::arg("exclude_same_source") = false,
          "Each row's k best other rows; with window (and dates, int64 ns) only rows at most that far "
          "apart, with exclude_same_source (and sources, int32 codes, -1 unknown) none of the same source.")
      .def(
          "query",
          [](const SimilarityIndex& x, const py::array& data, const py::array& indices,
             const py::array& indptr, std::pair<std::size_t, std::size_t> shape, std::size_t k,
             py::handle method, long long n_jobs, const py::object& progress, const py::object& removed,
             const py::object& dates, const py::object& window, const py::object& sources, bool exclude_same_source,
             const py::object& query_dates, const py::object& query_sources) {
            const CsrArrays c = csr_arrays(data, indices, indptr, shape, "Q");
            const SimilarityMethod mth = parse_method(method);
            const Flags flags = flags_from_python(removed);
            const Filter f =
                filter_from_python(dates, window, sources, exclude_same_source, query_dates, query_sources);
            return top_k_to_python(run_released(shape.first, n_jobs, progress, [&](const RunContext& ctx) {
              return x.query(c.input, k, mth, ctx, flags.view, f.view);
            }));
          },
          py::arg("data"), py::arg("indices"), py::arg("indptr"), py::arg("shape"), py::arg("k"),
          py::kw_only(), py::arg("method") = "auto", py::arg("n_jobs") = 1, py::arg("progress") = py::none(),
          py::arg("removed") = py::none(), py::arg("dates") = py::none(), py::arg("window") = py::none(),
          py::arg("sources") = py::none(), py::arg("exclude_same_source") = false,
          py::arg("query_dates") = py::none(), py::arg("query_sources") = py::none())
      .def(
          "merged",
          [](const SimilarityIndex& x, const SimilarityIndex* delta, const py::object& removed) {
            const Flags flags = flags_from_python(removed);
            py::gil_scoped_release nogil;
            return x.merged(delta, flags.view);
          },
          py::arg("delta") = nullptr, py::kw_only(), py::arg("removed") = py::none(),
          "A new index over these rows, then delta's, without the flagged ones.")
      .def(
          "rows_with_columns",
          [](const SimilarityIndex& x, const py::object& columns) {
            const auto a = IdArray::ensure(columns);
            if (!a || a.ndim() != 1) throw py::value_error("columns must be a 1-D array of column numbers");
            std::vector<std::int64_t> rows;
            {
              const std::span<const std::int64_t> view(a.data(), static_cast<std::size_t>(a.size()));
              py::gil_scoped_release nogil;
              rows = x.rows_with_columns(view);
            }
            return to_numpy(std::move(rows));
          },
          py::arg("columns"), "The rows with an entry in any of the columns (int64, increasing).")
      .def(
          "csr_rows",
          [](const py::object& self) {
            const SimilarityIndex::Rows r = self.cast<const SimilarityIndex&>().csr_rows();
            const auto view = [&](const auto& span) {
              using T = typename std::decay_t<decltype(span)>::value_type;
              return frozen(py::array_t<T>({static_cast<py::ssize_t>(span.size())}, {sizeof(T)}, span.data(), self));
            };
            return py::make_tuple(view(r.weights), view(r.columns), view(r.offsets));
          },
          "The rows as read-only CSR arrays (data, indices, indptr) over the index's memory.")
      .def(
          "pairs",
          [](const SimilarityIndex& x, double threshold, py::handle method, long long n_jobs,
             const py::object& progress, const py::object& dates, const py::object& window,
             const py::object& sources, bool exclude_same_source) {
            const SimilarityMethod mth = parse_method(method);
            const Filter f = filter_from_python(dates, window, sources, exclude_same_source);
            Pairs p = run_released(x.rows(), n_jobs, progress,
                                   [&](const RunContext& ctx) { return x.pairs(threshold, mth, ctx, f.view); });
            return py::make_tuple(to_numpy(std::move(p.i)), to_numpy(std::move(p.j)), to_numpy(std::move(p.score)));
          },
          py::arg("threshold"), py::kw_only(), py::arg("method") = "auto", py::arg("n_jobs") = 1,
          py::arg("progress") = py::none(), py::arg("dates") = py::none(), py::arg("window") = py::none(),
          py::arg("sources") = py::none(), py::arg("exclude_same_source") = false,
          "All pairs i < j with score >= threshold; dates, window, sources, exclude_same_source as in top_k.")
      .def(
          "query_pairs",
          [](const SimilarityIndex& x, const py::array& data, const py::array& indices, const py::array& indptr,
             std::pair<std::size_t, std::size_t> shape, double threshold, py::handle method, long long n_jobs,
             const py::object& progress, const py::object& removed, const py::object& dates,
             const py::object& window, const py::object& sources, bool exclude_same_source,
             const py::object& query_dates, const py::object& query_sources) {
            const CsrArrays c = csr_arrays(data, indices, indptr, shape, "Q");
            const SimilarityMethod mth = parse_method(method);
            const Flags flags = flags_from_python(removed);
            const Filter f =
                filter_from_python(dates, window, sources, exclude_same_source, query_dates, query_sources);
            Pairs p = run_released(shape.first, n_jobs, progress, [&](const RunContext& ctx) {
              return x.query_pairs(c.input, threshold, mth, ctx, flags.view, f.view);
            });
            return py::make_tuple(to_numpy(std::move(p.i)), to_numpy(std::move(p.j)), to_numpy(std::move(p.score)));
          },
          py::arg("data"), py::arg("indices"), py::arg("indptr"), py::arg("shape"), py::arg("threshold"),
          py::kw_only(), py::arg("method") = "auto", py::arg("n_jobs") = 1, py::arg("progress") = py::none(),
          py::arg("removed") = py::none(), py::arg("dates") = py::none(), py::arg("window") = py::none(),
          py::arg("sources") = py::none(), py::arg("exclude_same_source") = false,
          py::arg("query_dates") = py::none(), py::arg("query_sources") = py::none())
      .def(
          "explain",
          [](const SimilarityIndex& x, std::size_t a, std::size_t b) { return contributions_to_python(x.explain(a, b)); },
          py::arg("a"), py::arg("b"))
      .def(
          "save",
          [](const SimilarityIndex& x, const std::string& path, const py::object& ids, const py::object& terms,
             const py::object& model, const py::object& archive, const py::object& dates, bool dates_aware,
             const py::object& source_codes, const py::object& source_names) {
            const LabelsIn in =
                labels_from_python(ids, terms, model, archive, {dates, dates_aware, source_codes, source_names});
            py::gil_scoped_release nogil;
            x.save(path, in.labels);
          },
          py::arg("path"), py::kw_only(), py::arg("ids") = py::none(), py::arg("feature_names") = py::none(),
          py::arg("model") = py::none(), py::arg("archive") = py::none(), py::arg("dates") = py::none(),
          py::arg("dates_aware") = false, py::arg("source_codes") = py::none(), py::arg("source_names") = py::none(),
          "Writes the index and its ids to path atomically (a temporary file renamed over it).")
      .def(
          "to_bytes",
          [](const SimilarityIndex& x, const py::object& ids, const py::object& terms, const py::object& model,
             const py::object& archive, const py::object& dates, bool dates_aware, const py::object& source_codes,
             const py::object& source_names) {
            const LabelsIn in =
                labels_from_python(ids, terms, model, archive, {dates, dates_aware, source_codes, source_names});
            std::string bytes;
            {
              py::gil_scoped_release nogil;
              bytes = x.to_bytes(in.labels);
            }
            return py::bytes(bytes);
          },
          py::kw_only(), py::arg("ids") = py::none(), py::arg("feature_names") = py::none(),
          py::arg("model") = py::none(), py::arg("archive") = py::none(), py::arg("dates") = py::none(),
          py::arg("dates_aware") = false, py::arg("source_codes") = py::none(), py::arg("source_names") = py::none(),
          "The index file's bytes.")
      .def_static(
          "load",
          [](const std::string& path, bool mmap) {
            py::gil_scoped_release nogil;
            return SimilarityIndex::load(path, mmap);
          },
          py::arg("path"), py::kw_only(), py::arg("mmap") = true, "The index of an index file.")
      .def_static(
          "from_bytes",
          [](const py::bytes& data) {
            const std::string_view view(data);
            py::gil_scoped_release nogil;
            return SimilarityIndex::from_bytes(view);
          },
          py::arg("data"), "The index of an index file's bytes.")
      .def_property_readonly("ids", &ids_to_python, "The ids stored in the file the index was loaded from, or None.")
      .def_property_readonly(
          "dates",
          [](const py::object& self) -> py::object {
            const IndexLabels labels = self.cast<const SimilarityIndex&>().labels();
            if (!labels.has_dates) return py::none();
            return frozen(py::array_t<std::int64_t>({static_cast<py::ssize_t>(labels.dates.size())},
                                                    {static_cast<py::ssize_t>(sizeof(std::int64_t))},
                                                    labels.dates.data(), self));
          },
          "The dates (int64 ns) stored in the file the index was loaded from (a read-only view), or None.")
      .def_property_readonly(
          "dates_aware", [](const SimilarityIndex& x) { return x.labels().dates_aware; },
          "Whether the stored dates were time-zone aware (UTC).")
      .def_property_readonly(
          "source_codes",
          [](const py::object& self) -> py::object {
            const IndexLabels labels = self.cast<const SimilarityIndex&>().labels();
            if (!labels.has_sources) return py::none();
            return frozen(py::array_t<std::int32_t>({static_cast<py::ssize_t>(labels.source_codes.size())},
                                                    {static_cast<py::ssize_t>(sizeof(std::int32_t))},
                                                    labels.source_codes.data(), self));
          },
          "Each article's source code stored in the file (a read-only view; -1 unknown), or None.")
      .def_property_readonly(
          "source_names",
          [](const SimilarityIndex& x) -> py::object {
            const IndexLabels labels = x.labels();
            return labels.has_sources ? strings_to_python(labels.source_names) : py::none();
          },
          "The distinct sources' names stored in the file, by code, or None.")
      .def_property_readonly(
          "feature_names",
          [](const SimilarityIndex& x) -> py::object {
            const IndexLabels labels = x.labels();
            return labels.has_terms ? strings_to_python(labels.terms) : py::none();
          },
          "The columns' terms stored in the file the index was loaded from, or None.")
      .def_property_readonly(
          "model",
          [](const SimilarityIndex& x) -> py::object {
            const IndexLabels labels = x.labels();
            return labels.has_model ? py::object(py::bytes(labels.model.data(), labels.model.size())) : py::none();
          },
          "The vectorizer's model file stored in the file the index was loaded from (bytes), or None.")
      .def_property_readonly(
          "archive",
          [](const SimilarityIndex& x) -> py::object {
            const IndexLabels labels = x.labels();
            return labels.has_archive ? py::object(py::bytes(labels.archive.data(), labels.archive.size()))
                                      : py::none();
          },
          "An archive's own data stored in the file the index was loaded from (bytes), or None.")
      .def_property_readonly("mapped", &SimilarityIndex::mapped)
      .def("__repr__", [](const SimilarityIndex& x) {
        return "<newsim._core.SimilarityIndex " + std::to_string(x.rows()) + " x " + std::to_string(x.cols()) +
               ", " + std::to_string(x.nnz()) + " stored values>";
      });

  m.def(
      "top_entries",
      [](const py::array& data, const py::array& indices, const py::array& indptr,
         std::pair<std::size_t, std::size_t> shape, std::size_t top) {
        const CsrArrays c = csr_arrays(data, indices, indptr, shape, "X");
        TopK t;
        {
          py::gil_scoped_release nogil;
          t = top_entries(c.input, top);
        }
        return top_k_to_python(std::move(t));
      },
      py::arg("data"), py::arg("indices"), py::arg("indptr"), py::arg("shape"), py::arg("top"),
      "The `top` largest entries of each row: (columns, values), padded with -1 and 0.");

  m.def(
      "explain_rows",
      [](const py::array& data, const py::array& indices, const py::array& indptr,
         std::pair<std::size_t, std::size_t> shape, std::size_t a, std::size_t b) {
        const CsrArrays c = csr_arrays(data, indices, indptr, shape, "X");
        return contributions_to_python(explain_rows(c.input, a, b));
      },
      py::arg("data"), py::arg("indices"), py::arg("indptr"), py::arg("shape"), py::arg("a"), py::arg("b"),
      "The terms rows a and b share: (columns, products), largest first, as SimilarityIndex.explain.");

  m.def(
      "merge_top_k",
      [](const std::vector<std::pair<IdArray, ScoreArray>>& parts, std::size_t k) {
        std::vector<TopKView> views;
        for (std::size_t p = 0; p < parts.size(); ++p) {
          const auto& [ids, scores] = parts[p];
          if (ids.ndim() != 2 || scores.ndim() != 2 || ids.shape(0) != scores.shape(0) || ids.shape(1) != scores.shape(1))
            throw py::value_error("parts[" + std::to_string(p) + "] must be two arrays of the same shape (n, k)");
          views.push_back({static_cast<std::size_t>(ids.shape(0)), static_cast<std::size_t>(ids.shape(1)), ids.data(),
                           scores.data()});
        }
        TopK t;
        {
          py::gil_scoped_release nogil;
          t = merge_top_k(views, k);
        }
        return top_k_to_python(std::move(t));
      },
      py::arg("parts"), py::arg("k"),
      "Each row's k best of the (ids, scores) parts: best first, ties to the lower id, padded with -1 and 0.");

  m.def("index_nbytes", &index_nbytes, py::arg("rows"), py::arg("nnz"), py::arg("cols"),
        "Bytes a SimilarityIndex over a matrix of this shape holds.");
  m.def("top_k_result_bytes", &top_k_result_bytes, py::arg("rows"), py::arg("k"),
        "Bytes of a rows x k top-k result.");
  m.def(
      "top_k_scratch_bytes",
      [](std::size_t rows, std::size_t nnz, std::size_t cols, std::size_t k, py::handle method,
         std::size_t n_jobs) { return top_k_scratch_bytes(rows, nnz, cols, k, parse_method(method), n_jobs); },
      py::arg("rows"), py::arg("nnz"), py::arg("cols"), py::arg("k"), py::kw_only(), py::arg("method") = "auto",
      py::arg("n_jobs") = 1, "At most the bytes top_k allocates besides the index and the result.");
  m.def("query_scratch_bytes", &query_scratch_bytes, py::arg("index_rows"), py::arg("query_rows"),
        py::arg("query_nnz"), py::arg("query_cols"), py::arg("k"), py::kw_only(), py::arg("n_jobs") = 1,
        "At most the bytes query allocates besides the index and the result.");

  // Thread counts: one rule for the core and the package.
  m.def("available_cpus", &available_cpus, "The CPUs this process may run on (its affinity mask).");
  m.def("resolve_n_jobs", &resolve_n_jobs, py::arg("n_jobs"),
        "Threads for an n_jobs value (joblib's rule; ValueError for 0).");
}

}  // namespace newsim::py_bindings
