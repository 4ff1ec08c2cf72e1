#include "core/csv.h"

#include <gtest/gtest.h>

namespace proprio {
namespace {

using Fields = std::vector<std::string>;

TEST(CsvReaderTest, ReadsQuotedFieldsWithCommasQuotesAndLineBreaks) {
  CsvReader r("a,\"b,c\",\"say \"\"hi\"\"\"\r\n\"two\nlines\",x,\n");
  Fields f;
  ASSERT_EQ(r.Next(&f), CsvReader::State::kRecord);
  EXPECT_EQ(f, (Fields{"a", "b,c", "say \"hi\""}));
  EXPECT_EQ(r.line(), 1);
  ASSERT_EQ(r.Next(&f), CsvReader::State::kRecord);
  EXPECT_EQ(f, (Fields{"two\nlines", "x", ""}));
  EXPECT_EQ(r.line(), 2);
  EXPECT_EQ(r.Next(&f), CsvReader::State::kEnd);
}

TEST(CsvReaderTest, LastRecordWithoutLineBreakIsRead) {
  CsvReader r("a,b\nc,d");
  Fields f;
  ASSERT_EQ(r.Next(&f), CsvReader::State::kRecord);
  ASSERT_EQ(r.Next(&f), CsvReader::State::kRecord);
  EXPECT_EQ(f, (Fields{"c", "d"}));
  EXPECT_EQ(r.line(), 2);
}

TEST(CsvReaderTest, LineNumbersCountLineBreaksInsideQuotes) {
  CsvReader r("h\n\"a\nb\nc\"\nnext\n");
  Fields f;
  ASSERT_EQ(r.Next(&f), CsvReader::State::kRecord);
  ASSERT_EQ(r.Next(&f), CsvReader::State::kRecord);
  EXPECT_EQ(r.line(), 2);
  ASSERT_EQ(r.Next(&f), CsvReader::State::kRecord);
  EXPECT_EQ(f, Fields{"next"});
  EXPECT_EQ(r.line(), 5);
}

TEST(CsvReaderTest, UnterminatedQuoteAtEndIsAnError) {
  CsvReader r("h\n\"open");
  Fields f;
  ASSERT_EQ(r.Next(&f), CsvReader::State::kRecord);
  ASSERT_EQ(r.Next(&f), CsvReader::State::kError);
  EXPECT_NE(r.error().find("truncated"), std::string::npos);
  EXPECT_EQ(r.line(), 2);
  EXPECT_EQ(r.Next(&f), CsvReader::State::kEnd);
}

TEST(CsvReaderTest, BadQuotingResynchronisesAtTheNextLine) {
  CsvReader r("a\"b,c\nok,1\n");
  Fields f;
  ASSERT_EQ(r.Next(&f), CsvReader::State::kError);
  EXPECT_EQ(r.line(), 1);
  ASSERT_EQ(r.Next(&f), CsvReader::State::kRecord);
  EXPECT_EQ(f, (Fields{"ok", "1"}));
  EXPECT_EQ(r.line(), 2);
}

TEST(CsvReaderTest, OversizedRecordIsAnErrorAndReadingGoesOn) {
  std::string data = std::string(100, 'x') + "\nshort\n";
  CsvReader r(data, 50);
  Fields f;
  ASSERT_EQ(r.Next(&f), CsvReader::State::kError);
  EXPECT_NE(r.error().find("longer than 50"), std::string::npos);
  ASSERT_EQ(r.Next(&f), CsvReader::State::kRecord);
  EXPECT_EQ(f, Fields{"short"});
}

TEST(CsvReaderTest, ByteOrderMarkIsSkipped) {
  CsvReader r("\xEF\xBB\xBFname\n");
  Fields f;
  ASSERT_EQ(r.Next(&f), CsvReader::State::kRecord);
  EXPECT_EQ(f, Fields{"name"});
}

}  // namespace
}  // namespace proprio
