#include "decompound.hpp"

#include <unicode/uchar.h>

#include <array>
#include <cmath>
#include <unordered_set>

#include "newsim/errors.hpp"
#include "newsim/text.hpp"

namespace newsim::detail {

namespace {
// German linking elements (Fugenelemente), tried in this order; the empty link first.
constexpr std::array<std::string_view, 9> kLinks = {"", "s", "es", "n", "en", "er", "e", "ns", "ens"};
// The cross-word cache of candidate parts is cleared when it reaches this size (bounded memory;
// its hit rate is what matters, and recent prefixes are the likely ones).
constexpr std::size_t kMaxCachedParts = std::size_t{1} << 20;

// What German Snowball (steps 1 to 3) can remove, as the strings of each step in word order:
// stem + step 3 + step 2 + step 1 (step 1's "niss" rule drops one more s: "se", "sen", "ses").
constexpr std::array<std::string_view, 17> kGermanStep3 = {
    "", "end", "ung", "igend", "igung", "ig", "ik", "isch", "lich", "heit", "erlich", "enlich",
    "erheit", "enheit", "keit", "lichkeit", "igkeit"};
constexpr std::array<std::string_view, 5> kGermanStep2 = {"", "en", "er", "est", "st"};
constexpr std::array<std::string_view, 11> kGermanStep1 = {"", "em", "ern", "er", "e", "en",
                                                          "es", "s", "se", "sen", "ses"};

bool letters_only(std::string_view s, std::size_t& n_cp) noexcept {
  n_cp = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      if (!((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z'))) return false;
      ++i;
    } else if (!u_isalpha(static_cast<UChar32>(decode_utf8(s, i)))) {
      return false;
    }
    ++n_cp;
  }
  return true;
}
}  // namespace

std::string_view stem_with(Stemmer* stemmer, std::string_view s) {
  return stemmer == nullptr ? s : stemmer->stem(s);
}

bool compound_candidate(std::string_view token) noexcept {
  // A code point has 1 to 4 bytes.
  if (token.size() < kMinCompound || token.size() > 4 * kMaxCompound) return false;
  std::size_t n_cp = 0;
  return letters_only(token, n_cp) && n_cp >= kMinCompound && n_cp <= kMaxCompound;
}

CompoundLexicon make_lexicon(const TermStats& stats, const AnalyzerImpl& analyzer,
                             std::vector<std::size_t>* entries) {
  auto stemmer = make_stemmer(analyzer.options.stemmer);
  detail::StringSet stop_stems;
  for (std::size_t i = 0; i < analyzer.stop_words.size(); ++i)
    stop_stems.insert(stem_with(stemmer.get(), analyzer.stop_words[i]));
  std::vector<std::string> terms;
  CompoundLexicon lex;
  for (std::size_t e = 0; e < stats.size(); ++e) {
    const std::string_view t = stats.term(e);
    std::size_t n_cp = 0;
    if (stats.df()[e] < 2 || !letters_only(t, n_cp)) continue;
    if (stop_stems.contains(t)) continue;
    terms.emplace_back(t);
    lex.df.push_back(stats.df()[e]);
    if (entries != nullptr) entries->push_back(e);
  }
  lex.stems = Vocabulary(std::move(terms), /*checked_unique=*/true);
  return lex;
}

CompiledLexicon::CompiledLexicon(const AnalyzerImpl& analyzer, const CompoundLexicon& lex)
    : vocabulary(lex.stems) {
  log_df.reserve(lex.df.size());
  for (const std::int64_t d : lex.df) log_df.push_back(std::log(static_cast<double>(d)));
  stems.reserve(lex.stems.size());
  for (std::size_t k = 0; k < lex.stems.size(); ++k) {
    const std::string_view t = lex.stems.term(k);
    stems.insert(t, hash_bytes(t), static_cast<std::uint32_t>(k));
  }
  german = analyzer.options.stemmer == "german" && analyzer.options.lowercase;
  if (!german) return;
  std::unordered_set<std::string> chains;
  for (const auto s3 : kGermanStep3)
    for (const auto s2 : kGermanStep2)
      for (const auto s1 : kGermanStep1) chains.insert(std::string(s3).append(s2).append(s1));
  for (const std::string& chain : chains)  // every prefix of a chain, 1 when a chain itself
    for (std::size_t n = 0; n <= chain.size(); ++n) {
      const std::string_view p(chain.data(), n);
      const std::uint64_t h = hash_bytes(p);
      if (suffixes.find(p, h) == nullptr) suffixes.insert(p, h, chains.count(std::string(p)) != 0 ? 1u : 0u);
    }
  // About 16 bits per prefix and per stem: few false positives, and 256 KB for 100k stems.
  auto bits_for = [](std::size_t n, std::vector<std::uint64_t>& bits, std::uint64_t& mask) {
    std::size_t n_bits = 4096;
    while (n_bits < 16 * n) n_bits *= 2;
    bits.assign(n_bits / 64, 0);
    mask = n_bits - 1;
  };
  auto set = [](std::vector<std::uint64_t>& bits, std::uint64_t mask, std::uint64_t h) {
    const std::uint64_t i = h & mask;
    bits[i >> 6] |= std::uint64_t{1} << (i & 63);
  };
  bits_for(lex.stems.size(), stem_bits, stem_mask);
  bits_for(lex.stems.size() * 4, prefix_bits, prefix_mask);
  for (std::size_t k = 0; k < lex.stems.size(); ++k) {
    const std::string_view t = lex.stems.term(k);
    set(stem_bits, stem_mask, hash_bytes(t));
    std::size_t i = 0;
    for (std::size_t n_cp = 0; i < t.size(); ++n_cp) {
      if (n_cp >= 3) set(prefix_bits, prefix_mask, hash_bytes(t.substr(0, i)));
      decode_utf8(t, i);
    }
    set(prefix_bits, prefix_mask, hash_bytes(t));
  }
}

Decompounder::Decompounder(const AnalyzerImpl& analyzer, const CompiledLexicon& lexicon, bool filter)
    : an_(analyzer), lex_(lexicon), stemmer_(make_stemmer(analyzer.options.stemmer)), filter_(filter && lexicon.german) {}

bool Decompounder::may_be_known(std::size_t from, std::size_t to) {
  if (post_.empty()) return true;  // not filtering this word
  const std::size_t span = to - from;
  if (span >= 64) return true;  // beyond the masks (no part is this long): let stemming decide
  if (!known_done_[from]) {
    // Bit j of known_to_[from]: [from, from + j) is a lexicon stem followed by a suffix chain.
    // The stems starting at `from` come from a scan of its prefixes; the chains after a
    // position depend on that position only, so they are found once per word and position.
    std::uint64_t mask = 0;
    const std::size_t begin = post_offsets_[from];
    for (std::size_t e = from + 3; e < post_offsets_.size(); ++e) {  // German stems: >= 3
      const std::string_view p(post_.data() + begin, post_offsets_[e] - begin);
      const std::uint64_t h = hash_bytes(p);
      if (!CompiledLexicon::test(lex_.prefix_bits, lex_.prefix_mask, h)) break;  // no stem goes on
      if (e - from < 64 && CompiledLexicon::test(lex_.stem_bits, lex_.stem_mask, h) &&
          lex_.stems.find(p, h) != nullptr)
        mask |= chains_after(e) << (e - from);  // bits past 63 are spans handled above
    }
    known_to_[from] = mask;
    known_done_[from] = true;
  }
  return ((known_to_[from] >> span) & 1u) != 0;
}

std::uint64_t Decompounder::chains_after(std::size_t at) {
  if (chains_done_[at]) return chains_[at];
  // Bit n: the n code points after `at` form one of the chains (n = 0: the empty chain).
  std::uint64_t bits = 0;
  const std::size_t b = post_offsets_[at];
  const std::size_t last = post_offsets_.size() - 1;
  for (std::size_t n = 0; n <= CompiledLexicon::kMaxChain && at + n <= last; ++n) {
    const std::string_view rest(post_.data() + b, post_offsets_[at + n] - b);
    const std::uint32_t* v = lex_.suffixes.find(rest, hash_bytes(rest));
    if (v == nullptr) break;  // no chain goes on
    if (*v != 0) bits |= std::uint64_t{1} << n;
  }
  chains_done_[at] = true;
  chains_[at] = bits;
  return bits;
}

std::uint32_t Decompounder::part(std::size_t from, std::size_t to) {
  if (!may_be_known(from, to)) return kUnknown;
  const std::string_view s = word_.substr(offsets_[from], offsets_[to] - offsets_[from]);
  const std::uint64_t h = hash_bytes(s);
  if (const std::uint32_t* known = parts_.find(s, h)) return *known;
  std::uint32_t idx = kUnknown;
  const std::string_view st = stem_with(stemmer_.get(), s);
  if (const std::uint32_t* k = lex_.stems.find(st, hash_bytes(st));
      k != nullptr && !an_.stop_words.contains(s))
    idx = *k;
  if (parts_.size() >= kMaxCachedParts) parts_ = StringMap{};
  parts_.insert(s, h, idx);
  return idx;
}

const Decompounder::Best& Decompounder::best_split(std::size_t from, std::size_t depth) {
  const std::size_t key = from * kMaxParts + depth;
  if (done_[key]) return memo_[key];
  Best best;
  const std::size_t len = offsets_.size() - 1 - from;  // code points of this (sub)word
  if (len >= kMinCompound && depth + 1 < kMaxParts) {
    for (std::size_t i = kMinPart; i + kMinPart <= len; ++i) {
      const std::uint32_t head = part(from, from + i);
      if (head == kUnknown) continue;
      const std::string_view rest = word_.substr(offsets_[from + i]);
      for (const std::string_view link : kLinks) {
        if (!rest.starts_with(link)) continue;  // links are ASCII: one byte per code point
        const std::size_t b = from + i + link.size();
        if (b + kMinPart > offsets_.size() - 1) continue;
        auto offer = [&](double log_sum, std::span<const std::uint32_t> tail) {
          const double total = lex_.log_df[head] + log_sum;
          const auto n = static_cast<double>(tail.size() + 1);
          if (best.found && total / n <= best.log_sum / static_cast<double>(best.n)) return;
          best.found = true;
          best.log_sum = total;
          best.n = static_cast<std::uint8_t>(tail.size() + 1);
          best.parts[0] = head;
          std::copy(tail.begin(), tail.end(), best.parts.begin() + 1);
        };
        const std::uint32_t whole = part(b, offsets_.size() - 1);
        if (whole != kUnknown) offer(lex_.log_df[whole], std::span<const std::uint32_t>(&whole, 1));
        // memo_ never reallocates during a word, so the reference stays valid.
        const Best& split = best_split(b, depth + 1);
        if (split.found) offer(split.log_sum, std::span<const std::uint32_t>(split.parts.data(), split.n));
      }
    }
  }
  done_[key] = true;
  memo_[key] = best;
  return memo_[key];
}

std::span<const std::uint32_t> Decompounder::split(std::string_view word) {
  result_.clear();
  if (!compound_candidate(word)) return {};
  word_ = word;
  offsets_.clear();
  for (std::size_t i = 0; i < word.size();) {
    offsets_.push_back(i);
    decode_utf8(word, i);
  }
  offsets_.push_back(word.size());
  post_.clear();
  if (filter_ && word.find("\xC3\x9F") == std::string_view::npos) {  // ß maps to ss
    // The post form: ä, ö, ü (U+00E4, U+00F6, U+00FC) as a, o, u; one code point each.
    post_offsets_.clear();
    for (std::size_t k = 0; k + 1 < offsets_.size(); ++k) {
      post_offsets_.push_back(post_.size());
      const std::string_view c = word.substr(offsets_[k], offsets_[k + 1] - offsets_[k]);
      if (c == "\xC3\xA4") post_.push_back('a');
      else if (c == "\xC3\xB6") post_.push_back('o');
      else if (c == "\xC3\xBC") post_.push_back('u');
      else post_.append(c);
    }
    post_offsets_.push_back(post_.size());
    known_to_.resize(offsets_.size());
    known_done_.assign(offsets_.size(), false);
    chains_.resize(offsets_.size());
    chains_done_.assign(offsets_.size(), false);
  }
  const std::size_t slots = offsets_.size() * kMaxParts;
  memo_.assign(slots, Best{});
  done_.assign(slots, false);
  const Best& best = best_split(0, 0);
  if (best.found) result_.assign(best.parts.begin(), best.parts.begin() + best.n);
  return result_;
}

}  // namespace newsim::detail
