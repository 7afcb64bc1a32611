#include <gtest/gtest.h>

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
