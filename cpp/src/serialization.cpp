#include "newsim/serialization.hpp"

#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <algorithm>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

#include "newsim/errors.hpp"
#include "newsim/vectorizer.hpp"
#include "term_aliases.hpp"

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
  [[nodiscard]] std::size_t position() const noexcept { return pos_; }
  [[nodiscard]] std::string_view consumed_since(std::size_t start) const noexcept {
    return b_.substr(start, pos_ - start);
  }
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

/// Whether `terms` (a fitted state's) are what a fit with `o`'s fixed vocabulary gives: the
/// entries, or with normalize_vocabulary each column's entry or its alias.
bool fits_fixed_vocabulary(const VectorizerOptions& o, const std::vector<std::string>& terms) {
  const std::vector<std::string>& entries = *o.vocabulary;
  if (!o.normalize_vocabulary || terms.size() != entries.size()) return terms == entries;
  const detail::TermAliases aliases(Analyzer(o.analyzer).impl(), entries);  // options validated
  for (std::size_t j = 0; j < terms.size(); ++j)
    if (terms[j] != entries[j] && terms[j] != aliases.alias(j)) return false;
  return true;
}

/// Formats 1 to 3: the options in a fixed order (frozen: later options are keyed fields). Returns
/// whether the model has a fixed vocabulary (format 1 stores only that flag, not the terms).
bool read_positional_options(Reader& p, std::uint32_t version, VectorizerOptions& o) {
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
  return fixed_vocabulary;
}

// Format 4: the options as keyed fields, one per declared option (options.hpp), in declaration
// order: the name, a type tag, the value. A file that lacks an option (written before it
// existed) gets its declared default; an option this newsim does not know is refused (a newer
// newsim wrote it). Declarations are only ever added, never moved: the order is part of the
// format.
enum class Tag : std::uint8_t { none, flag, integer, real, text, words, pair, choice };

class OptionWriter final : public OptionVisitor {
 public:
  explicit OptionWriter(Writer& out) : out_(out) {}
  std::uint64_t count = 0;
  void flag(std::string_view name, bool& v) override {
    key(name, Tag::flag);
    out_.u8(v);
  }
  void integer(std::string_view name, std::int64_t& v, Bounds) override {
    key(name, Tag::integer);
    out_.i64(v);
  }
  void optional_integer(std::string_view name, std::optional<std::int64_t>& v, Bounds b) override {
    if (v) integer(name, *v, b);
    else key(name, Tag::none);
  }
  void real(std::string_view name, double& v, Bounds) override {
    key(name, Tag::real);
    out_.f64(v);
  }
  void text(std::string_view name, std::string& v) override {
    key(name, Tag::text);
    out_.str(v);
  }
  void words(std::string_view name, std::vector<std::string>& v) override {
    key(name, Tag::words);
    out_.u64(v.size());
    for (const auto& w : v) out_.str(w);
  }
  void optional_words(std::string_view name, std::optional<std::vector<std::string>>& v) override {
    if (v) words(name, *v);
    else key(name, Tag::none);
  }
  void pair(std::string_view name, std::int64_t& low, std::int64_t& high, Bounds) override {
    key(name, Tag::pair);
    out_.i64(low);
    out_.i64(high);
  }
  void choice(std::string_view name, std::size_t& index, std::span<const std::string_view> names) override {
    key(name, Tag::choice);
    out_.str(names[index]);  // by name: a later reordering of the choices cannot change a file
  }

 private:
  void key(std::string_view name, Tag tag) {
    ++count;
    out_.str(name);
    out_.u8(static_cast<std::uint8_t>(tag));
  }
  Writer& out_;
};

void write_options(Writer& p, const VectorizerOptions& options) {
  Writer fields;
  OptionWriter writer(fields);
  VectorizerOptions(options).declare(writer);
  p.u64(writer.count);
  p.bytes().append(fields.bytes());
}

/// One stored option: its type tag and its value's bytes, read on demand.
struct StoredOption {
  Tag tag;
  std::string_view bytes;
  bool used = false;
};

class OptionReader final : public OptionVisitor {
 public:
  explicit OptionReader(std::map<std::string, StoredOption, std::less<>>& stored) : stored_(stored) {}
  /// The stored options' names in the order of their declaration.
  std::vector<std::string> read_in_order;
  void flag(std::string_view name, bool& v) override {
    if (auto r = get(name, Tag::flag)) v = r->flag(std::string(name).c_str());
  }
  void integer(std::string_view name, std::int64_t& v, Bounds) override {
    if (auto r = get(name, Tag::integer)) v = r->i64();
  }
  void optional_integer(std::string_view name, std::optional<std::int64_t>& v, Bounds) override {
    if (auto r = get(name, Tag::integer, true)) v = r->remaining() ? std::optional(r->i64()) : std::nullopt;
  }
  void real(std::string_view name, double& v, Bounds) override {
    if (auto r = get(name, Tag::real)) v = r->f64();
  }
  void text(std::string_view name, std::string& v) override {
    if (auto r = get(name, Tag::text)) v = r->str(std::string(name).c_str());
  }
  void words(std::string_view name, std::vector<std::string>& v) override {
    if (auto r = get(name, Tag::words)) v = read_words(*r, name);
  }
  void optional_words(std::string_view name, std::optional<std::vector<std::string>>& v) override {
    if (auto r = get(name, Tag::words, true)) v = r->remaining() ? std::optional(read_words(*r, name)) : std::nullopt;
  }
  void pair(std::string_view name, std::int64_t& low, std::int64_t& high, Bounds) override {
    if (auto r = get(name, Tag::pair)) {
      low = r->i64();
      high = r->i64();
    }
  }
  void choice(std::string_view name, std::size_t& index, std::span<const std::string_view> names) override {
    if (auto r = get(name, Tag::choice)) {
      const std::string value = r->str(std::string(name).c_str());
      const auto it = std::find(names.begin(), names.end(), value);
      if (it == names.end())
        Reader::bad("option '" + std::string(name) + "' has the value '" + value +
                    "', unknown to this newsim (a newer newsim wrote it? upgrade newsim to load it)");
      index = static_cast<std::size_t>(it - names.begin());
    }
  }

 private:
  /// A reader of the stored value, or nothing when the file lacks the option (the declared
  /// default stays). `nullable`: a none tag gives an empty reader.
  std::optional<Reader> get(std::string_view name, Tag tag, bool nullable = false) {
    const auto it = stored_.find(name);
    if (it == stored_.end()) return std::nullopt;
    it->second.used = true;
    read_in_order.push_back(it->first);
    if (nullable && it->second.tag == Tag::none) return Reader(std::string_view{});
    if (it->second.tag != tag) Reader::bad("option '" + std::string(name) + "' has the wrong type");
    return Reader(it->second.bytes);
  }
  static std::vector<std::string> read_words(Reader& r, std::string_view name) {
    const std::size_t n = r.count(8, std::string(name).c_str());
    std::vector<std::string> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) out.push_back(r.str(std::string(name).c_str()));
    return out;
  }
  std::map<std::string, StoredOption, std::less<>>& stored_;
};

/// The size of one stored value of type `tag` at the start of `p` (the reader moves past it).
std::string_view skip_value(Reader& p, Tag tag) {
  const std::size_t start = p.position();
  switch (tag) {
    case Tag::none: break;
    case Tag::flag: (void)p.u8(); break;
    case Tag::integer: (void)p.i64(); break;
    case Tag::real: (void)p.f64(); break;
    case Tag::text:
    case Tag::choice: (void)p.str("option value"); break;
    case Tag::words: {
      const std::size_t n = p.count(8, "option value");
      for (std::size_t i = 0; i < n; ++i) (void)p.str("option value");
      break;
    }
    case Tag::pair:
      (void)p.i64();
      (void)p.i64();
      break;
  }
  return p.consumed_since(start);
}

/// Reads format 4's keyed options into `o` (declared defaults for absent ones). Returns whether
/// the model has a fixed vocabulary.
bool read_options(Reader& p, VectorizerOptions& o) {
  const std::size_t n = p.count(8 + 1, "option");
  std::map<std::string, StoredOption, std::less<>> stored;
  std::vector<std::string> file_order;
  for (std::size_t i = 0; i < n; ++i) {
    std::string name = p.str("option name");
    file_order.push_back(name);
    const std::uint8_t tag = p.u8();
    if (tag > static_cast<std::uint8_t>(Tag::choice)) Reader::bad("option '" + name + "' has an unknown type");
    const std::string_view bytes = skip_value(p, static_cast<Tag>(tag));
    if (!stored.emplace(std::move(name), StoredOption{static_cast<Tag>(tag), bytes}).second)
      Reader::bad("an option is stored twice");
  }
  OptionReader reader(stored);
  try {
    o.declare(reader);
  } catch (const InvalidOptionError& e) {
    Reader::bad(std::string("invalid option: ") + e.what());
  }
  for (const auto& [name, option] : stored)
    if (!option.used)
      Reader::bad("option '" + name + "' is unknown to this newsim (a newer newsim wrote it? upgrade newsim to load it)");
  // Options are written in their declaration order (new ones only ever added), so a file that
  // loads is canonical but for options it predates: a file in another order was not written
  // by newsim. (The format fixtures fail if a declaration is ever moved.)
  if (reader.read_in_order != file_order) Reader::bad("the options are not in their declared order");
  return o.vocabulary.has_value();
}

}  // namespace

std::uint32_t crc32(std::string_view bytes) noexcept {
  static const auto table = make_crc_table();
  std::uint32_t c = 0xFFFFFFFFu;
  for (const char ch : bytes) c = table[(c ^ static_cast<unsigned char>(ch)) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

std::string Vectorizer::to_bytes() const {
  const auto lock = lock_writers();  // the statistics and metadata as no writer is changing them
  const auto published = state_.load();
  // A state older than the statistics (after partial_fit) is not stored: loading finalizes.
  const FittedState* state = published && (!state_.stale() || !stats_) ? published.get() : nullptr;
  Writer p;
  write_options(p, options_);
  const bool decompound = options_.analyzer.decompound;
  p.str(metadata_);
  // Format 2: the corpus statistics, from which loading recomputes the fitted state.
  p.u8(stats_.has_value());
  if (stats_) {
    write_stats(p, *stats_);
    if (decompound) write_stats(p, *compounds_);  // format 3
  }
  p.u8(state != nullptr);
  if (state != nullptr && options_.hashing) {  // per-column document frequencies; idf is recomputed
    p.i64(state->n_docs);
    for (const auto d : state->df) p.i64(d);
  } else if (state != nullptr && !stats_) {
    const FittedState& s = *state;
    p.i64(s.n_docs);
    p.f64(s.avg_doc_len);
    p.u64(s.vocabulary.size());
    for (const auto& t : s.vocabulary.terms()) p.str(t);
    for (const auto d : s.df) p.i64(d);
    for (const auto v : s.idf) p.f64(v);
    if (decompound) {  // format 3
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
  if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    constexpr char kIndexMagic[8] = {'N', 'E', 'W', 'S', 'I', 'M', 'I', '\x1a'};  // index_file.cpp
    if (bytes.size() >= sizeof kIndexMagic && std::memcmp(bytes.data(), kIndexMagic, sizeof kIndexMagic) == 0)
      throw FormatError("this is a newsim index file, not a newsim model: load it with newsim.SimilarityIndex.load()");
    throw FormatError("not a newsim model (the file does not start with the newsim magic bytes)");
  }
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
    // Format 4 stores the options as keyed fields; formats 1 to 3 in a fixed order.
    const bool fixed_vocabulary = version >= 4 ? read_options(p, o) : read_positional_options(p, version, o);
    if (o.vocabulary) {
      try {
        Vocabulary check(*o.vocabulary);
      } catch (const InvalidOptionError&) {
        Reader::bad("duplicate term in the fixed vocabulary");
      }
      if (o.vocabulary->empty()) Reader::bad("empty fixed vocabulary");
    }
    AnalyzerOptions& a = o.analyzer;
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
      if (o.hashing || o.vocabulary) o.validate();
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
        v.state_.publish(std::move(s));
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
      if (version == 1) {  // format 1 stores the fixed vocabulary as the fitted one only
        o.vocabulary = std::move(terms);
        try {
          o.validate();
        } catch (const InvalidOptionError& e) {
          throw FormatError(std::string("corrupted newsim model: invalid option: ") + e.what());
        }
      } else if (!fits_fixed_vocabulary(o, terms)) {
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
