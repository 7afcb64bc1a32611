#include "newsim/serialization.hpp"

#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>

#include "newsim/errors.hpp"
#include "newsim/vectorizer.hpp"

namespace newsim {
namespace {

constexpr char kMagic[8] = {'N', 'E', 'W', 'S', 'I', 'M', '\0', '\x1a'};
constexpr std::size_t kHeader = 8 + 4 + 8;

std::array<std::uint32_t, 256> make_crc_table() {
  std::array<std::uint32_t, 256> t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    t[i] = c;
  }
  return t;
}

class Writer {
 public:
  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u32(std::uint32_t v) { put(v); }
  void u64(std::uint64_t v) { put(v); }
  void i64(std::int64_t v) { put(static_cast<std::uint64_t>(v)); }
  void f64(double v) { put(std::bit_cast<std::uint64_t>(v)); }
  void str(std::string_view s) {
    u64(s.size());
    out_.append(s);
  }
  std::string& bytes() { return out_; }

 private:
  template <class U>
  void put(U v) {
    for (std::size_t k = 0; k < sizeof(U); ++k) out_.push_back(static_cast<char>((v >> (8 * k)) & 0xFF));
  }
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view b) : b_(b) {}
  std::uint8_t u8() { return static_cast<std::uint8_t>(get<std::uint8_t>()); }
  std::uint32_t u32() { return get<std::uint32_t>(); }
  std::uint64_t u64() { return get<std::uint64_t>(); }
  std::int64_t i64() { return static_cast<std::int64_t>(get<std::uint64_t>()); }
  double f64() { return std::bit_cast<double>(get<std::uint64_t>()); }
  bool flag(const char* what) {
    const std::uint8_t v = u8();
    if (v > 1) bad(std::string("invalid boolean for ") + what);
    return v == 1;
  }
  template <class E>
  E enumeration(std::uint8_t max, const char* what) {
    const std::uint8_t v = u8();
    if (v > max) bad(std::string("invalid value for ") + what);
    return static_cast<E>(v);
  }
  std::size_t count(std::size_t min_bytes_each, const char* what) {
    const std::uint64_t n = u64();
    if (min_bytes_each > 0 && n > remaining() / min_bytes_each) bad(std::string("implausible ") + what + " count");
    return static_cast<std::size_t>(n);
  }
  std::string str(const char* what) {
    const std::uint64_t n = u64();
    if (n > remaining()) bad(std::string("truncated ") + what);
    std::string s(b_.substr(pos_, static_cast<std::size_t>(n)));
    pos_ += static_cast<std::size_t>(n);
    return s;
  }
  [[nodiscard]] std::size_t remaining() const noexcept { return b_.size() - pos_; }
  [[noreturn]] static void bad(const std::string& what) {
    throw FormatError("corrupted newsim model: " + what);
  }

 private:
  template <class U>
  U get() {
    if (remaining() < sizeof(U)) bad("unexpected end of data");
    U v = 0;
    for (std::size_t k = 0; k < sizeof(U); ++k)
      v = static_cast<U>(v | (static_cast<U>(static_cast<unsigned char>(b_[pos_ + k])) << (8 * k)));
    pos_ += sizeof(U);
    return v;
  }
  std::string_view b_;
  std::size_t pos_ = 0;
};

void write_stats(Writer& p, const TermStats& t) {
  p.i64(t.n_docs());
  p.i64(t.n_terms());
  p.u64(t.size());
  for (std::size_t i = 0; i < t.size(); ++i) p.str(t.term(i));
  for (const auto d : t.df()) p.i64(d);
  for (const auto f : t.tf()) p.i64(f);
}

TermStats read_stats(Reader& p) {
  TermStats t;
  const std::int64_t n_docs = p.i64();
  const std::int64_t n_terms = p.i64();
  if (n_docs <= 0 || n_terms < 0) Reader::bad("invalid statistics");
  t.add_documents(n_docs, n_terms);
  const std::size_t n = p.count(8 + 8 + 8, "statistics term");
  std::vector<std::string> terms;
  terms.reserve(n);
  for (std::size_t i = 0; i < n; ++i) terms.push_back(p.str("statistics term"));
  std::vector<std::int64_t> df(n), tf(n);
  for (auto& d : df) {
    d = p.i64();
    if (d < 1 || d > n_docs) Reader::bad("document frequency out of range");
  }
  for (std::size_t i = 0; i < n; ++i) {
    tf[i] = p.i64();
    if (tf[i] < df[i]) Reader::bad("term count below its document frequency");
  }
  try {
    for (std::size_t i = 0; i < n; ++i) t.push_back(terms[i], df[i], tf[i]);
  } catch (const std::invalid_argument&) {
    Reader::bad("statistics terms out of order");
  }
  return t;
}

}  // namespace

std::uint32_t crc32(std::string_view bytes) noexcept {
  static const auto table = make_crc_table();
  std::uint32_t c = 0xFFFFFFFFu;
  for (const char ch : bytes) c = table[(c ^ static_cast<unsigned char>(ch)) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

std::string Vectorizer::to_bytes() const {
  Writer p;
  const AnalyzerOptions& a = options_.analyzer;
  p.u8(static_cast<std::uint8_t>(a.analyzer));
  p.u8(static_cast<std::uint8_t>(a.tokenization));
  p.u8(a.lowercase);
  p.u8(static_cast<std::uint8_t>(a.strip_accents));
  p.u64(a.stop_words.size());
  for (const auto& w : a.stop_words) p.str(w);
  p.str(a.stemmer);
  p.u64(a.min_token_len);
  p.u64(a.min_word_run);
  p.u64(a.ngram_min);
  p.u64(a.ngram_max);
  p.u8(static_cast<std::uint8_t>(a.compounds));
  const PruneOptions& r = options_.prune;
  p.f64(r.min_df);
  p.u8(r.min_df_is_count);
  p.f64(r.max_df);
  p.u8(r.max_df_is_count);
  p.u8(r.max_features.has_value());
  p.u64(r.max_features.value_or(0));
  const WeightingOptions& w = options_.weighting;
  p.u8(static_cast<std::uint8_t>(w.scheme));
  p.u8(w.binary);
  p.u8(w.use_idf);
  p.u8(w.smooth_idf);
  p.u8(w.sublinear_tf);
  p.u8(static_cast<std::uint8_t>(w.norm));
  p.f64(w.k1);
  p.f64(w.b);
  p.u8(options_.vocabulary.has_value());
  if (options_.vocabulary) {  // format 2: the fixed vocabulary in its own order
    p.u64(options_.vocabulary->size());
    for (const auto& t : *options_.vocabulary) p.str(t);
  }
  p.u8(options_.float64);
  p.u64(options_.hashing ? options_.hashing->n_features : 0);  // format 2: 0 = no hashing
  p.u8(options_.hashing && options_.hashing->alternate_sign);
  p.u8(a.decompound);  // format 3
  p.i64(r.ngram_min_df);
  p.str(metadata_);
  // Format 2: the corpus statistics, from which loading recomputes the fitted state.
  p.u8(stats_.has_value());
  if (stats_) {
    write_stats(p, *stats_);
    if (a.decompound) write_stats(p, *compounds_);  // format 3
  }
  p.u8(state_.has_value());
  if (state_ && options_.hashing) {  // per-column document frequencies; idf is recomputed
    p.i64(state_->n_docs);
    for (const auto d : state_->df) p.i64(d);
  } else if (state_ && !stats_) {
    const FittedState& s = *state_;
    p.i64(s.n_docs);
    p.f64(s.avg_doc_len);
    p.u64(s.vocabulary.size());
    for (const auto& t : s.vocabulary.terms()) p.str(t);
    for (const auto d : s.df) p.i64(d);
    for (const auto v : s.idf) p.f64(v);
    if (a.decompound) {  // format 3
      p.u64(s.lexicon->stems.size());
      for (const auto& t : s.lexicon->stems.terms()) p.str(t);
      for (const auto d : s.lexicon->df) p.i64(d);
    }
  }
  Writer file;
  file.bytes().append(kMagic, sizeof kMagic);
  file.u32(kFormatVersion);
  file.u64(p.bytes().size());
  file.bytes().append(p.bytes());
  file.u32(crc32(p.bytes()));
  return std::move(file.bytes());
}

Vectorizer Vectorizer::from_bytes(std::string_view bytes) {
  if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    throw FormatError("not a newsim model (the file does not start with the newsim magic bytes)");
  if (bytes.size() < kHeader + 4) throw FormatError("corrupted newsim model: truncated header");
  Reader header(bytes.substr(sizeof kMagic));
  const std::uint32_t version = header.u32();
  if (version == 0 || version > kFormatVersion)
    throw FormatError("newsim model format version " + std::to_string(version) +
                      " is not supported by this newsim (it reads versions 1 to " +
                      std::to_string(kFormatVersion) + "); upgrade newsim to load it");
  const std::uint64_t len = header.u64();
  if (len != bytes.size() - kHeader - 4)
    throw FormatError("corrupted newsim model: the payload is " +
                      std::to_string(bytes.size() - kHeader - 4) + " bytes, the header says " +
                      std::to_string(len) + " (truncated or extended file)");
  const std::string_view payload = bytes.substr(kHeader, static_cast<std::size_t>(len));
  Reader tail(bytes.substr(kHeader + static_cast<std::size_t>(len)));
  if (tail.u32() != crc32(payload))
    throw FormatError("corrupted newsim model: checksum mismatch (the file was modified or damaged)");

  // A payload that does not parse under the version its header names: say which version it
  // was read as (a flipped version bit reads a valid file as another version).
  auto parse = [&]() -> Vectorizer {
    Reader p(payload);
    VectorizerOptions o;
    AnalyzerOptions& a = o.analyzer;
    a.analyzer = p.enumeration<AnalyzerKind>(2, "analyzer");
    a.tokenization = p.enumeration<Tokenization>(1, "tokenization");
    a.lowercase = p.flag("lowercase");
    a.strip_accents = p.enumeration<AccentStrip>(2, "strip_accents");
    const std::size_t n_stop = p.count(8, "stop word");
    for (std::size_t i = 0; i < n_stop; ++i) a.stop_words.push_back(p.str("stop word"));
    a.stemmer = p.str("stemmer");
    a.min_token_len = static_cast<std::size_t>(p.u64());
    a.min_word_run = static_cast<std::size_t>(p.u64());
    a.ngram_min = static_cast<std::size_t>(p.u64());
    a.ngram_max = static_cast<std::size_t>(p.u64());
    a.compounds = p.enumeration<Compounds>(2, "compounds");
    PruneOptions& r = o.prune;
    r.min_df = p.f64();
    r.min_df_is_count = p.flag("min_df");
    r.max_df = p.f64();
    r.max_df_is_count = p.flag("max_df");
    const bool has_max_features = p.flag("max_features");
    const std::uint64_t max_features = p.u64();
    if (has_max_features) r.max_features = static_cast<std::size_t>(max_features);
    else if (max_features != 0) Reader::bad("max_features value without its flag");
    WeightingOptions& w = o.weighting;
    w.scheme = p.enumeration<Scheme>(1, "weighting");
    w.binary = p.flag("binary");
    w.use_idf = p.flag("use_idf");
    w.smooth_idf = p.flag("smooth_idf");
    w.sublinear_tf = p.flag("sublinear_tf");
    w.norm = p.enumeration<Norm>(2, "norm");
    w.k1 = p.f64();
    w.b = p.f64();
    const bool fixed_vocabulary = p.flag("vocabulary");
    if (fixed_vocabulary && version >= 2) {
      const std::size_t n = p.count(8, "vocabulary term");
      std::vector<std::string> terms;
      terms.reserve(n);
      for (std::size_t i = 0; i < n; ++i) terms.push_back(p.str("vocabulary term"));
      try {
        Vocabulary check(terms);
      } catch (const InvalidOptionError&) {
        Reader::bad("duplicate term in the fixed vocabulary");
      }
      if (terms.empty()) Reader::bad("empty fixed vocabulary");
      o.vocabulary = std::move(terms);
    }
    o.float64 = p.flag("dtype");
    if (version >= 2) {
      const std::uint64_t n_features = p.u64();
      const bool alternate_sign = p.flag("alternate_sign");
      if (n_features > 0) o.hashing = HashingOptions{static_cast<std::size_t>(n_features), alternate_sign};
      else if (alternate_sign) Reader::bad("alternate_sign without hashing");
    }
    if (version >= 3) {
      a.decompound = p.flag("decompound");
      r.ngram_min_df = p.i64();
    }
    std::string metadata = p.str("metadata");
    std::optional<TermStats> stats;
    std::optional<TermStats> compounds;
    if (version >= 2 && p.flag("statistics")) {
      stats = read_stats(p);
      if (a.decompound) {
        compounds = read_stats(p);
        if (compounds->n_docs() != stats->n_docs()) Reader::bad("compound statistics of other documents");
      }
    }
    const bool fitted = p.flag("fitted");
    try {
      o.analyzer.validate();
      o.prune.validate();
      o.weighting.validate();
      if (o.hashing) o.validate();
    } catch (const InvalidOptionError& e) {
      throw FormatError(std::string("corrupted newsim model: invalid option: ") + e.what());
    }
    if (o.hashing) {
      if (stats) Reader::bad("statistics in a hashing model");
      Vectorizer v(std::move(o));
      v.set_metadata(std::move(metadata));
      if (fitted) {
        FittedState s;
        s.n_docs = p.i64();
        if (s.n_docs <= 0) Reader::bad("invalid statistics");
        const std::size_t n = v.options_.hashing->n_features;
        if (p.remaining() / 8 < n) Reader::bad("truncated document frequencies");
        s.df.resize(n);
        for (auto& d : s.df) {
          d = p.i64();
          if (d < 0 || d > s.n_docs) Reader::bad("document frequency out of range");
        }
        s.idf = compute_idf(v.options_.weighting, s.df, s.n_docs);
        v.state_ = std::move(s);
      }
      if (p.remaining() != 0) Reader::bad("trailing bytes");
      return v;
    }
    if (version == 1 && fixed_vocabulary && !fitted) Reader::bad("fixed vocabulary without fitted state");
    if (!fitted || stats) {
      if (p.remaining() != 0) Reader::bad("trailing bytes");
      Vectorizer v(std::move(o));
      v.set_metadata(std::move(metadata));
      if (stats) {
        v.stats_ = std::move(*stats);
        v.compounds_ = std::move(compounds);
        if (fitted) {
          try {
            v.finalize();
          } catch (const std::invalid_argument& e) {
            throw FormatError(std::string("corrupted newsim model: its statistics do not finalize: ") + e.what());
          }
        }
      }
      return v;
    }
    FittedState s;
    s.n_docs = p.i64();
    s.avg_doc_len = p.f64();
    if (s.n_docs <= 0 || !std::isfinite(s.avg_doc_len) || s.avg_doc_len < 0) Reader::bad("invalid statistics");
    const std::size_t n_terms = p.count(8 + 8 + 8, "term");
    std::vector<std::string> terms;
    terms.reserve(n_terms);
    for (std::size_t i = 0; i < n_terms; ++i) terms.push_back(p.str("term"));
    s.df.resize(n_terms);
    for (auto& d : s.df) {
      d = p.i64();
      if (d < 0 || d > s.n_docs) Reader::bad("document frequency out of range");
    }
    s.idf.resize(n_terms);
    for (auto& v : s.idf) {
      v = p.f64();
      if (!std::isfinite(v)) Reader::bad("non-finite idf");
    }
    // The stored idf must be the one its statistics give (a format-1 file stores both).
    if (s.idf != compute_idf(o.weighting, s.df, s.n_docs))
      Reader::bad("the idf does not match the document frequencies");
    if (a.decompound) {
      const std::size_t n = p.count(8 + 8, "lexicon term");
      std::vector<std::string> stems;
      stems.reserve(n);
      for (std::size_t i = 0; i < n; ++i) stems.push_back(p.str("lexicon term"));
      CompoundLexicon lex;
      lex.df.resize(n);
      for (auto& d : lex.df) {
        d = p.i64();
        if (d < 2 || d > s.n_docs) Reader::bad("lexicon document frequency out of range");
      }
      try {
        lex.stems = Vocabulary(std::move(stems));
      } catch (const InvalidOptionError&) {
        Reader::bad("duplicate term in the compound lexicon");
      }
      s.lexicon = std::move(lex);
    }
    if (p.remaining() != 0) Reader::bad("trailing bytes");
    try {
      s.vocabulary = Vocabulary(terms);
    } catch (const InvalidOptionError&) {
      Reader::bad("duplicate term in vocabulary");
    }
    if (fixed_vocabulary) {
      if (version == 1) {
        o.vocabulary = std::move(terms);
      } else if (*o.vocabulary != terms) {
        Reader::bad("the fitted vocabulary differs from the fixed one");
      }
    }
    Vectorizer v(std::move(o), std::move(s));
    v.set_metadata(std::move(metadata));
    return v;
  };
  try {
    return parse();
  } catch (const FormatError& e) {
    if (version == kFormatVersion) throw;
    throw FormatError(std::string(e.what()) + " (read as format version " + std::to_string(version) + ')');
  }
}

}  // namespace newsim
