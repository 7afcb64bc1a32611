#include <cmath>
#include <string>

#include "common.hpp"

namespace newsim::py_bindings {
namespace {

std::string describe(py::handle item) {
  std::string type = py::str(py::type::handle_of(item).attr("__name__"));
  if (item.is_none()) return "None";
  if (PyFloat_Check(item.ptr()) || PyLong_Check(item.ptr()) || PyBool_Check(item.ptr()))
    return type + " (" + std::string(py::str(py::repr(item))) + ")";
  return type;
}

[[noreturn]] void not_a_str(const char* where, std::size_t i, py::handle item) {
  std::string msg = std::string(where) + "[" + std::to_string(i) + "] is " + describe(item) +
                    ", expected str";
  if (PyBytes_Check(item.ptr()) || PyByteArray_Check(item.ptr()))
    msg += "; decode bytes first, e.g. doc.decode('utf-8')";
  else if (item.is_none() || (PyFloat_Check(item.ptr()) && std::isnan(PyFloat_AsDouble(item.ptr()))))
    msg += "; a missing text: fill the gaps first, e.g. df['text'].fillna('')";
  throw py::type_error(msg);
}

TextRef text_ref(py::handle s) {
#if PY_VERSION_HEX < 0x030C0000
  if (PyUnicode_READY(s.ptr()) != 0) throw py::error_already_set();
#endif
  const auto n = static_cast<std::size_t>(PyUnicode_GET_LENGTH(s.ptr()));
  const void* data = PyUnicode_DATA(s.ptr());
  if (PyUnicode_IS_ASCII(s.ptr())) return {data, n, Encoding::utf8};
  switch (PyUnicode_KIND(s.ptr())) {
    case PyUnicode_1BYTE_KIND: return {data, n, Encoding::latin1};
    case PyUnicode_2BYTE_KIND: return {data, n, Encoding::ucs2};
    default: return {data, n, Encoding::ucs4};
  }
}

py::list pin(py::handle documents, const char* what) {
  if (PyUnicode_Check(documents.ptr()) || PyBytes_Check(documents.ptr()))
    throw py::type_error(std::string("Iterable over raw text documents expected, ") +
                         (PyUnicode_Check(documents.ptr()) ? "string" : "bytes") +
                         " object received.");
  PyObject* list = PySequence_List(documents.ptr());  // a private copy of the references
  if (list == nullptr) {
    PyErr_Clear();
    throw py::type_error(std::string(what) + " must be a sequence or iterable of str, got " +
                         std::string(py::str(py::type::handle_of(documents).attr("__name__"))));
  }
  return py::reinterpret_steal<py::list>(list);
}

}  // namespace

PyDocuments collect_texts(py::handle documents, std::size_t first) {
  PyDocuments d;
  d.keep = pin(documents, "documents");
  const std::size_t n = d.keep.size();
  d.texts.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    py::handle item = PyList_GET_ITEM(d.keep.ptr(), static_cast<py::ssize_t>(i));
    if (!PyUnicode_Check(item.ptr())) not_a_str("documents", first + i, item);
    d.texts.push_back(text_ref(item));
  }
  return d;
}

PyDocuments collect_analyzed(py::handle documents, std::size_t first) {
  PyDocuments d;
  py::list outer = pin(documents, "documents");
  py::list keep;
  const std::size_t n = outer.size();
  d.offsets.reserve(n + 1);
  d.offsets.push_back(0);
  for (std::size_t i = 0; i < n; ++i) {
    py::handle terms = PyList_GET_ITEM(outer.ptr(), static_cast<py::ssize_t>(i));
    py::list inner = pin(terms, "analyzer output");
    keep.append(inner);
    for (std::size_t k = 0; k < inner.size(); ++k) {
      py::handle t = PyList_GET_ITEM(inner.ptr(), static_cast<py::ssize_t>(k));
      if (!PyUnicode_Check(t.ptr()))
        throw py::type_error("the analyzer returned " + describe(t) + " for documents[" +
                             std::to_string(first + i) + "], term " + std::to_string(k) +
                             "; expected str");
      d.texts.push_back(text_ref(t));
    }
    d.offsets.push_back(d.texts.size());
  }
  d.keep = std::move(keep);
  return d;
}

std::string utf8_of(py::handle text) {
  if (!PyUnicode_Check(text.ptr()))
    throw py::type_error("text is " + describe(text) + ", expected str");
  std::string buffer;
  const std::string_view utf8 = to_utf8(text_ref(text), buffer, 0);
  return std::string(utf8);
}

bool PyMonitor::poll(std::size_t done, std::size_t total) {
  py::gil_scoped_acquire gil;
  if (PyErr_CheckSignals() != 0) return false;
  if (!progress_.is_none()) {
    try {
      progress_(done, total);
    } catch (py::error_already_set& e) {
      e.restore();
      return false;
    }
  }
  return true;
}

namespace {
template <class T, class I>
py::tuple csr_tuple(Csr<T, I>&& m) {
  const auto rows = m.rows;
  const auto cols = m.cols;
  return py::make_tuple(to_numpy(std::move(m.data)), to_numpy(std::move(m.indices)),
                        to_numpy(std::move(m.indptr)), py::make_tuple(rows, cols));
}
}  // namespace

py::tuple csr_to_python(CsrAny&& m) {
  return std::visit([](auto&& x) { return csr_tuple(std::move(x)); }, std::move(m));
}

}  // namespace newsim::py_bindings
