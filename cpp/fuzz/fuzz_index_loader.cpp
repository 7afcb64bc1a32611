// libFuzzer target: the index file loader on arbitrary bytes.
//
// The first byte chooses how the rest is read: bit 0 clear, as a whole file; set, with every
// checksum rewritten first (detail::reseal_index_file), so that the structural checks behind
// the checksums are what the fuzzer explores. The loader's plain loop and its AVX-512 loop (where
// the CPU has it) must accept and refuse alike, with the same message. Loading must either throw FormatError or give an
// index that writes back the very bytes it was read from (the layout is canonical), loads again,
// and answers top-k, pairs and explain on every kernel without a memory error.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "../src/index_file.hpp"
#include "fuzz_common.hpp"
#include "newsim/errors.hpp"
#include "newsim/similarity.hpp"

using namespace newsim;
using namespace newsim::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  if ((data[0] & 1u) != 0) detail::reseal_index_file(bytes);
  const auto outcome = [&](bool plain) {
    const bool before = detail::use_plain_scan(plain);
    std::string what;
    try {
      (void)SimilarityIndex::from_bytes(bytes);
    } catch (const FormatError& e) {
      what = e.what();
    }
    detail::use_plain_scan(before);
    return what;
  };
  check(outcome(true) == outcome(false), "the loader's plain and AVX-512 loops disagree");
  std::optional<SimilarityIndex> loaded;
  try {
    loaded.emplace(SimilarityIndex::from_bytes(bytes));
  } catch (const FormatError& e) {
    check(std::string_view(e.what()).find("newsim") != std::string_view::npos,
          "FormatError message does not say what failed to load");
    return 0;
  }
  const std::string again = loaded->to_bytes(loaded->labels());
  check(again == bytes, "a loaded index does not write back the bytes it was read from");
  const SimilarityIndex reloaded = SimilarityIndex::from_bytes(again);
  check(reloaded.rows() == loaded->rows() && reloaded.nnz() == loaded->nnz(), "second round trip differs");
  const RunContext ctx{1, nullptr};
  for (const auto method : {SimilarityMethod::automatic, SimilarityMethod::brute}) {
    const TopK t = loaded->top_k(2, method, ctx);
    check(t.ids.size() == loaded->rows() * 2, "top_k shape");
    for (const auto id : t.ids) check(id >= -1 && id < static_cast<std::int64_t>(loaded->rows()), "top_k id out of range");
    const Pairs p = loaded->pairs(0.5, method, ctx);
    check(p.i.size() == p.j.size() && p.j.size() == p.score.size(), "pairs shape");
  }
  const TopK wide = loaded->top_k(300, SimilarityMethod::automatic, ctx);  // the per-row kernel
  check(wide.k == 300, "per-row top_k shape");
  if (loaded->rows() > 0) (void)loaded->explain(0, loaded->rows() - 1);
  return 0;
}
