// libFuzzer target: the model loader on arbitrary bytes.
//
// The first byte chooses how the rest is read: bit 0 clear, as a whole model file; set, as a
// payload that the target wraps in a correct header and CRC-32 (a random bit flip rarely gets
// past the checksum, and the payload parser behind it is what must never crash), of the current
// format version or, with bit 1 set, of version 1. Loading must either throw FormatError or give
// a model that re-serializes to the very same bytes (an older version: to the same model in the
// current version), loads again, and transforms text into a well-formed matrix.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_common.hpp"
#include "newsim/errors.hpp"
#include "newsim/serialization.hpp"
#include "newsim/vectorizer.hpp"

using namespace newsim;
using namespace newsim::fuzz;

namespace {

std::string sealed(std::string_view payload, std::uint32_t version) {
  std::string out("NEWSIM\0\x1a", 8);
  auto put = [&](std::uint64_t v, std::size_t n) {
    for (std::size_t k = 0; k < n; ++k) out.push_back(static_cast<char>((v >> (8 * k)) & 0xFF));
  };
  put(version, 4);
  put(payload.size(), 8);
  out.append(payload);
  put(crc32(payload), 4);
  return out;
}

/// The number of options a current-version file stores (the payload's first u64).
std::uint64_t stored_options(std::string_view file) {
  std::uint64_t n = 0;
  for (std::size_t k = 0; k < 8 && 20 + k < file.size(); ++k)
    n |= static_cast<std::uint64_t>(static_cast<unsigned char>(file[20 + k])) << (8 * k);
  return n;
}

/// The number of options a vectorizer declares.
std::uint64_t declared_options() {
  struct Count final : OptionVisitor {
    std::uint64_t n = 0;
    void flag(std::string_view, bool&) override { ++n; }
    void integer(std::string_view, std::int64_t&, Bounds) override { ++n; }
    void optional_integer(std::string_view, std::optional<std::int64_t>&, Bounds) override { ++n; }
    void real(std::string_view, double&, Bounds) override { ++n; }
    void text(std::string_view, std::string&) override { ++n; }
    void words(std::string_view, std::vector<std::string>&) override { ++n; }
    void optional_words(std::string_view, std::optional<std::vector<std::string>>&) override { ++n; }
    void pair(std::string_view, std::int64_t&, std::int64_t&, Bounds) override { ++n; }
    void choice(std::string_view, std::size_t&, std::span<const std::string_view>) override { ++n; }
  } count;
  VectorizerOptions().declare(count);
  return count.n;
}

std::uint32_t header_version(std::string_view file) {
  std::uint32_t v = 0;
  for (std::size_t k = 0; k < 4 && 8 + k < file.size(); ++k)
    v |= static_cast<std::uint32_t>(static_cast<unsigned char>(file[8 + k])) << (8 * k);
  return v;
}

const std::vector<std::string>& probe_texts() {
  static const std::vector<std::string> texts = {
      "Die Stra\xC3\x9F" "e ist lang, die KI-Infrastruktur w\xC3\xA4" "chst.",
      "The house by the lake; the houses by the lakes.",
      "",
      "a a a a a a a a b",
      "\xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x98\x80 na\xC3\xAF" "ve caf\xC3\xA9",
  };
  return texts;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  // Bit 0: seal the rest as a payload; bit 1: seal it as format version 1 (older parsers).
  const std::uint32_t seal_version = (data[0] & 2u) != 0 ? 1u : kFormatVersion;
  const std::string bytes = (data[0] & 1u) != 0 ? sealed(rest, seal_version) : std::string(rest);
  std::optional<Vectorizer> loaded;
  try {
    loaded.emplace(Vectorizer::from_bytes(bytes));
  } catch (const FormatError& e) {
    check(std::string_view(e.what()).find("newsim model") != std::string_view::npos,
          "FormatError message does not say what failed to load");
    return 0;
  }
  // A file of the current version that loads is canonical: it writes back the same bytes. An
  // older version is written in the current one, and must stay the same model (below).
  const std::string again = loaded->to_bytes();
  const bool current = header_version(bytes) == kFormatVersion;
  // A current file that lacks options (written before they existed) is written back with them,
  // at their defaults; any other loadable current file writes back its very bytes.
  if (current && again != bytes && stored_options(bytes) >= declared_options()) {
    std::size_t at = 0;
    while (at < again.size() && at < bytes.size() && again[at] == bytes[at]) ++at;
    std::fprintf(stderr, "read %zu bytes, wrote %zu; first difference at file offset %zu\n",
                 bytes.size(), again.size(), at);
    fail("a loaded model does not re-serialize to the bytes it was read from");
  }
  const Vectorizer reloaded = Vectorizer::from_bytes(again);
  check(reloaded.to_bytes() == again, "second round trip differs");
  check(reloaded.fitted() == loaded->fitted(), "fitted flag lost");
  check(reloaded.metadata() == loaded->metadata(), "metadata changed");
  if (!loaded->fitted()) return 0;

  const FittedState& st = loaded->state();
  const FittedState& st2 = reloaded.state();
  // One df and idf per column: per vocabulary term, or per hashed column (empty vocabulary).
  const std::size_t cols = st.df.size();
  check(st.idf.size() == cols && (st.vocabulary.size() == cols || st.vocabulary.size() == 0),
        "state sizes");
  check(st2.vocabulary.terms() == st.vocabulary.terms() && st2.df == st.df && st2.idf == st.idf &&
            st2.n_docs == st.n_docs,
        "the reloaded model has another fitted state");
  std::vector<TextRef> refs;
  for (const std::string& t : probe_texts()) refs.push_back(TextRef::utf8(t));
  const Documents docs{refs, {}};
  const CsrAny m = loaded->transform(docs, RunContext{1, nullptr});
  check_csr_any(m, refs.size(), cols);
  const CsrAny r = reloaded.transform(docs, RunContext{1, nullptr});
  check(same_structure(m, r) && values(m) == values(r), "reloaded model transforms differently");
  return 0;
}
