#include "newsim/analyzer.hpp"

#include <libstemmer.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "newsim/errors.hpp"
#include "newsim/text.hpp"
#include "decompound.hpp"
#include "session.hpp"
#include "unicode.hpp"

namespace newsim {

// ------------------------------------------------------------------------------------- options

void set_python_unicode_version(unsigned major, unsigned minor) noexcept {
  detail::set_python_unicode_version(major, minor);
}

std::vector<std::string> stemmer_languages() {
  std::vector<std::string> out;
  for (const char** p = sb_stemmer_list(); *p != nullptr; ++p) out.emplace_back(*p);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

namespace {
/// `s` for an error message: printable ASCII as is, every other byte as \xNN (the message must
/// stay valid UTF-8 whatever the input was).
std::string printable(std::string_view s) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (const char ch : s) {
    const auto b = static_cast<unsigned char>(ch);
    if (b >= 0x20 && b < 0x7F) {
      out.push_back(ch);
    } else {
      out += "\\x";
      out.push_back(digits[b >> 4]);
      out.push_back(digits[b & 0xF]);
    }
  }
  return out;
}
}  // namespace

void AnalyzerOptions::declare(OptionVisitor& v) {
  static constexpr std::array<std::string_view, 3> kAnalyzers{"word", "char", "char_wb"};
  static constexpr std::array<std::string_view, 2> kTokenizations{"unicode", "regex_word"};
  static constexpr std::array<std::string_view, 3> kStrips{"none", "unicode", "ascii"};
  static constexpr std::array<std::string_view, 3> kCompounds{"split", "whole", "both"};
  v.choice("analyzer", analyzer, kAnalyzers);
  v.choice("tokenization", tokenization, kTokenizations);
  v.flag("lowercase", lowercase);
  v.choice("strip_accents", strip_accents, kStrips);
  v.words("stop_words", stop_words);
  v.text("stemmer", stemmer);
  v.integer("min_token_len", min_token_len, {0});
  v.integer("min_word_run", min_word_run, {1});
  v.pair("ngram_range", ngram_min, ngram_max, {1, 64});
  v.choice("compounds", compounds, kCompounds);
  v.flag("decompound", decompound);
}

void AnalyzerOptions::validate() const {
  // The pair's order first (its message shows both values as given), then the declared rules.
  const auto lo = static_cast<std::int64_t>(ngram_min);
  const auto hi = static_cast<std::int64_t>(ngram_max);
  const std::string got = std::string("(").append(std::to_string(lo)).append(", ").append(std::to_string(hi)).append(")");
  if (lo < 1 || hi < lo)
    throw InvalidOptionError("ngram_range", "ngram_range must satisfy 1 <= min_n <= max_n, got " + got + ".");
  if (hi > (std::int64_t{1} << 31))
    throw InvalidOptionError("ngram_range", "ngram_range must satisfy 1 <= min_n <= max_n <= 64, got " + got +
                                                " (max_n is implausibly large).");
  if (hi > 64)
    throw InvalidOptionError("ngram_range",
                             "ngram_range upper bound must be at most 64, got " + std::to_string(hi) + ".");
  check_declared(*this);
  if (decompound && (analyzer != AnalyzerKind::word || tokenization != Tokenization::unicode))
    throw InvalidOptionError("decompound",
                             "decompound=True needs analyzer='word' with newsim's own tokenization.");
  if (min_word_run < 1)
    throw InvalidOptionError("token_pattern", "the minimum word run must be at least 1.");
  if (!stemmer.empty()) {
    const auto langs = stemmer_languages();
    if (!std::binary_search(langs.begin(), langs.end(), stemmer)) {
      std::string list;
      for (const auto& l : langs) list += (list.empty() ? "" : ", ") + l;
      throw InvalidOptionError("stemmer", "stemmer must be one of the Snowball algorithms (" +
                                              list + ") or None, got '" + printable(stemmer) + "'.");
    }
  }
  for (std::size_t i = 0; i < stop_words.size(); ++i) {
    std::string buf;
    try {
      to_utf8(TextRef::utf8(stop_words[i]), buf, i);
    } catch (const DocumentError&) {
      throw InvalidOptionError("stop_words",
                               "stop_words[" + std::to_string(i) + "] is not valid UTF-8.");
    }
  }
}

// ------------------------------------------------------------------------------------- session

namespace detail {

Session::Session(const AnalyzerImpl& analyzer) : an_(analyzer) {
  // The tables grow as needed: starting small keeps a call on a few words cheap (a large
  // reservation here cost ~0.4 ms per call in page faults and rehashing).
  stemmer_ = make_stemmer(an_.options.stemmer);
}

std::string_view Session::preprocess_regex(std::string_view text) {
  // scikit-learn's preprocessing: lowercase, then strip accents, on the whole document.
  std::string_view src = text;
  if (an_.options.lowercase) {
    python_lower(src, buf_a_);
    src = buf_a_;
  }
  switch (an_.options.strip_accents) {
    case AccentStrip::none: break;
    case AccentStrip::unicode:
      strip_accents_unicode(src, buf_b_);
      src = buf_b_;
      break;
    case AccentStrip::ascii:
      strip_accents_ascii(src, buf_b_);
      src = buf_b_;
      break;
  }
  return src;
}

void Session::segment(std::string_view text, std::vector<Segment>& segments) {
  if (an_.unicode())
    segmenter_.segment(text, segments);
  else
    segment_word_runs(text, an_.options.min_word_run, segments);
}

std::size_t Session::hyphen_between(std::string_view text, const Segment& a,
                                    const Segment& b) const noexcept {
  const std::size_t gap = b.begin - a.end;
  if (gap == 1 && text[a.end] == '-') return 1;
  if (gap == 3 && text.substr(a.end, 2) == "\xE2\x80" &&
      (text[a.end + 2] == '\x90' || text[a.end + 2] == '\x91'))  // U+2010, U+2011
    return 3;
  return 0;
}

TermId Session::intern(std::string_view term) {
  const std::uint64_t h = hash_bytes(term);
  if (const std::uint32_t* id = terms_.find(term, h)) return *id;
  if (terms_.size() >= kSurfaceBit) throw std::length_error("more than 2^31 distinct terms");
  return terms_.insert(term, h, static_cast<std::uint32_t>(terms_.size()));
}

TermId Session::normalize(std::string_view raw) {
  const AnalyzerOptions& o = an_.options;
  std::string_view t = raw;
  if (an_.unicode()) {
    bool ascii = true;
    for (const char ch : raw) ascii = ascii && static_cast<unsigned char>(ch) < 0x80;
    if (ascii) {  // ASCII is NFKC already; its case folding is lowercasing
      buf_c_.assign(raw);
      if (o.lowercase)
        for (char& ch : buf_c_)
          if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch + 32);
    } else if (o.lowercase) {
      nfkc_casefold(raw, buf_c_);
    } else {
      nfkc(raw, buf_c_);
    }
    t = buf_c_;
    if (o.strip_accents != AccentStrip::none) {
      std::string stripped;
      if (o.strip_accents == AccentStrip::unicode)
        strip_accents_token(t, stripped);
      else
        strip_accents_ascii(t, stripped);
      buf_c_ = std::move(stripped);
      t = buf_c_;
    }
  }
  if (t.empty() || count_code_points(t) < o.min_token_len) return kDropped;
  if (an_.stop_words.contains(t)) return kDropped;
  const bool candidate = o.decompound && compound_candidate(t);
  std::uint32_t surface = 0;
  if (candidate) {
    const std::uint64_t h = hash_bytes(t);
    if (const std::uint32_t* s = surfaces_.find(t, h)) {
      return kSurfaceBit | *s;  // another raw form of a known surface: same term
    }
    surface = surfaces_.insert(t, h, static_cast<std::uint32_t>(surfaces_.size()));
  }
  if (stemmer_) t = stemmer_->stem(t);
  const TermId id = intern(t);
  if (!candidate) return id;
  surface_term_.push_back(id);
  return kSurfaceBit | surface;
}

TermId Session::lookup(std::string_view raw, std::uint64_t h) {
  if (const std::uint32_t* id = raw_cache_.find(raw, h)) return *id;
  const TermId id = normalize(raw);
  raw_cache_.insert(raw, h, id);
  return id;
}

TermId Session::lookup_short(std::string_view raw, ShortKey key, std::uint64_t h) {
  if (const std::uint32_t* id = raw_cache_.find_short(key, raw.size(), h)) return *id;
  const TermId id = normalize(raw);
  raw_cache_.insert(raw, h, id);
  return id;
}

TermId Session::ngram(const TermId* ids, std::size_t n) {
  const std::string_view key(reinterpret_cast<const char*>(ids), n * sizeof(TermId));
  const std::uint64_t h = hash_bytes(key);
  if (const std::uint32_t* id = ngrams_.find(key, h)) return *id;
  return new_ngram(ids, n, h);
}

void Session::bigrams(std::vector<TermId>& out) {
  // ngram() for every pair of neighbours, with the keys hashed first and their slots fetched a
  // few pairs ahead: the table of a large corpus's pairs is far bigger than the cache, and
  // lookups in flight overlap their memory latency.
  const std::size_t m = unigrams_.size() - 1;
  pair_keys_.resize(m);
  for (std::size_t i = 0; i < m; ++i) {
    const std::string_view key(reinterpret_cast<const char*>(unigrams_.data() + i), 2 * sizeof(TermId));
    const ShortKey k = short_key(key);
    pair_keys_[i] = TokenKey{k, hash_short(k, key.size())};  // = hash_bytes(key)
  }
  constexpr std::size_t kAhead = 12;
  for (std::size_t i = 0; i < std::min(kAhead, m); ++i) ngrams_.prefetch(pair_keys_[i].hash);
  for (std::size_t i = 0; i < m; ++i) {
    if (i + kAhead < m) ngrams_.prefetch(pair_keys_[i + kAhead].hash);
    const TokenKey& k = pair_keys_[i];
    const std::uint32_t* id = ngrams_.find_short(k.key, 2 * sizeof(TermId), k.hash);
    out.push_back(id != nullptr ? *id : new_ngram(unigrams_.data() + i, 2, k.hash));
  }
}

TermId Session::new_ngram(const TermId* ids, std::size_t n, std::uint64_t h) {
  const std::string_view key(reinterpret_cast<const char*>(ids), n * sizeof(TermId));
  std::string joined;
  for (std::size_t k = 0; k < n; ++k) {
    if (k > 0) joined.push_back(' ');
    joined.append(term(ids[k]));
  }
  const TermId id = intern(joined);
  ngrams_.insert(key, h, id);
  return id;
}

void Session::word_terms(std::string_view text, std::vector<TermId>& out) {
  const AnalyzerOptions& o = an_.options;
  const std::string_view src = an_.unicode() ? text : preprocess_regex(text);
  segment(src, segments_);
  unigrams_.clear();
  extras_.clear();
  const bool compounds = an_.unicode() && o.compounds != Compounds::split;
  const std::size_t n_seg = segments_.size();
  // Hash tokens a few ahead and prefetch their slots: the cache lookups then overlap their
  // memory latency instead of paying it one after another.
  constexpr std::size_t kAhead = 12;
  keys_.resize(n_seg);
  auto hash_at = [&](std::size_t k) {
    const Segment& sg = segments_[k];
    const std::size_t len = sg.end - sg.begin;
    TokenKey& tk = keys_[k];
    if (len <= kShortKey) {
      // Tokens short enough for a short key, read with whole-word loads where 16 bytes remain.
      tk.key = sg.begin + kShortKey <= src.size() ? short_key_padded(src.data() + sg.begin, len)
                                                  : short_key(src.substr(sg.begin, len));
      tk.hash = hash_short(tk.key, len);
    } else {
      tk.hash = hash_bytes(src.substr(sg.begin, len));
    }
    raw_cache_.prefetch(tk.hash);
  };
  std::size_t hashed = 0;
  for (std::size_t i = 0; i < n_seg; ++i) {
    for (const std::size_t until = std::min(n_seg, i + kAhead); hashed < until;) hash_at(hashed++);
    std::size_t j = i;
    if (compounds)
      while (j + 1 < n_seg && hyphen_between(src, segments_[j], segments_[j + 1]) > 0) ++j;
    if (j > i) {  // segments i..j form a hyphenated compound
      const TermId whole = resolve(lookup(src.substr(segments_[i].begin, segments_[j].end - segments_[i].begin)));
      if (o.compounds == Compounds::both) {
        for (std::size_t k = i; k <= j; ++k) {
          const TermId id = resolve(lookup(src.substr(segments_[k].begin, segments_[k].end - segments_[k].begin)));
          if (id != kDropped) unigrams_.push_back(id);
        }
        if (whole != kDropped) extras_.push_back(whole);
      } else if (whole != kDropped) {
        unigrams_.push_back(whole);
      }
      i = j;
      continue;
    }
    const std::string_view raw = src.substr(segments_[i].begin, segments_[i].end - segments_[i].begin);
    const TermId id = resolve(raw.size() <= kShortKey ? lookup_short(raw, keys_[i].key, keys_[i].hash)
                                                      : lookup(raw, keys_[i].hash));
    if (id != kDropped) unigrams_.push_back(id);
  }
  // Word n-grams as scikit-learn forms them: unigrams first, then bigrams, ...
  const std::size_t n_tok = unigrams_.size();
  std::size_t n_min = o.ngram_min;
  if (n_min == 1) {
    out.insert(out.end(), unigrams_.begin(), unigrams_.end());
    out.insert(out.end(), extras_.begin(), extras_.end());
    n_min = 2;
  }
  for (std::size_t n = n_min; n <= std::min(o.ngram_max, n_tok); ++n) {
    if (n == 2) {
      bigrams(out);
      continue;
    }
    for (std::size_t i = 0; i + n <= n_tok; ++i) out.push_back(ngram(unigrams_.data() + i, n));
  }
}

void Session::char_terms(std::string_view text, std::vector<TermId>& out) {
  const AnalyzerOptions& o = an_.options;
  std::string_view src;
  if (an_.unicode()) {
    if (o.lowercase)
      nfkc_casefold(text, buf_a_);
    else
      nfkc(text, buf_a_);
    if (o.strip_accents == AccentStrip::unicode) {
      strip_accents_token(buf_a_, buf_b_);
      buf_a_.swap(buf_b_);
    } else if (o.strip_accents == AccentStrip::ascii) {
      strip_accents_ascii(buf_a_, buf_b_);
      buf_a_.swap(buf_b_);
    }
    src = buf_a_;
  } else {
    src = preprocess_regex(text);
  }
  // Replace runs of two or more whitespace characters by one space (scikit-learn's `\s\s+`).
  std::string& norm = buf_c_;
  norm.clear();
  std::size_t i = 0;
  while (i < src.size()) {
    const std::size_t start = i;
    const char32_t c = decode_utf8(src, i);
    if (!python_is_space(c)) {
      norm.append(src, start, i - start);
      continue;
    }
    std::size_t j = i;
    std::size_t run_end = i;
    bool run = false;
    while (j < src.size()) {
      std::size_t k = j;
      if (!python_is_space(decode_utf8(src, k))) break;
      run = true;
      j = k;
      run_end = k;
    }
    if (run) {
      norm.push_back(' ');
      i = run_end;
    } else {
      norm.append(src, start, i - start);
    }
  }
  auto emit = [&](std::string_view s, std::size_t n_min, std::size_t n_max, bool wb) {
    offsets_.clear();
    for (std::size_t p = 0; p < s.size();) {
      offsets_.push_back(p);
      decode_utf8(s, p);
    }
    const std::size_t len = offsets_.size();
    offsets_.push_back(s.size());
    auto sub = [&](std::size_t a, std::size_t n) {
      const std::size_t e = std::min(a + n, len);
      return s.substr(offsets_[a], offsets_[e] - offsets_[a]);
    };
    if (!wb) {
      for (std::size_t n = n_min; n <= std::min(n_max, len); ++n)
        for (std::size_t a = 0; a + n <= len; ++a) out.push_back(intern(sub(a, n)));
      return;
    }
    for (std::size_t n = n_min; n <= n_max; ++n) {
      std::size_t offset = 0;
      out.push_back(intern(sub(offset, n)));
      while (offset + n < len) {
        ++offset;
        out.push_back(intern(sub(offset, n)));
      }
      if (offset == 0) break;  // a short word counts once
    }
  };
  if (o.analyzer == AnalyzerKind::chars) {
    emit(norm, o.ngram_min, o.ngram_max, false);
    return;
  }
  // char_wb: words are separated by whitespace; each is padded with one space on both sides.
  std::string padded;
  std::size_t p = 0;
  while (p < norm.size()) {
    std::size_t q = p;
    while (q < norm.size()) {
      std::size_t r = q;
      if (python_is_space(decode_utf8(norm, r))) break;
      q = r;
    }
    if (q > p) {
      padded.assign(1, ' ');
      padded.append(norm, p, q - p);
      padded.push_back(' ');
      emit(padded, o.ngram_min, o.ngram_max, true);
    }
    if (q >= norm.size()) break;
    p = q;
    decode_utf8(norm, p);  // skip the whitespace character
  }
}

void Session::analyze(std::string_view text, std::vector<TermId>& out,
                      std::vector<std::uint32_t>* surfaces) {
  surfaces_out_ = surfaces;
  if (an_.options.analyzer == AnalyzerKind::word)
    word_terms(text, out);
  else
    char_terms(text, out);
}

std::string normalize_word(const AnalyzerImpl& an, std::string_view word) {
  if (!an.unicode()) return std::string(word);
  const AnalyzerOptions& o = an.options;
  std::string folded;
  if (o.lowercase)
    nfkc_casefold(word, folded);
  else
    nfkc(word, folded);
  std::string stripped;
  if (o.strip_accents == AccentStrip::unicode) {
    strip_accents_token(folded, stripped);
    return stripped;
  }
  if (o.strip_accents == AccentStrip::ascii) {
    strip_accents_ascii(folded, stripped);
    return stripped;
  }
  return folded;
}

void Session::tokens(std::string_view text, std::vector<std::string>& out) {
  const std::string_view src = an_.unicode() ? text : preprocess_regex(text);
  segment(src, segments_);
  out.clear();
  for (const Segment& s : segments_) out.emplace_back(src.substr(s.begin, s.end - s.begin));
}

}  // namespace detail

// ------------------------------------------------------------------------------------ analyzer

Analyzer::Analyzer(AnalyzerOptions options) {
  options.validate();
  auto impl = std::make_shared<AnalyzerImpl>();
  impl->options = std::move(options);
  for (const std::string& w : impl->options.stop_words) impl->stop_words.insert(detail::normalize_word(*impl, w));
  impl_ = std::move(impl);
}

const AnalyzerOptions& Analyzer::options() const noexcept { return impl_->options; }

std::vector<std::string> Analyzer::analyze(std::string_view utf8) const {
  std::string buf;
  const std::string_view text = to_utf8(TextRef::utf8(utf8), buf, 0);
  detail::Session session(*impl_);
  std::vector<detail::TermId> ids;
  session.analyze(text, ids);
  std::vector<std::string> out;
  out.reserve(ids.size());
  for (const auto id : ids) out.emplace_back(session.term(id));
  return out;
}

std::vector<std::string> Analyzer::tokenize(std::string_view utf8) const {
  std::string buf;
  const std::string_view text = to_utf8(TextRef::utf8(utf8), buf, 0);
  detail::Session session(*impl_);
  std::vector<std::string> out;
  session.tokens(text, out);
  return out;
}

}  // namespace newsim
