// Writes the model loader fuzzer's seed corpus: every analyzer seed (a file in the first
// directory) is fitted with the options its first bytes choose, and the model is written twice
// to the second directory, as a whole file (first byte 0) and as a payload for the target to
// seal (first byte 1, or 3 for a format-1 payload). Also writes an unfitted model of each option
// set, and the model files given after the directories (the fixtures of every format version).
//
//   fuzz_seeds ANALYZER_SEED_DIR LOADER_SEED_DIR [MODEL_FILE...]
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include "fuzz_common.hpp"
#include "newsim/errors.hpp"
#include "newsim/serialization.hpp"
#include "newsim/vectorizer.hpp"

namespace fs = std::filesystem;
using namespace newsim;

namespace {

void write(const fs::path& dir, const std::string& model, std::size_t& n) {
  constexpr std::size_t kHeader = 8 + 4 + 8;
  if (model.size() < kHeader + 4) return;
  const char seal = model[8] == 1 ? '\3' : '\1';  // as the format version in the header
  const std::string whole = '\0' + model;
  const std::string payload = seal + model.substr(kHeader, model.size() - kHeader - 4);
  for (const std::string* s : {&whole, &payload}) {
    std::ofstream out(dir / ("seed-" + std::to_string(n++)), std::ios::binary);
    out.write(s->data(), static_cast<std::streamsize>(s->size()));
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s ANALYZER_SEED_DIR LOADER_SEED_DIR [MODEL_FILE...]\n", argv[0]);
    return 2;
  }
  const fs::path out_dir = argv[2];
  fs::create_directories(out_dir);
  std::set<fs::path> inputs;  // sorted: the same seeds in the same order every time
  for (const auto& entry : fs::directory_iterator(argv[1]))
    if (entry.is_regular_file()) inputs.insert(entry.path());
  std::size_t n = 0;
  std::set<std::string> option_sets;
  for (const fs::path& p : inputs) {
    std::ifstream in(p, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const fuzz::FuzzCase c = fuzz::decode_case(bytes);
    const fuzz::EncodedDocuments docs = fuzz::encode(c);
    Vectorizer v(c.options);
    if (option_sets.insert(bytes.substr(0, fuzz::kOptionBytes)).second) write(out_dir, v.to_bytes(), n);
    try {
      v.fit(Documents{docs.refs, {}}, RunContext{1, nullptr});
    } catch (const std::invalid_argument&) {
      continue;  // nothing to count, or a document the core rejects
    }
    v.set_metadata("{\"seed\": \"" + p.filename().string() + "\"}");
    write(out_dir, v.to_bytes(), n);
  }
  for (int i = 3; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    write(out_dir, std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()), n);
  }
  std::printf("%zu loader seeds in %s\n", n, out_dir.c_str());
  return 0;
}
