#include "term_aliases.hpp"

#include <algorithm>
#include <optional>
#include <utility>

#include "newsim/errors.hpp"
#include "newsim/text.hpp"
#include "string_map.hpp"

namespace newsim::detail {

namespace {

std::string quoted(std::string_view s) { return std::string("'").append(s).append("'"); }

std::string ngram_range(const AnalyzerOptions& o) {
  return "ngram_range=(" + std::to_string(o.ngram_min) + ", " + std::to_string(o.ngram_max) + ")";
}

/// The terms of one entry, as the analyzer writes the word (or the words) it consists of.
class EntryAnalysis {
 public:
  explicit EntryAnalysis(const AnalyzerImpl& an) : an_(an) {
    AnalyzerOptions o = an.options;
    o.ngram_min = o.ngram_max = 1;  // the entry's words, which it then joins as an n-gram does
    o.decompound = false;           // a compound entry is the compound, not its parts
    if (o.compounds == Compounds::both) {
      // "KI-Infrastruktur" is the whole's term; a phrase is the n-gram of the parts.
      o.compounds = Compounds::whole;
      AnalyzerOptions parts = o;
      parts.compounds = Compounds::split;
      split_.emplace(std::move(parts));
      split_session_.emplace(split_->impl());
    }
    words_.emplace(std::move(o));
    session_.emplace(words_->impl());
  }

  /// The entry's words' terms (stop words and too-short words dropped).
  std::vector<std::string> words(std::string_view text) {
    ids_.clear();
    session_->analyze(text, ids_);
    Session* s = &*session_;
    if (split_session_ && ids_.size() > 1) {
      ids_.clear();
      split_session_->analyze(text, ids_);
      s = &*split_session_;
    }
    std::vector<std::string> out;
    out.reserve(ids_.size());
    for (const TermId id : ids_) out.emplace_back(s->term(id));
    return out;
  }

  /// Whether `entry` could be a term verbatim: words the analyzer writes (each one token,
  /// normalized), as many as an n-gram has. A stemmer writes stems that need not be words of
  /// their own (nor long enough, nor other than stop words), so with one only the form counts.
  bool could_occur_verbatim(std::string_view entry) {
    const AnalyzerOptions& o = an_.options;
    std::size_t n_words = 0;
    for (std::size_t begin = 0;;) {
      const std::size_t end = std::min(entry.find(' ', begin), entry.size());
      const std::string_view w = entry.substr(begin, end - begin);
      if (w.empty() || normalize_word(an_, w) != w) return false;
      const bool hyphenated_whole = o.compounds != Compounds::split && w.find('-') != std::string_view::npos;
      session_->tokens(w, raw_);
      if (!hyphenated_whole && (raw_.size() != 1 || raw_[0] != w)) return false;  // not one token
      if (o.stemmer.empty() && (an_.stop_words.contains(w) || count_code_points(w) < o.min_token_len))
        return false;
      ++n_words;
      if (end == entry.size()) break;
      begin = end + 1;
    }
    return n_words >= o.ngram_min && n_words <= o.ngram_max;
  }

  /// Why an entry with no term was dropped whole.
  std::string why_dropped(std::string_view text) {
    std::vector<std::string> raw;
    session_->tokens(text, raw);
    const std::string min_len = "min_token_len=" + std::to_string(an_.options.min_token_len);
    if (raw.empty()) return "has no letters or digits";
    if (raw.size() > 1) return "has only stop words or words shorter than " + min_len;
    const std::string w = normalize_word(an_, raw[0]);
    if (an_.stop_words.contains(w)) return "is a stop word";
    if (count_code_points(w) < an_.options.min_token_len) return "is shorter than " + min_len;
    return "is dropped by the analyzer";
  }

 private:
  const AnalyzerImpl& an_;
  std::optional<Analyzer> words_, split_;
  std::optional<Session> session_, split_session_;
  std::vector<TermId> ids_;
  std::vector<std::string> raw_;
};

/// Whether a character n-gram entry could be a term verbatim: normalized, and as long as an
/// n-gram is.
bool could_occur_verbatim(const AnalyzerImpl& an, std::string_view entry) {
  const AnalyzerOptions& o = an.options;
  const std::size_t n = count_code_points(entry);
  return n >= o.ngram_min && n <= o.ngram_max && normalize_word(an, entry) == entry;
}

}  // namespace

TermAliases::TermAliases(const AnalyzerImpl& an, const std::vector<std::string>& entries) {
  const AnalyzerOptions& o = an.options;
  StringMap column;  // entry -> its column: an entry verbatim is never an alias
  column.reserve(entries.size());
  for (std::size_t j = 0; j < entries.size(); ++j) {
    const std::uint64_t h = hash_bytes(entries[j]);
    if (column.find(entries[j], h) == nullptr) column.insert(entries[j], h, static_cast<std::uint32_t>(j));
  }
  StringMap claimed;  // alias -> its column
  aliases_.assign(entries.size(), std::string());
  std::optional<EntryAnalysis> analysis;
  if (o.analyzer == AnalyzerKind::word) analysis.emplace(an);
  for (std::size_t j = 0; j < entries.size(); ++j) {
    const std::string& entry = entries[j];
    const std::string_view text = entry;  // valid UTF-8 (VectorizerOptions::validate)
    const std::string where = quoted(entry) + " (column " + std::to_string(j) + ")";
    std::string alias;
    std::string problem;  // why the entry has no alias
    if (analysis) {
      const std::vector<std::string> words = analysis->words(text);
      if (words.empty()) {
        problem = analysis->why_dropped(text);
      } else if (words.size() < o.ngram_min || words.size() > o.ngram_max) {
        problem = "has " + std::to_string(words.size()) + (words.size() == 1 ? " word" : " words") + ", and " +
                  ngram_range(o) + " forms terms of " + std::to_string(o.ngram_min) + " to " +
                  std::to_string(o.ngram_max) + " words";
      } else {
        for (const std::string& w : words) (alias.empty() ? alias : alias += ' ') += w;
      }
    } else {  // character n-grams: the entry's characters as the analyzer normalizes text
      alias = normalize_word(an, text);
      const std::size_t n = count_code_points(alias);
      if (n < o.ngram_min || n > o.ngram_max) {
        problem = "has " + std::to_string(n) + " characters, and " + ngram_range(o) + " forms terms of " +
                  std::to_string(o.ngram_min) + " to " + std::to_string(o.ngram_max) + " characters";
        alias.clear();
      }
    }
    if (!alias.empty() && alias != entry) {
      const std::uint64_t h = hash_bytes(alias);
      std::size_t owner = entries.size();  // the column whose term `alias` already is
      if (const std::uint32_t* k = column.find(alias, h)) {
        owner = *k;
      } else if (const std::uint32_t* c = claimed.find(alias, h)) {
        owner = *c;
      } else {
        claimed.insert(alias, h, static_cast<std::uint32_t>(j));
        aliases_[j] = std::move(alias);
        continue;
      }
      problem = "is the term " + quoted(alias) + ", as " + quoted(entries[owner]) + " (column " +
                std::to_string(owner) + ") is";
    }
    if (problem.empty()) continue;
    if (!(analysis ? analysis->could_occur_verbatim(entry) : could_occur_verbatim(an, entry)))
      issues_.push_back({j, where + " " + problem});
  }
  std::vector<std::string> counted = entries;
  for (const std::string& a : aliases_)
    if (!a.empty()) counted.push_back(a);
  counted_ = Vocabulary(std::move(counted), /*checked_unique=*/true);  // distinct by construction
}

}  // namespace newsim::detail
