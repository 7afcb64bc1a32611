#include <pybind11/stl.h>

#include <string>

#include "common.hpp"
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

SimilarityMethod parse_method(const std::string& method) {
  if (method == "auto") return SimilarityMethod::automatic;
  if (method == "pruned") return SimilarityMethod::pruned;
  if (method == "brute") return SimilarityMethod::brute;
  throw InvalidOptionError("method", "method must be 'auto', 'pruned' or 'brute', got '" + method + "'");
}

py::tuple top_k_to_python(TopK&& t) {
  const std::size_t rows = t.rows, k = t.k;
  return py::make_tuple(to_numpy_2d(std::move(t.ids), rows, k), to_numpy_2d(std::move(t.scores), rows, k));
}

}  // namespace

void register_similarity(py::module_& m) {
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
      .def("document_frequencies", [](const SimilarityIndex& x) { return to_numpy(x.document_frequencies()); })
      .def_property_readonly("normalized", &SimilarityIndex::normalized)
      .def_property_readonly("non_negative", &SimilarityIndex::non_negative)
      .def(
          "top_k",
          [](const SimilarityIndex& x, std::size_t k, const std::string& method, long long n_jobs,
             const py::object& progress) {
            const SimilarityMethod mth = parse_method(method);
            return top_k_to_python(run_released(x.rows(), n_jobs, progress, [&](const RunContext& ctx) {
              return x.top_k(k, mth, ctx);
            }));
          },
          py::arg("k"), py::kw_only(), py::arg("method") = "auto", py::arg("n_jobs") = 1,
          py::arg("progress") = py::none())
      .def(
          "query",
          [](const SimilarityIndex& x, const py::array& data, const py::array& indices,
             const py::array& indptr, std::pair<std::size_t, std::size_t> shape, std::size_t k,
             const std::string& method, long long n_jobs, const py::object& progress) {
            const CsrArrays c = csr_arrays(data, indices, indptr, shape, "Q");
            const SimilarityMethod mth = parse_method(method);
            return top_k_to_python(run_released(shape.first, n_jobs, progress, [&](const RunContext& ctx) {
              return x.query(c.input, k, mth, ctx);
            }));
          },
          py::arg("data"), py::arg("indices"), py::arg("indptr"), py::arg("shape"), py::arg("k"),
          py::kw_only(), py::arg("method") = "auto", py::arg("n_jobs") = 1, py::arg("progress") = py::none())
      .def(
          "pairs",
          [](const SimilarityIndex& x, double threshold, const std::string& method, long long n_jobs,
             const py::object& progress) {
            const SimilarityMethod mth = parse_method(method);
            Pairs p = run_released(x.rows(), n_jobs, progress,
                                   [&](const RunContext& ctx) { return x.pairs(threshold, mth, ctx); });
            return py::make_tuple(to_numpy(std::move(p.i)), to_numpy(std::move(p.j)), to_numpy(std::move(p.score)));
          },
          py::arg("threshold"), py::kw_only(), py::arg("method") = "auto", py::arg("n_jobs") = 1,
          py::arg("progress") = py::none())
      .def(
          "explain",
          [](const SimilarityIndex& x, std::size_t a, std::size_t b) {
            const auto c = x.explain(a, b);
            std::vector<std::int64_t> cols;
            std::vector<double> vals;
            for (const auto& e : c) {
              cols.push_back(e.column);
              vals.push_back(e.value);
            }
            return py::make_tuple(to_numpy(std::move(cols)), to_numpy(std::move(vals)));
          },
          py::arg("a"), py::arg("b"))
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
}

}  // namespace newsim::py_bindings
