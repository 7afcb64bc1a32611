// newsim._core — the C++ core exposed to Python. One register_* per component.
#include <pybind11/pybind11.h>

#include <cstdio>
#include <string>
#include <system_error>

#include "common.hpp"
#include "newsim/files.hpp"

namespace py = pybind11;
using namespace newsim;

PYBIND11_MODULE(_core, m) {
  m.doc() = "newsim's C++ core (private: use the newsim package).";
  // pyproject.toml's version, passed in by CMakeLists.txt; newsim.__version__ is this string.
  m.attr("__version__") = NEWSIM_VERSION;

  auto& model_format_error = py::register_exception<FormatError>(m, "ModelFormatError", PyExc_ValueError);
  model_format_error.attr("__doc__") =
      "A model or index file that newsim cannot load, and the message says why.\n\n"
      "Raised for a file that is not newsim's, is truncated or damaged (a size, checksum,\n"
      "offset or index does not check out), has an unknown format version, or is of the other\n"
      "kind: a model file passed to an index loader or an index file to a model loader (the\n"
      "message names the loader to use).\n"
      "A :class:`ValueError`.\n\n"
      "See Also\n"
      "--------\n"
      "TfidfVectorizer.load, SimilarityIndex.load, Archive.load : The loaders that raise it.\n";
  // scikit-learn's InvalidParameterError is both: a wrong type is a TypeError, and code that
  // catches ValueError for a bad parameter keeps working.
  m.attr("InvalidParameterError") = py::reinterpret_steal<py::object>(PyErr_NewException(
      "newsim._core.InvalidParameterError", py::make_tuple(py::handle(PyExc_ValueError), py::handle(PyExc_TypeError)).ptr(),
      nullptr));
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const FormatError&) {
      throw;  // handled by the ModelFormatError translator
    } catch (const OptionTypeError& e) {
      py::set_error(py::module_::import("newsim._core").attr("InvalidParameterError"), e.what());
    } catch (const NotFittedError& e) {
      py::object cls = py::module_::import("sklearn.exceptions").attr("NotFittedError");
      py::set_error(cls, e.what());
    } catch (const std::invalid_argument& e) {  // options, documents, empty vocabulary
      py::set_error(PyExc_ValueError, e.what());
    } catch (const std::out_of_range& e) {  // an article id
      py::set_error(PyExc_IndexError, e.what());
    } catch (const std::system_error& e) {  // a file: OSError(errno, message), e.g. FileNotFoundError
      PyErr_SetObject(PyExc_OSError, py::make_tuple(e.code().value(), std::string(e.what())).ptr());
    }
  });

  // The scikit-learn mode's \w follows this Python's Unicode data (older than ICU's, maybe).
  const std::string unidata = py::str(py::module_::import("unicodedata").attr("unidata_version"));
  unsigned major = 0;
  unsigned minor = 0;
  if (std::sscanf(unidata.c_str(), "%u.%u", &major, &minor) == 2)
    set_python_unicode_version(major, minor);
  m.def(
      "write_file",
      [](const std::string& path, const py::bytes& data) {
        const std::string_view view(data);
        const py::gil_scoped_release nogil;
        write_file_atomically(path, [&](const FilePut& put) { put(view.data(), view.size()); });
      },
      py::arg("path"), py::arg("data"),
      "Writes data to path atomically (a new file beside it, fsynced, renamed over it).");
  py_bindings::register_vectorizer(m);
  py_bindings::register_similarity(m);
  py_bindings::register_stories(m);
}
