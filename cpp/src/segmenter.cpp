#include "segmenter.hpp"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/rbbi.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utext.h>

#include <bit>
#include <stdexcept>
#include <string>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "newsim/text.hpp"
#include "unicode.hpp"

namespace newsim::detail {
namespace {

std::unique_ptr<icu::BreakIterator> new_word_iterator() {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> it(
      icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
  if (U_FAILURE(status) || !it)
    throw std::runtime_error(std::string("ICU word break iterator unavailable: ") +
                             u_errorName(status));
  return it;
}

/// Does ICU's iterator keep `text` as a single word segment?
bool icu_single_word(icu::BreakIterator& it, const std::u16string& text) {
  icu::UnicodeString u(text.data(), static_cast<int32_t>(text.size()));
  it.setText(u);
  it.first();
  return it.next() == static_cast<int32_t>(text.size()) && it.getRuleStatus() >= UBRK_WORD_NONE_LIMIT;
}

#if defined(__SSE2__)
/// Per byte of the 64 bytes at `p`: bit i of `word` is set where byte i is part of a word by
/// itself (an ASCII letter or digit, or either byte of a letter U+00C0-U+00FF), bit i of
/// `special` where byte i needs the full rules (any other non-ASCII byte, the ASCII bytes of the
/// model's special list, and middle characters with word bytes on both sides; a middle character
/// in the last byte counts as having a word byte after it). Every other byte separates words.
struct BlockBits {
  std::uint64_t word;
  std::uint64_t special;
};

BlockBits classify_block(const unsigned char* p, const SegmenterData::BlockModel& m) noexcept {
  auto range = [](__m128i x, unsigned char lo, unsigned char span) {
    const __m128i t = _mm_sub_epi8(x, _mm_set1_epi8(static_cast<char>(lo)));
    return _mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8(static_cast<char>(span))), t);
  };
  auto any_of = [](__m128i x, const std::uint8_t* list, std::size_t cap) {
    __m128i r = _mm_setzero_si128();
    for (std::size_t k = 0; k < cap && list[k] != 0xFF; ++k)
      r = _mm_or_si128(r, _mm_cmpeq_epi8(x, _mm_set1_epi8(static_cast<char>(list[k]))));
    return r;
  };
  std::uint64_t alnum = 0, middle = 0, special = 0, high = 0, lead = 0, second = 0;
  for (unsigned k = 0; k < 4; ++k) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    const __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
    const __m128i an = _mm_or_si128(_mm_or_si128(range(lower, 'a', 25), range(v, '0', 9)),
                                    any_of(v, m.extra_alnum, 4));
    const __m128i sec = _mm_andnot_si128(any_of(v, m.latin1_not_letter, 4), range(v, 0x80, 0x3F));
    auto bits = [](__m128i x) {
      return static_cast<std::uint64_t>(static_cast<std::uint16_t>(_mm_movemask_epi8(x)));
    };
    const unsigned shift = 16 * k;
    alnum |= bits(an) << shift;
    middle |= bits(any_of(v, m.middle, 8)) << shift;
    special |= bits(any_of(v, m.special, 4)) << shift;
    high |= bits(v) << shift;
    lead |= bits(_mm_cmpeq_epi8(v, _mm_set1_epi8(static_cast<char>(0xC3)))) << shift;
    second |= bits(sec) << shift;
  }
  const std::uint64_t latin = lead & (second >> 1);  // C3 followed by a letter's second byte
  const std::uint64_t latin_bytes = latin | (latin << 1);
  const std::uint64_t word = alnum | latin_bytes;
  // A middle character can join only with a word byte before it and, after it, a word byte or a
  // non-ASCII character (an extending mark may come between).
  const std::uint64_t joined_middle =
      middle & (word << 1) & (((word | high) >> 1) | (std::uint64_t{1} << 63));
  return {word, special | (high & ~latin_bytes) | joined_middle};
}
#endif

}  // namespace

SegmenterData::SegmenterData() : table_(kTableSize, kOther), prototype_(new_word_iterator()) {
  for (char32_t c = 0; c < kTableSize; ++c) {
    const auto uc = static_cast<UChar32>(c);
    Cls k = kOther;
    switch (u_getIntPropertyValue(uc, UCHAR_WORD_BREAK)) {
      case U_WB_ALETTER: k = kALetter; break;
      case U_WB_NUMERIC: k = kNumeric; break;
      case U_WB_MIDLETTER: k = kMidLetter; break;
      case U_WB_MIDNUM: k = kMidNum; break;
      case U_WB_MIDNUMLET:
      case U_WB_SINGLE_QUOTE: k = kMidNumLet; break;
      case U_WB_EXTENDNUMLET: k = kExtendNumLet; break;
      case U_WB_EXTEND:
      case U_WB_FORMAT: k = kIgnore; break;
      case U_WB_OTHER:
      case U_WB_CR:
      case U_WB_LF:
      case U_WB_NEWLINE:
      case U_WB_WSEGSPACE:
      case U_WB_DOUBLE_QUOTE:  // joins only after Hebrew letters, which take the ICU path
        k = kOther;
        break;
      default: k = kSlow; break;  // ZWJ, Katakana, Hebrew, Regional_Indicator, quotes, ...
    }
    if (u_hasBinaryProperty(uc, UCHAR_EXTENDED_PICTOGRAPHIC)) k = kSlow;
    if (u_getIntPropertyValue(uc, UCHAR_LINE_BREAK) == U_LB_COMPLEX_CONTEXT) k = kSlow;
    UErrorCode status = U_ZERO_ERROR;
    const UScriptCode script = uscript_getScript(uc, &status);
    if (script == USCRIPT_HAN || script == USCRIPT_HIRAGANA || script == USCRIPT_KATAKANA) k = kSlow;
    table_[c] = k;
  }
  // ICU tailors the default rules; ask the iterator itself how it treats the middle characters,
  // so that the fast path follows the linked ICU version (ICU 72 drops ':' from MidLetter and
  // joins "a@b", for instance).
  for (char32_t c = 0x20; c < kTableSize; ++c) {
    const Cls k = table_[c];
    const bool mid = k == kMidLetter || k == kMidNum || k == kMidNumLet;
    if (!mid && c != '@') continue;
    const auto c16 = static_cast<char16_t>(c);
    const bool letters = icu_single_word(*prototype_, {u'a', c16, u'b'});
    const bool numbers = icu_single_word(*prototype_, {u'1', c16, u'2'});
    if (icu_single_word(*prototype_, {c16})) {
      table_[c] = kALetter;  // a tailored letter (ICU 72's '@')
    } else if (letters && numbers) {
      table_[c] = kMidNumLet;
    } else if (letters) {
      table_[c] = kMidLetter;
    } else if (numbers) {
      table_[c] = kMidNum;
    } else {
      table_[c] = kOther;
    }
  }
  finish_byte_kinds();
}

SegmenterData::~SegmenterData() = default;

void SegmenterData::finish_byte_kinds() {
  byte_kind_.assign(256, 0);
  for (unsigned b = 0; b < 0x80; ++b) {
    const Cls k = table_[b];
    if (k == kALetter || k == kNumeric)
      byte_kind_[b] = 1;
    else if (k == kOther || k == kMidLetter || k == kMidNum || k == kMidNumLet)
      byte_kind_[b] = 2;
  }
  // The block model, if this table fits it (lists that overflow leave it disabled).
  BlockModel m;
  std::size_t n_extra = 0, n_middle = 0, n_special = 0, n_latin = 0;
  bool fits = true;
  auto add = [&](std::uint8_t* list, std::size_t& n, std::size_t cap, unsigned b) {
    if (n == cap) {
      fits = false;
      return;
    }
    list[n++] = static_cast<std::uint8_t>(b);
  };
  for (unsigned b = 0; b < 0x80; ++b) {
    const Cls k = table_[b];
    const bool alnum = (b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z');
    const bool word = k == kALetter || k == kNumeric;
    if (alnum && !word) fits = false;
    if (!alnum && word) add(m.extra_alnum, n_extra, 4, b);
    if (k == kMidLetter || k == kMidNum || k == kMidNumLet) add(m.middle, n_middle, 8, b);
    if (!word && k != kOther && k != kMidLetter && k != kMidNum && k != kMidNumLet)
      add(m.special, n_special, 4, b);
  }
  for (char32_t c = 0xC0; c < 0x100; ++c)
    if (table_[c] != kALetter) add(m.latin1_not_letter, n_latin, 4, 0x80 + (c - 0xC0));
  m.enabled = fits;
  block_ = m;
}

std::unique_ptr<icu::BreakIterator> SegmenterData::make_iterator() const {
  return std::unique_ptr<icu::BreakIterator>(prototype_->clone());
}

const SegmenterData& SegmenterData::instance() {
  static const SegmenterData data;
  return data;
}

UnicodeSegmenter::UnicodeSegmenter()
    : data_(SegmenterData::instance()), iterator_(data_.make_iterator()) {}

UnicodeSegmenter::~UnicodeSegmenter() {
  if (utext_ != nullptr) utext_close(utext_);
}

void UnicodeSegmenter::segment(std::string_view text, std::vector<Segment>& out) {
  if (!segment_fast(text, out)) segment_icu(text, out);
}

void UnicodeSegmenter::segment_icu(std::string_view text, std::vector<Segment>& out) {
  out.clear();
  UErrorCode status = U_ZERO_ERROR;
  utext_ = utext_openUTF8(utext_, text.data(), static_cast<int64_t>(text.size()), &status);
  if (U_FAILURE(status)) throw std::runtime_error("ICU could not open the text");
  iterator_->setText(utext_, status);
  if (U_FAILURE(status)) throw std::runtime_error("ICU could not segment the text");
  int32_t begin = iterator_->first();
  for (int32_t end = iterator_->next(); end != icu::BreakIterator::DONE;
       begin = end, end = iterator_->next()) {
    if (iterator_->getRuleStatus() >= UBRK_WORD_NONE_LIMIT)
      out.push_back({static_cast<std::size_t>(begin), static_cast<std::size_t>(end)});
  }
}

bool UnicodeSegmenter::segment_fast(std::string_view text, std::vector<Segment>& out) const {
  using C = SegmenterData;
  out.clear();
  const std::size_t n = text.size();
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const C::Cls* const table = data_.table();
  const std::uint8_t* const kind = data_.byte_kind();
  // Class of the code point at i; sets `next` past it.
  auto cls_at = [&](std::size_t i, std::size_t& next) -> C::Cls {
    const unsigned char b = bytes[i];
    if (b < 0x80) {
      next = i + 1;
      return table[b];
    }
    next = i;
    const char32_t c = decode_utf8(text, next);
    return c < C::kTableSize ? table[c] : C::kSlow;
  };
  auto word_like = [](C::Cls k) {
    return k == C::kALetter || k == C::kNumeric || k == C::kExtendNumLet;
  };

  std::size_t i = 0;
#if defined(__SSE2__)
  const SegmenterData::BlockModel& model = data_.block_model();
  std::size_t scalar_until = 0;  // no block before this offset (after blocks that did little)
  unsigned misses = 0;
#endif
  while (i < n) {
#if defined(__SSE2__)
    // 64 bytes at a time: the words that are runs of word bytes with plain separators on both
    // sides (before the first byte that needs the full rules) are taken as they are; the rest
    // goes through the rules below, one word at a time. Every iteration starts outside a word.
    if (model.enabled && i >= scalar_until && i + 64 <= n) {
      const BlockBits bb = classify_block(bytes + i, model);
      const auto stop = static_cast<unsigned>(bb.special == 0 ? 64 : std::countr_zero(bb.special));
      std::uint64_t starts = bb.word & ~(bb.word << 1);
      std::uint64_t ends = bb.word & ~(bb.word >> 1);
      std::size_t next = i + stop;
      while (starts != 0) {
        const auto s = static_cast<unsigned>(std::countr_zero(starts));
        if (s >= stop) break;
        const auto e = static_cast<unsigned>(std::countr_zero(ends)) + 1;
        if (e >= stop) {  // touches the first special byte or the block's end: not known yet
          next = i + s;
          break;
        }
        out.push_back({i + s, i + e});
        starts &= starts - 1;
        ends &= ends - 1;
      }
      if (next - i >= 32) {
        misses = 0;
      } else {  // little done: leave the next 64, 128, ... bytes to the rules
        scalar_until = i + (std::size_t{64} << std::min(misses, 4u));
        ++misses;
      }
      if (next > i) {
        i = next;
        continue;
      }
    }
#endif
    // Outside words, ASCII other than letters, digits and '_' only separates.
    while (i < n && kind[bytes[i]] == 2) ++i;
    if (i >= n) break;
    std::size_t next = 0;
    const C::Cls first = cls_at(i, next);
    if (first == C::kSlow) return false;
    if (!word_like(first)) {
      i = next;
      continue;
    }
    const std::size_t begin = i;
    C::Cls last = first;
    bool alnum = first != C::kExtendNumLet;
    i = next;
    while (i < n) {
      // The common case: a run of ASCII letters and digits.
      const std::size_t run = i;
      while (i < n && kind[bytes[i]] == 1) ++i;
      if (i > run) {
        last = table[bytes[i - 1]];
        alnum = true;
      }
      if (i >= n) break;
      const C::Cls k = cls_at(i, next);
      if (k == C::kSlow) return false;
      if (k == C::kIgnore) {  // WB4
        // ICU gives "a_" + mark (a connector followed by an extending mark) rule status
        // WORD_NONE, unlike UAX #29: leave such documents to ICU.
        if (last == C::kExtendNumLet) return false;
        i = next;
        continue;
      }
      if (word_like(k)) {  // WB5, WB8-WB10, WB13a, WB13b
        last = k;
        alnum = alnum || k != C::kExtendNumLet;
        i = next;
        continue;
      }
      const bool after_letter = last == C::kALetter && (k == C::kMidLetter || k == C::kMidNumLet);
      const bool after_number = last == C::kNumeric && (k == C::kMidNum || k == C::kMidNumLet);
      if (!after_letter && !after_number) break;
      // WB6/WB7 and WB11/WB12 need the same class on the far side of the middle character.
      std::size_t j = next;
      C::Cls far = C::kOther;
      std::size_t far_next = j;
      while (j < n) {
        far = cls_at(j, far_next);
        if (far != C::kIgnore) break;
        j = far_next;
      }
      if (j >= n) break;
      if (far == C::kSlow) return false;
      if (far != last) break;
      i = far_next;
    }
    // Segments of connectors alone ("_", "__") get context-dependent rule statuses in ICU:
    // leave such (rare) documents to ICU itself.
    if (!alnum) return false;
    out.push_back({begin, i});
  }
  return true;
}

void segment_word_runs(std::string_view text, std::size_t min_run, std::vector<Segment>& out) {
  out.clear();
  const std::size_t n = text.size();
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  auto ascii_word = [](unsigned char b) {
    return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '_';
  };
  std::size_t i = 0;
  while (i < n) {
    // Skip non-word characters (ASCII ones without decoding).
    if (bytes[i] < 0x80 && !ascii_word(bytes[i])) {
      ++i;
      continue;
    }
    std::size_t next = i;
    if (bytes[i] >= 0x80 && !python_is_word(decode_utf8(text, next))) {
      i = next;
      continue;
    }
    const std::size_t begin = i;
    std::size_t run = 0;
    while (i < n) {
      if (bytes[i] < 0x80) {
        if (!ascii_word(bytes[i])) break;
        ++i;
        ++run;
        continue;
      }
      std::size_t j = i;
      if (!python_is_word(decode_utf8(text, j))) break;
      ++run;
      i = j;
    }
    if (run >= min_run) out.push_back({begin, i});
  }
}

}  // namespace newsim::detail
