// newsim._core — stories: clustering of the neighbour graph (newsim/stories.hpp).
#include <string>

#include "common.hpp"
#include "newsim/similarity.hpp"
#include "newsim/stories.hpp"

namespace newsim::py_bindings {
namespace {

using IdArray = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;
using ScoreArray = py::array_t<float, py::array::c_style | py::array::forcecast>;

py::tuple labels_to_python(StoryLabels&& s) {
  return py::make_tuple(to_numpy(std::move(s.labels)), to_numpy(std::move(s.sizes)));
}

}  // namespace

void register_stories(py::module_& m) {
  m.attr("STORY_DEFAULT_K") = StoryOptions{}.k;
  m.attr("STORY_DEFAULT_THRESHOLD") = StoryOptions{}.threshold;
  m.attr("STORY_MAX_K") = kMaxStoryNeighbours;
  m.def(
      "stories",
      [](const SimilarityIndex& index, std::size_t k, double threshold, long long n_jobs, const py::object& progress,
         const py::object& dates, const py::object& window, const py::object& sources, bool exclude_same_source) {
        const StoryOptions options{k, threshold};
        options.validate(index.normalized());  // before the GIL is released: a plain ValueError
        const Filter f = filter_from_python(dates, window, sources, exclude_same_source);
        return labels_to_python(run_released(index.rows(), n_jobs, progress, [&](const RunContext& ctx) {
          return stories(index, options, ctx, f.view);
        }));
      },
      py::arg("index"), py::kw_only(), py::arg("k") = StoryOptions{}.k,
      py::arg("threshold") = StoryOptions{}.threshold, py::arg("n_jobs") = 1, py::arg("progress") = py::none(),
      py::arg("dates") = py::none(), py::arg("window") = py::none(), py::arg("sources") = py::none(),
      py::arg("exclude_same_source") = false,
      "The stories of an index's articles: (labels, sizes), stories numbered by decreasing size.");
  m.def(
      "cluster_neighbours",
      [](const IdArray& ids, const ScoreArray& scores, double threshold) {
        if (ids.ndim() != 2 || scores.ndim() != 2 || ids.shape(0) != scores.shape(0) ||
            ids.shape(1) != scores.shape(1))
          throw py::value_error("ids and scores must be two arrays of the same shape (n, k)");
        const TopKView view{static_cast<std::size_t>(ids.shape(0)), static_cast<std::size_t>(ids.shape(1)),
                            ids.data(), scores.data()};
        StoryLabels s;
        {
          py::gil_scoped_release nogil;
          s = cluster_neighbours(view, threshold);
        }
        return labels_to_python(std::move(s));
      },
      py::arg("ids"), py::arg("scores"), py::kw_only(), py::arg("threshold") = StoryOptions{}.threshold,
      "Stories of a neighbour graph given as top-k (ids, scores) of the same rows: (labels, sizes).");
}

}  // namespace newsim::py_bindings
