// Writes the index loader fuzzer's seed corpus: index files of a few shapes (empty, one row,
// negative weights, wide) with each kind of labels (none, integer ids, string ids, terms), each
// twice: as a whole file (first byte 0) and for the target to reseal (first byte 1).
//
//   fuzz_index_seeds INDEX_SEED_DIR
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "newsim/similarity.hpp"

namespace fs = std::filesystem;
using namespace newsim;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s INDEX_SEED_DIR\n", argv[0]);
    return 2;
  }
  const fs::path dir = argv[1];
  fs::create_directories(dir);
  std::size_t n = 0;
  const auto write = [&](const std::string& file) {
    for (const char mode : {'\0', '\1'}) {
      std::ofstream out(dir / ("seed-" + std::to_string(n++)), std::ios::binary);
      out.put(mode);
      out.write(file.data(), static_cast<std::streamsize>(file.size()));
    }
  };
  struct Shape {
    std::size_t rows, cols;
    float sign;  // -1: every third weight negative
  };
  for (const Shape s : {Shape{0, 3, 1}, Shape{1, 4, 1}, Shape{6, 5, 1}, Shape{9, 7, -1}, Shape{4, 40, 1}}) {
    std::vector<std::int32_t> indptr{0}, indices;
    std::vector<float> data;
    for (std::size_t r = 0; r < s.rows; ++r) {
      for (std::size_t c = r % 2; c < s.cols; c += 2) {
        indices.push_back(static_cast<std::int32_t>(c));
        const float v = 0.5f + 0.25f * static_cast<float>((r + c) % 3);
        data.push_back((s.sign < 0 && (r + c) % 3 == 0) ? -v : v);
      }
      indptr.push_back(static_cast<std::int32_t>(indices.size()));
    }
    const SimilarityIndex index(CsrInput{s.rows, s.cols, indptr.data(), false, indices.data(), false, data.data(), false});
    std::vector<std::int64_t> ints;
    std::vector<std::uint64_t> id_offsets{0}, term_offsets{0};
    std::string id_bytes, term_bytes;
    for (std::size_t r = 0; r < s.rows; ++r) {
      ints.push_back(static_cast<std::int64_t>(100 + 3 * r));
      id_bytes += "id" + std::to_string(r);
      id_offsets.push_back(id_bytes.size());
    }
    for (std::size_t c = 0; c < s.cols; ++c) {
      term_bytes += "t\xC3\xA9rm" + std::to_string(c);
      term_offsets.push_back(term_bytes.size());
    }
    IndexLabels none;
    write(index.to_bytes(none));
    IndexLabels integers;
    integers.ids = IndexLabels::Ids::integers;
    integers.integer_ids = ints;
    write(index.to_bytes(integers));
    IndexLabels strings;
    strings.ids = IndexLabels::Ids::strings;
    strings.string_ids = {id_offsets, id_bytes};
    strings.has_terms = true;
    strings.terms = {term_offsets, term_bytes};
    write(index.to_bytes(strings));
  }
  std::printf("%zu index seeds in %s\n", n, dir.c_str());
  return 0;
}
