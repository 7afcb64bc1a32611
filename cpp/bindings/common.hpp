// newsim bindings — shared helpers: documents from Python objects, GIL release with Ctrl-C,
// NumPy arrays that own C++ vectors.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <memory>
#include <utility>
#include <vector>

#include "newsim/errors.hpp"
#include "newsim/parallel.hpp"
#include "newsim/similarity.hpp"
#include "newsim/text.hpp"
#include "newsim/vectorizer.hpp"

namespace newsim::py_bindings {

namespace py = pybind11;

/// Python documents pinned for the duration of a call, with views of their text.
struct PyDocuments {
  py::list keep;  // strong references: the texts stay alive and immutable while the GIL is free
  std::vector<TextRef> texts;
  std::vector<std::size_t> offsets;
  [[nodiscard]] Documents view() const { return Documents{texts, offsets}; }
};

/// A sequence of str. Raises TypeError naming the position of the first item that is not a str.
/// `first` is the position of the first document in the caller's numbering.
PyDocuments collect_texts(py::handle documents, std::size_t first = 0);
/// A sequence of sequences of str (documents analyzed in Python).
PyDocuments collect_analyzed(py::handle documents, std::size_t first = 0);

/// One str as UTF-8; TypeError for another type, ValueError (position named) for a lone
/// surrogate.
std::string utf8_of(py::handle text);

/// Polls Ctrl-C and reports progress on the calling thread while the core works.
class PyMonitor final : public Monitor {
 public:
  explicit PyMonitor(py::object progress) : progress_(std::move(progress)) {}
  bool poll(std::size_t done, std::size_t total) override;

 private:
  py::object progress_;
};

/// Runs `f(ctx)` with the GIL released; a Ctrl-C (or an exception in the progress callback)
/// surfaces as that Python exception.
template <class F>
auto run_released(std::size_t n_items, long long n_jobs, const py::object& progress, F&& f) {
  const bool watch = !progress.is_none() || n_items >= 256;
  PyMonitor monitor(progress);
  RunContext ctx{resolve_n_jobs(n_jobs), watch ? &monitor : nullptr};
  try {
    py::gil_scoped_release nogil;
    return f(ctx);
  } catch (const Cancelled&) {
    if (PyErr_Occurred() != nullptr) throw py::error_already_set();
    PyErr_SetNone(PyExc_KeyboardInterrupt);
    throw py::error_already_set();
  }
}

/// A 1-D NumPy array that takes ownership of `v` (no copy).
template <class T, class A>
py::array_t<T> to_numpy(std::vector<T, A>&& v) {
  using Vec = std::vector<T, A>;
  auto owner = std::make_unique<Vec>(std::move(v));
  const auto size = static_cast<py::ssize_t>(owner->size());
  T* data = owner->data();
  py::capsule capsule(owner.get(), [](void* p) noexcept {
    const std::unique_ptr<Vec> release(static_cast<Vec*>(p));
  });
  owner.release();  // now owned by the capsule
  return py::array_t<T>({size}, {static_cast<py::ssize_t>(sizeof(T))}, data, capsule);
}

/// A C-contiguous (rows, cols) NumPy array that takes ownership of `v` (no copy).
template <class T, class A>
py::array_t<T> to_numpy_2d(std::vector<T, A>&& v, std::size_t rows, std::size_t cols) {
  py::array_t<T> flat = to_numpy(std::move(v));
  return flat.reshape({static_cast<py::ssize_t>(rows), static_cast<py::ssize_t>(cols)});
}

/// (data, indices, indptr, (rows, cols)) for scipy.sparse.csr_matrix, without copies.
py::tuple csr_to_python(CsrAny&& m);

void register_vectorizer(py::module_& m);
void register_similarity(py::module_& m);
void register_stories(py::module_& m);

/// A top-k or pairs call's filter from Python: dates (None or int64 nanoseconds per row), the
/// window (None or int64 nanoseconds), sources (None or int32 codes per row, -1 unknown).
struct Filter {
  py::array_t<std::int64_t, py::array::c_style | py::array::forcecast> dates, query_dates;
  py::array_t<std::int32_t, py::array::c_style | py::array::forcecast> sources, query_sources;
  ArticleFilter view;
};

/// query_dates and query_sources: for query_pairs, each query's (None: none).
Filter filter_from_python(const py::object& dates, const py::object& window, const py::object& sources,
                          bool exclude_same_source, const py::object& query_dates = py::none(),
                          const py::object& query_sources = py::none());

}  // namespace newsim::py_bindings
