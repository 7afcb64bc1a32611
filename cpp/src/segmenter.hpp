// newsim (private) — word segmentation.
//
// UnicodeSegmenter yields the word segments of UAX #29 as ICU's root word break rules define
// them (segments whose rule status is not UBRK_WORD_NONE). A fast path covers text whose code
// points all have simple word-break classes (Latin, Greek, Cyrillic, general punctuation, ...);
// it implements rules WB4-WB13b directly from ICU's own Word_Break property data and falls back
// to ICU's iterator for the whole document at the first code point it does not cover.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include <unicode/brkiter.h>
#include <unicode/utext.h>

namespace newsim::detail {

struct Segment {
  std::size_t begin;  // byte offsets into the document
  std::size_t end;
};

/// Shared, immutable data of the unicode segmenter (the class table, a prototype iterator).
class SegmenterData {
 public:
  SegmenterData();
  ~SegmenterData();
  SegmenterData(const SegmenterData&) = delete;
  SegmenterData& operator=(const SegmenterData&) = delete;

  enum Cls : std::uint8_t {
    kOther, kALetter, kNumeric, kMidLetter, kMidNum, kMidNumLet, kExtendNumLet, kIgnore, kSlow
  };
  static constexpr char32_t kTableSize = 0x3000;

  [[nodiscard]] Cls cls(char32_t c) const noexcept { return c < kTableSize ? table_[c] : kSlow; }
  [[nodiscard]] const Cls* table() const noexcept { return table_.data(); }
  /// For each byte: 1 if it is an ASCII letter or digit, 2 if it is ASCII that cannot start or
  /// continue a word by itself (space, most punctuation), 0 otherwise (needs the full rules).
  [[nodiscard]] const std::uint8_t* byte_kind() const noexcept { return byte_kind_.data(); }

  /// How 64-byte blocks are classified at once (see UnicodeSegmenter::segment_fast): the ASCII
  /// bytes beyond [0-9A-Za-z] that are letters or digits, the ASCII middle characters, the ASCII
  /// bytes that need the full rules, and the second bytes of U+00C0-U+00FF that are not letters.
  /// Lists end at the first 0xFF (a byte absent from UTF-8).
  struct BlockModel {
    bool enabled = false;
    std::uint8_t extra_alnum[4] = {0xFF, 0xFF, 0xFF, 0xFF};
    std::uint8_t middle[8] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    std::uint8_t special[4] = {0xFF, 0xFF, 0xFF, 0xFF};
    std::uint8_t latin1_not_letter[4] = {0xFF, 0xFF, 0xFF, 0xFF};
  };
  [[nodiscard]] const BlockModel& block_model() const noexcept { return block_; }
  [[nodiscard]] std::unique_ptr<icu::BreakIterator> make_iterator() const;

  static const SegmenterData& instance();

 private:
  void finish_byte_kinds();
  std::vector<Cls> table_;
  std::vector<std::uint8_t> byte_kind_;
  BlockModel block_;
  std::unique_ptr<icu::BreakIterator> prototype_;
};

/// One per thread: segments documents; not thread-safe itself.
class UnicodeSegmenter {
 public:
  UnicodeSegmenter();
  ~UnicodeSegmenter();
  UnicodeSegmenter(const UnicodeSegmenter&) = delete;
  UnicodeSegmenter& operator=(const UnicodeSegmenter&) = delete;

  /// Replaces `out` with the word segments of `text` (valid UTF-8).
  void segment(std::string_view text, std::vector<Segment>& out);
  /// The fast path alone: returns false (with `out` unspecified) where it does not apply.
  bool segment_fast(std::string_view text, std::vector<Segment>& out) const;
  /// ICU's iterator alone.
  void segment_icu(std::string_view text, std::vector<Segment>& out);

 private:
  const SegmenterData& data_;
  std::unique_ptr<icu::BreakIterator> iterator_;
  UText* utext_ = nullptr;
};

/// Maximal runs of Python word characters at least `min_run` code points long: what
/// `re.findall(r"(?u)\b\w{min_run}\w*\b", text)` finds.
void segment_word_runs(std::string_view text, std::size_t min_run, std::vector<Segment>& out);

}  // namespace newsim::detail
