#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "newsim/errors.hpp"
#include "newsim/text.hpp"

using namespace newsim;

TEST(Text, Utf8IsReturnedAsIs) {
  std::string buf;
  const std::string s = "Stra\xC3\x9F" "e";
  EXPECT_EQ(to_utf8(TextRef::utf8(s), buf, 0), s);
  EXPECT_TRUE(buf.empty());
}

TEST(Text, Latin1Ucs2Ucs4ConvertToUtf8) {
  std::string buf;
  const unsigned char latin1[] = {'K', 0xE4, 's', 'e'};  // Käse
  EXPECT_EQ(to_utf8({latin1, 4, Encoding::latin1}, buf, 0), "K\xC3\xA4se");
  const std::uint16_t ucs2[] = {0x201E, 'A', 0x201C};  // „A“
  EXPECT_EQ(to_utf8({ucs2, 3, Encoding::ucs2}, buf, 0), "\xE2\x80\x9E" "A\xE2\x80\x9C");
  const std::uint32_t ucs4[] = {0x1F642, 'x'};  // 🙂x
  EXPECT_EQ(to_utf8({ucs4, 2, Encoding::ucs4}, buf, 0), "\xF0\x9F\x99\x82x");
}

TEST(Text, LoneSurrogateNamesDocumentAndPosition) {
  std::string buf;
  const std::uint16_t ucs2[] = {'a', 'b', 0xD800, 'c'};
  try {
    (void)to_utf8({ucs2, 4, Encoding::ucs2}, buf, 7);
    FAIL() << "no exception";
  } catch (const DocumentError& e) {
    EXPECT_EQ(e.index(), 7u);
    EXPECT_NE(std::string(e.what()).find("U+D800"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("character 2"), std::string::npos) << e.what();
  }
}

TEST(Text, InvalidUtf8IsRejected) {
  std::string buf;
  for (const std::string& bad : {std::string("ab\xC3"), std::string("\xC0\xAF"),
                                std::string("\xED\xA0\x80"), std::string("\xF4\x90\x80\x80"),
                                std::string("x\xFFy")}) {
    EXPECT_THROW((void)to_utf8(TextRef::utf8(bad), buf, 0), DocumentError) << bad;
  }
}

TEST(Text, CountsCodePoints) {
  EXPECT_EQ(count_code_points(""), 0u);
  EXPECT_EQ(count_code_points("Stra\xC3\x9F" "e"), 6u);
  EXPECT_EQ(count_code_points("\xF0\x9F\x99\x82"), 1u);
}

namespace {

/// The code points one at a time through append_utf8 (the reference: no blocks, no fast path).
std::string reference_utf8(const std::vector<char32_t>& cps) {
  std::string s;
  for (const char32_t c : cps) append_utf8(s, c);
  return s;
}

template <class Unit>
void check_random_conversions(Encoding enc, char32_t max_code_point) {
  // ASCII runs of every length around the block sizes (8 and 16 units), broken by non-ASCII
  // code points at every offset, in strings of lengths 0..80: the block copy must stop at the
  // first non-ASCII unit, and its tail must never reach past the output.
  std::mt19937 rng(42);
  std::string buf;
  for (int trial = 0; trial < 3000; ++trial) {
    const std::size_t len = rng() % 81;
    std::vector<char32_t> cps;
    for (std::size_t k = 0; k < len; ++k) {
      const bool high = rng() % 9 == 0;
      char32_t c = high ? 0x80 + rng() % (max_code_point - 0x7F) : rng() % 0x80;
      if (c >= 0xD800 && c <= 0xDFFF) c = 0xE4;  // no surrogates here
      cps.push_back(c);
    }
    const std::vector<Unit> units(cps.begin(), cps.end());
    if (trial % 2 == 0) buf.clear();  // fresh and reused buffers
    EXPECT_EQ(to_utf8({units.data(), units.size(), enc}, buf, 0), reference_utf8(cps)) << "trial " << trial;
  }
}

}  // namespace

TEST(Text, FixedWidthConversionsMatchAReferenceOnRandomStrings) {
  check_random_conversions<std::uint8_t>(Encoding::latin1, 0xFF);
  check_random_conversions<std::uint16_t>(Encoding::ucs2, 0xFFFF);
  check_random_conversions<std::uint32_t>(Encoding::ucs4, 0x10FFFF);
}

TEST(Text, LoneSurrogateAfterALongAsciiRunIsFoundAtItsPosition) {
  std::string buf;
  std::vector<std::uint16_t> ucs2(37, 'a');
  ucs2.push_back(0xDC00);
  ucs2.push_back('b');
  try {
    (void)to_utf8({ucs2.data(), ucs2.size(), Encoding::ucs2}, buf, 3);
    FAIL() << "no exception";
  } catch (const DocumentError& e) {
    EXPECT_NE(std::string(e.what()).find("character 37"), std::string::npos) << e.what();
  }
}
