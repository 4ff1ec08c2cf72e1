#include "ledger/entry.h"

#include <gtest/gtest.h>

#include <string>

#include "core/text.h"
#include "ledger/merkle.h"

namespace proprio::ledger {
namespace {

using namespace std::string_literals;

Entry Sample(bool with_payload) {
  Entry e;
  e.carrier = CarrierId(7);
  e.seq = 42;
  e.at = Instant::FromMicros(1710338700123456);
  e.actor = "staff:12";
  e.type = "customer.created";
  e.subject = "customer:9001";
  e.body = R"({"account":"A-1001","services":"local;cmrs"})";
  if (with_payload) e.payload_hash = Sha256Of("personal data");
  e.prev_hash = Sha256Of("the previous entry");
  return e;
}

void ExpectSame(const Entry& a, const Entry& b) {
  EXPECT_EQ(a.carrier, b.carrier);
  EXPECT_EQ(a.seq, b.seq);
  EXPECT_EQ(a.at, b.at);
  EXPECT_EQ(a.actor, b.actor);
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.subject, b.subject);
  EXPECT_EQ(a.body, b.body);
  EXPECT_EQ(a.payload_hash.has_value(), b.payload_hash.has_value());
  if (a.payload_hash && b.payload_hash) {
    EXPECT_EQ(*a.payload_hash, *b.payload_hash);
  }
  EXPECT_EQ(a.payload_retain_until, b.payload_retain_until);
  EXPECT_EQ(a.prev_hash, b.prev_hash);
}

TEST(EntryTest, RoundTripWithAndWithoutPayload) {
  for (bool payload : {false, true}) {
    const Entry e = Sample(payload);
    const std::string bytes = e.Encode();
    auto back = Entry::Decode(bytes);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    ExpectSame(*back, e);
    EXPECT_EQ(back->Encode(), bytes);  // the encoding is canonical
  }
}

TEST(EntryTest, RoundTripOfEdgeValues) {
  Entry e;
  e.carrier = CarrierId(INT64_MAX);
  e.seq = 1;
  e.at = Instant::FromMicros(-62135596800000000);  // 0001-01-01, negative
  e.actor = "";
  e.type = "t";
  e.subject = "";
  e.body = "\x00\xff\xc3\xa9"s;
  e.prev_hash = kZeroHash;
  auto back = Entry::Decode(e.Encode());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSame(*back, e);
}

TEST(EntryTest, LayoutIsTheDocumentedOne) {
  const Entry e = Sample(true);
  const std::string b = e.Encode();
  const size_t strings = e.actor.size() + e.type.size() + e.subject.size() + e.body.size();
  // magic 4 + carrier 8 + seq 8 + instant 8 + 4 length prefixes + flag 1 + payload 32 + prev 32
  ASSERT_EQ(b.size(), 4 + 8 + 8 + 8 + 4 * 4 + strings + 1 + 32 + 32);
  EXPECT_EQ(b.substr(0, 4), "PRL1");
  EXPECT_EQ(ToHex(b.substr(4, 8)), "0000000000000007");    // carrier 7, big-endian
  EXPECT_EQ(ToHex(b.substr(12, 8)), "000000000000002a");   // seq 42
  EXPECT_EQ(ToHex(b.substr(20, 8)), "0006138b42aa9d40");   // 1710338700123456 us
  EXPECT_EQ(ToHex(b.substr(28, 4)), "00000008");           // len("staff:12")
  EXPECT_EQ(b.substr(32, 8), "staff:12");
  const size_t flag = b.size() - 65;
  EXPECT_EQ(b[flag], '\x01');
  EXPECT_EQ(b.substr(flag + 1, 32), HashBytes(*e.payload_hash));
  EXPECT_EQ(b.substr(b.size() - 32), HashBytes(e.prev_hash));

  const std::string none = Sample(false).Encode();
  EXPECT_EQ(none.size(), b.size() - 32);
  EXPECT_EQ(none[none.size() - 33], '\x00');
}

// ledger_payloads.retain_until was covered by no hash (issue 22): an entry
// storing a payload now commits to its retention (payload flag 2).
TEST(EntryTest, PayloadRetentionIsCommittedInTheEncoding) {
  Entry e = Sample(true);
  e.payload_retain_until = Instant::FromMicros(1713000000000000);
  const std::string b = e.Encode();
  const std::string old = Sample(true).Encode();  // flag 1: no retention, as before
  ASSERT_EQ(b.size(), old.size() + 8);
  const size_t flag = b.size() - 32 - 8 - 32 - 1;
  EXPECT_EQ(b[flag], '\x02');
  EXPECT_EQ(b.substr(flag + 1, 32), HashBytes(*e.payload_hash));
  EXPECT_EQ(ToHex(b.substr(flag + 33, 8)), "000615f6e4801000");  // 1713000000000000 us
  EXPECT_EQ(old[old.size() - 65], '\x01');
  auto back = Entry::Decode(b);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSame(*back, e);
  EXPECT_EQ(back->Encode(), b);
  auto view = EntryView::Parse(b);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->payload_retain_until, e.payload_retain_until);
  // An entry of the old format still decodes, with no retention.
  auto old_back = Entry::Decode(old);
  ASSERT_TRUE(old_back.ok());
  EXPECT_FALSE(old_back->payload_retain_until.has_value());
  // The retention feeds the hash.
  Entry c = e;
  c.payload_retain_until = Instant::FromMicros(0);
  EXPECT_NE(ChainHash(c.Encode()), ChainHash(b));
  // Without a payload there is nothing to retain: flag 0.
  Entry none = Sample(false);
  none.payload_retain_until = e.payload_retain_until;
  EXPECT_EQ(none.Encode(), Sample(false).Encode());
  for (size_t n = 0; n < b.size(); ++n) {
    EXPECT_FALSE(Entry::Decode(std::string_view(b).substr(0, n)).ok()) << n;
  }
}

TEST(EntryTest, ChainHashIsTheMerkleLeafHashOfTheEncoding) {
  const std::string b = Sample(true).Encode();
  EXPECT_EQ(ChainHash(b), LeafHash(b));
  // Every field feeds the encoding, so a change anywhere changes the hash.
  Entry e = Sample(true);
  const Hash base = ChainHash(e.Encode());
  Entry c = e;
  c.seq = 43;
  EXPECT_NE(ChainHash(c.Encode()), base);
  c = e;
  c.at = e.at + 1;
  EXPECT_NE(ChainHash(c.Encode()), base);
  c = e;
  c.body += " ";
  EXPECT_NE(ChainHash(c.Encode()), base);
  c = e;
  c.payload_hash.reset();
  EXPECT_NE(ChainHash(c.Encode()), base);
  c = e;
  c.prev_hash[0] ^= 1;
  EXPECT_NE(ChainHash(c.Encode()), base);
  // Moving bytes between adjacent fields changes the encoding (length prefixes).
  Entry a = e, d = e;
  a.actor = "ab";
  a.type = "c";
  d.actor = "a";
  d.type = "bc";
  EXPECT_NE(a.Encode(), d.Encode());
}

TEST(EntryTest, EveryTruncationIsRefused) {
  for (bool payload : {false, true}) {
    const std::string b = Sample(payload).Encode();
    for (size_t n = 0; n < b.size(); ++n) {
      auto r = Entry::Decode(std::string_view(b).substr(0, n));
      ASSERT_FALSE(r.ok()) << "accepted a prefix of " << n << " of " << b.size() << " bytes";
      EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
    }
  }
}

TEST(EntryTest, TrailingBytesAreRefused) {
  for (bool payload : {false, true}) {
    const std::string b = Sample(payload).Encode();
    for (const std::string& extra : {"\x00"s, "x"s, std::string(32, '\0')}) {
      auto r = Entry::Decode(b + extra);
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
      EXPECT_NE(r.status().message().find("trailing"), std::string::npos)
          << r.status().message();
    }
  }
}

TEST(EntryTest, MalformedFieldsAreRefused) {
  const std::string b = Sample(false).Encode();

  std::string magic = b;
  magic[3] = '2';  // "PRL2": an encoding this program does not know
  EXPECT_EQ(Entry::Decode(magic).status().code(), StatusCode::kDataLoss);
  EXPECT_NE(Entry::Decode(magic).status().message().find("magic"), std::string::npos);

  std::string flag = b;
  flag[flag.size() - 33] = '\x03';
  EXPECT_EQ(Entry::Decode(flag).status().code(), StatusCode::kDataLoss);

  // A length prefix that points past the end.
  std::string len = b;
  len[28] = '\x7f';
  EXPECT_EQ(Entry::Decode(len).status().code(), StatusCode::kDataLoss);

  // A length above the field limit is refused even when the bytes are there.
  Entry big = Sample(false);
  big.body = std::string(kMaxFieldBytes + 1, 'x');
  EXPECT_EQ(Entry::Decode(big.Encode()).status().code(), StatusCode::kDataLoss);
  big.body = std::string(kMaxFieldBytes, 'x');
  EXPECT_TRUE(Entry::Decode(big.Encode()).ok());

  // The flag says "payload" but the bytes only hold the previous hash.
  std::string missing = b;
  missing[missing.size() - 33] = '\x01';
  EXPECT_EQ(Entry::Decode(missing).status().code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace proprio::ledger
