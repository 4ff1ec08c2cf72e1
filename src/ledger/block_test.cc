#include "ledger/block.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ledger/entry.h"

namespace proprio::ledger {
namespace {

std::string EncodedEntry(int64_t seq, const Hash& prev) {
  Entry e;
  e.carrier = CarrierId(3);
  e.seq = seq;
  e.at = Instant::FromMicros(1710338700000000 + seq);
  e.actor = "cli";
  e.type = "customer.created";
  e.subject = "customer:" + std::to_string(seq);
  e.body = "{}";
  e.prev_hash = prev;
  return e.Encode();
}

TEST(Block, BoundariesAreEveryKBlockEntries) {
  EXPECT_FALSE(SealsBlock(0));
  EXPECT_FALSE(SealsBlock(1));
  EXPECT_FALSE(SealsBlock(kBlockEntries - 1));
  EXPECT_TRUE(SealsBlock(kBlockEntries));
  EXPECT_FALSE(SealsBlock(kBlockEntries + 1));
  EXPECT_TRUE(SealsBlock(3 * kBlockEntries));
  EXPECT_EQ(BlockStart(1), 1);
  EXPECT_EQ(BlockStart(kBlockEntries), 1);
  EXPECT_EQ(BlockStart(kBlockEntries + 1), kBlockEntries + 1);
  EXPECT_EQ(BlockStart(2 * kBlockEntries), kBlockEntries + 1);
}

TEST(Block, ReadsBackEveryEntryAndHashInOrder) {
  std::vector<std::string> entries;
  std::vector<Hash> hashes;
  std::string block;
  Hash prev{};
  for (int64_t seq = 1; seq <= kBlockEntries; ++seq) {
    entries.push_back(EncodedEntry(seq, prev));
    hashes.push_back(ChainHash(entries.back()));
    prev = hashes.back();
    AppendToBlock(entries.back(), HashBytes(hashes.back()), &block);
  }
  BlockReader reader(block);
  std::string_view entry, hash;
  size_t i = 0, offset = 0;
  while (reader.Next(&entry, &hash)) {
    ASSERT_LT(i, entries.size());
    EXPECT_EQ(entry, entries[i]);
    EXPECT_EQ(hash, HashBytes(hashes[i]));
    EXPECT_EQ(reader.offset(), offset);
    offset += 4 + entries[i].size() + kBlockHashBytes;
    ++i;
  }
  EXPECT_EQ(i, entries.size());
  EXPECT_EQ(offset, block.size());
}

TEST(Block, AnAlteredLengthYieldsTheRestAsOneUnhashedEntry) {
  std::string block;
  const std::string first = EncodedEntry(1, Hash{});
  const std::string second = EncodedEntry(2, ChainHash(first));
  AppendToBlock(first, HashBytes(ChainHash(first)), &block);
  AppendToBlock(second, HashBytes(ChainHash(second)), &block);
  const size_t second_at = 4 + first.size() + kBlockHashBytes;
  block[second_at] = '\x7f';  // the second entry's length is now ~2 GB

  BlockReader reader(block);
  std::string_view entry, hash;
  ASSERT_TRUE(reader.Next(&entry, &hash));
  EXPECT_EQ(entry, first);
  ASSERT_TRUE(reader.Next(&entry, &hash));
  EXPECT_EQ(reader.offset(), second_at);
  EXPECT_EQ(entry.size(), block.size() - second_at);
  EXPECT_TRUE(hash.empty());
  EXPECT_FALSE(reader.Next(&entry, &hash));
}

TEST(Block, ATruncatedBlockEndsInOneUnhashedEntry) {
  std::string block;
  const std::string first = EncodedEntry(1, Hash{});
  AppendToBlock(first, HashBytes(ChainHash(first)), &block);
  block.resize(block.size() - 5);  // part of the hash is gone
  BlockReader reader(block);
  std::string_view entry, hash;
  ASSERT_TRUE(reader.Next(&entry, &hash));
  EXPECT_TRUE(hash.empty());
  EXPECT_EQ(entry.size(), block.size());
  EXPECT_FALSE(reader.Next(&entry, &hash));
  BlockReader empty("");
  EXPECT_FALSE(empty.Next(&entry, &hash));
}

}  // namespace
}  // namespace proprio::ledger
