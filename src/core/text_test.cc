#include "core/text.h"

#include <gtest/gtest.h>

#include <string>

namespace proprio {
namespace {

using namespace std::string_literals;

// ---- IsValidUtf8 ----

TEST(Utf8Test, AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ASCII, 0-9 ~"));
  EXPECT_TRUE(IsValidUtf8("\x7f"));
  EXPECT_TRUE(IsValidUtf8("with\0nul"s));
  EXPECT_TRUE(IsValidUtf8("Jos\xc3\xa9"));                // U+00E9, 2 bytes
  EXPECT_TRUE(IsValidUtf8("\xc2\x80"));                   // U+0080, smallest 2-byte
  EXPECT_TRUE(IsValidUtf8("\xdf\xbf"));                   // U+07FF, largest 2-byte
  EXPECT_TRUE(IsValidUtf8("\xe0\xa0\x80"));               // U+0800, smallest 3-byte
  EXPECT_TRUE(IsValidUtf8("\xe2\x82\xac"));               // U+20AC euro
  EXPECT_TRUE(IsValidUtf8("\xed\x9f\xbf"));               // U+D7FF, just below surrogates
  EXPECT_TRUE(IsValidUtf8("\xee\x80\x80"));               // U+E000, just above surrogates
  EXPECT_TRUE(IsValidUtf8("\xef\xbf\xbf"));               // U+FFFF
  EXPECT_TRUE(IsValidUtf8("\xf0\x90\x80\x80"));           // U+10000, smallest 4-byte
  EXPECT_TRUE(IsValidUtf8("\xf0\x9f\x98\x80"));           // U+1F600 emoji
  EXPECT_TRUE(IsValidUtf8("\xf4\x8f\xbf\xbf"));           // U+10FFFF, the last code point
  EXPECT_TRUE(IsValidUtf8("Z\xc3\xbcrich \xe6\x9d\xb1\xe4\xba\xac \xf0\x9f\x93\x9e ok"));
}

TEST(Utf8Test, RefusesOverlongForms) {
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // '/' in 2 bytes
  EXPECT_FALSE(IsValidUtf8("\xc0\x80"));          // NUL in 2 bytes (modified UTF-8)
  EXPECT_FALSE(IsValidUtf8("\xc1\xbf"));          // U+007F in 2 bytes
  EXPECT_FALSE(IsValidUtf8("\xe0\x80\xaf"));      // '/' in 3 bytes
  EXPECT_FALSE(IsValidUtf8("\xe0\x9f\xbf"));      // U+07FF in 3 bytes
  EXPECT_FALSE(IsValidUtf8("\xf0\x80\x80\xaf"));  // '/' in 4 bytes
  EXPECT_FALSE(IsValidUtf8("\xf0\x8f\xbf\xbf"));  // U+FFFF in 4 bytes
}

TEST(Utf8Test, RefusesSurrogates) {
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));                  // U+D800
  EXPECT_FALSE(IsValidUtf8("\xed\xad\xbf"));                  // U+DB7F
  EXPECT_FALSE(IsValidUtf8("\xed\xb0\x80"));                  // U+DC00
  EXPECT_FALSE(IsValidUtf8("\xed\xbf\xbf"));                  // U+DFFF
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\xbd\xed\xb8\x80"));      // CESU-8 pair for U+1F600
  EXPECT_FALSE(IsValidUtf8("ok \xed\xa0\x80 then text"));
}

TEST(Utf8Test, RefusesCodePointsAboveTheUnicodeRange) {
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(IsValidUtf8("\xf5\x80\x80\x80"));
  EXPECT_FALSE(IsValidUtf8("\xf7\xbf\xbf\xbf"));
  EXPECT_FALSE(IsValidUtf8("\xf8\x88\x80\x80\x80"));      // old 5-byte form
  EXPECT_FALSE(IsValidUtf8("\xfc\x84\x80\x80\x80\x80"));  // old 6-byte form
  EXPECT_FALSE(IsValidUtf8("\xfe"));
  EXPECT_FALSE(IsValidUtf8("\xff"));
}

TEST(Utf8Test, RefusesStrayContinuationBytes) {
  EXPECT_FALSE(IsValidUtf8("\x80"));
  EXPECT_FALSE(IsValidUtf8("\xbf"));
  EXPECT_FALSE(IsValidUtf8("a\x80z"));
  EXPECT_FALSE(IsValidUtf8("\xc3\xa9\xa9"));  // one continuation too many
}

TEST(Utf8Test, RefusesTruncatedSequences) {
  EXPECT_FALSE(IsValidUtf8("\xc3"));
  EXPECT_FALSE(IsValidUtf8("Jos\xc3"));
  EXPECT_FALSE(IsValidUtf8("\xe2\x82"));
  EXPECT_FALSE(IsValidUtf8("\xe2"));
  EXPECT_FALSE(IsValidUtf8("\xf0\x9f\x98"));
  EXPECT_FALSE(IsValidUtf8("\xf0\x9f"));
  EXPECT_FALSE(IsValidUtf8("\xf0"));
  // Cut short by an ASCII byte rather than by the end.
  EXPECT_FALSE(IsValidUtf8("\xe2\x82" "A"));
  EXPECT_FALSE(IsValidUtf8("\xf0\x9f\x98" "A"));
  EXPECT_FALSE(IsValidUtf8("\xc3 "));
  // Every proper prefix of a multi-byte character is refused.
  const std::string emoji = "\xf0\x9f\x98\x80";
  for (size_t n = 1; n < emoji.size(); ++n) {
    EXPECT_FALSE(IsValidUtf8(emoji.substr(0, n))) << n;
  }
}

// ---- NormalizeE164 ----

TEST(E164Test, AcceptedForms) {
  struct Case {
    const char* in;
    const char* want;
  };
  const Case cases[] = {
      {"+14072601011", "+14072601011"},
      {"+1 (407) 260-1011", "+14072601011"},
      {"+1.407.260.1011", "+14072601011"},
      {"(407) 260-1011", "+14072601011"},
      {"407-260-1011", "+14072601011"},
      {"407.260.1011", "+14072601011"},
      {"4072601011", "+14072601011"},
      {"1 407 260 1011", "+14072601011"},
      {"1-407-260-1011", "+14072601011"},
      {"14072601011", "+14072601011"},
      {"  407 260 1011  ", "+14072601011"},
      {"(202) 555-0123", "+12025550123"},
      {"+44 20 7946 0958", "+442079460958"},
      {"+33 1 23 45 67 89", "+33123456789"},
      {"+49 30 1234", "+49301234"},                 // 8 digits, the shortest accepted
      {"+49 123 456 789 012 3", "+491234567890123"}, // 15 digits, the longest
      {"+91-98765-43210", "+919876543210"},
  };
  for (const Case& c : cases) {
    auto r = NormalizeE164(c.in);
    ASSERT_TRUE(r.ok()) << c.in << ": " << r.status().ToString();
    EXPECT_EQ(*r, c.want) << c.in;
    // Normalisation is idempotent.
    auto again = NormalizeE164(*r);
    ASSERT_TRUE(again.ok()) << *r;
    EXPECT_EQ(*again, *r);
  }
}

TEST(E164Test, RefusedForms) {
  const char* cases[] = {
      "",
      "+",
      "   ",
      "abc",
      "407-260-101",           // 9 digits
      "407-260-10111",         // 11 digits not starting with 1
      "2-407-260-1011",        // 11 digits, trunk prefix other than 1
      "11-407-260-1011",       // 12 digits
      "107-260-1011",          // area code starts with 1
      "007-260-1011",          // area code starts with 0
      "407-160-1011",          // exchange starts with 1
      "407-060-1011",          // exchange starts with 0
      "+1 107 260 1011",       // +1 area code starts with 1
      "+1 407 060 1011",       // +1 exchange starts with 0
      "+1 407 260 101",        // +1 with only 9 national digits
      "+1 407 260 10111",      // +1 with 11 national digits
      "+0 20 7946 0958",       // country code 0
      "+4930123",              // 7 digits
      "+4912345678901234",     // 16 digits
      "++14072601011",
      "1+4072601011",          // plus after a digit
      "4072601011+",
      "+1 407 260 1011 ext 5",
      "407-260-1011x5",
      "407/260/1011",
      "407_260_1011",
      "\t4072601011",
      "407-260-1011#",
      "\xd9\xa4\xd9\xa0\xd9\xa7 260 1011",  // Arabic-Indic digits
  };
  for (const char* in : cases) {
    auto r = NormalizeE164(in);
    EXPECT_FALSE(r.ok()) << "accepted '" << in << "' as " << r.value_or("");
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << in;
      EXPECT_NE(r.status().message().find(std::string("'") + in + "'"), std::string::npos)
          << "the message should quote the input: " << r.status().message();
    }
  }
}

// ---- small helpers ----

TEST(TextTest, Trim) {
  EXPECT_EQ(Trim("  a b \t\r\n"), "a b");
  EXPECT_EQ(Trim(""), "");
  EXPECT_EQ(Trim(" \t "), "");
  EXPECT_EQ(Trim("x"), "x");
  EXPECT_EQ(Trim("\xc2\xa0x"), "\xc2\xa0x");  // only ASCII white space
}

TEST(TextTest, LooksLikeEmail) {
  EXPECT_TRUE(LooksLikeEmail("ada@example.com"));
  EXPECT_TRUE(LooksLikeEmail("a.b+tag@mail.example.co.uk"));
  EXPECT_FALSE(LooksLikeEmail(""));
  EXPECT_FALSE(LooksLikeEmail("ada"));
  EXPECT_FALSE(LooksLikeEmail("@example.com"));
  EXPECT_FALSE(LooksLikeEmail("ada@"));
  EXPECT_FALSE(LooksLikeEmail("ada@example"));
  EXPECT_FALSE(LooksLikeEmail("ada@.example.com"));
  EXPECT_FALSE(LooksLikeEmail("ada@example."));
  EXPECT_FALSE(LooksLikeEmail("ada@@example.com"));
  EXPECT_FALSE(LooksLikeEmail("a@b@example.com"));
  EXPECT_FALSE(LooksLikeEmail("ada lovelace@example.com"));
  EXPECT_FALSE(LooksLikeEmail("ada@exam\tple.com"));
  EXPECT_FALSE(LooksLikeEmail("ada@example.com\x7f"));
}

TEST(TextTest, Hex) {
  EXPECT_EQ(ToHex(""), "");
  EXPECT_EQ(ToHex("\x00\x01\xab\xff"s), "0001abff");
  auto back = FromHex("0001ABff");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, "\x00\x01\xab\xff"s);
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  auto round = FromHex(ToHex(all));
  ASSERT_TRUE(round.ok());
  EXPECT_EQ(*round, all);
  EXPECT_EQ(FromHex("abc").status().code(), StatusCode::kInvalidArgument);  // odd length
  EXPECT_EQ(FromHex("zz").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(FromHex("0g").status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(FromHex("").ok());
}

}  // namespace
}  // namespace proprio
