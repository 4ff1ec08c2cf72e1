#include "ledger/merkle.h"

#include <gtest/gtest.h>

#include <bit>
#include <span>
#include <string>
#include <vector>

#include "core/text.h"

namespace proprio::ledger {
namespace {

using namespace std::string_literals;

std::string Raw(const Hash& h) { return std::string(HashBytes(h)); }

// Leaf hashes of n distinct entries.
std::vector<Hash> Leaves(size_t n) {
  std::vector<Hash> out;
  for (size_t i = 0; i < n; ++i) out.push_back(LeafHash("entry " + std::to_string(i)));
  return out;
}

// ---- SHA-256 and RFC 6962 hashing ----

TEST(Sha256Test, KnownDigests) {
  EXPECT_EQ(HashHex(Sha256Of("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(HashHex(Sha256Of("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HashHex(Sha256Of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  // The incremental hasher gives the same digest and resets after Finish.
  Sha256 h;
  EXPECT_EQ(h.Update("a").Update("bc").Finish(), Sha256Of("abc"));
  EXPECT_EQ(h.Finish(), Sha256Of(""));
}

TEST(Sha256Test, HexAndRawConversions) {
  const Hash h = Sha256Of("abc");
  Hash back{};
  ASSERT_TRUE(ParseHashHex(HashHex(h), &back));
  EXPECT_EQ(back, h);
  ASSERT_TRUE(ParseHashHex("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
                           &back));
  EXPECT_EQ(back, h);
  EXPECT_FALSE(ParseHashHex(HashHex(h).substr(2), &back));  // 62 digits
  EXPECT_FALSE(ParseHashHex(HashHex(h) + "00", &back));
  EXPECT_FALSE(ParseHashHex(std::string(63, 'a') + "g", &back));
  Hash raw{};
  ASSERT_TRUE(HashFromBytes(HashBytes(h), &raw));
  EXPECT_EQ(raw, h);
  EXPECT_FALSE(HashFromBytes(std::string(31, 'x'), &raw));
  EXPECT_FALSE(HashFromBytes(std::string(33, 'x'), &raw));
  EXPECT_EQ(HashBytes(h).size(), 32u);
}

TEST(MerkleTest, EmptyTreeIsSha256OfNothing) {
  EXPECT_EQ(HashHex(EmptyTreeHash()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(MerkleRoot({}), EmptyTreeHash());
}

TEST(MerkleTest, LeafAndNodeHashesUseTheirPrefixes) {
  // RFC 6962 2.1: leaf = SHA-256(0x00 || d), node = SHA-256(0x01 || l || r).
  EXPECT_EQ(HashHex(LeafHash("")),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  EXPECT_EQ(LeafHash("hello"), Sha256Of("\x00hello"s));
  const Hash l = Sha256Of("left"), r = Sha256Of("right");
  EXPECT_EQ(NodeHash(l, r), Sha256Of("\x01"s + Raw(l) + Raw(r)));
  EXPECT_NE(NodeHash(l, r), NodeHash(r, l));
  // A leaf and a node over the same bytes never collide (the point of the prefixes).
  EXPECT_NE(LeafHash(Raw(l) + Raw(r)), NodeHash(l, r));
}

TEST(MerkleTest, Rfc6962ReferenceRoots) {
  // The leaf inputs and roots of the Certificate Transparency reference tests.
  const std::string inputs[] = {
      ""s,
      "\x00"s,
      "\x10"s,
      "\x20\x21"s,
      "\x30\x31"s,
      "\x40\x41\x42\x43"s,
      "\x50\x51\x52\x53\x54\x55\x56\x57"s,
      "\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f"s,
  };
  const char* roots[] = {
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
  };
  std::vector<Hash> leaves;
  CompactTree compact;
  for (size_t n = 1; n <= 8; ++n) {
    leaves.push_back(LeafHash(inputs[n - 1]));
    compact.Push(leaves.back());
    EXPECT_EQ(HashHex(MerkleRoot(leaves)), roots[n - 1]) << "tree size " << n;
    EXPECT_EQ(HashHex(compact.Root()), roots[n - 1]) << "compact tree size " << n;
  }
}

TEST(MerkleTest, HandComputedFiveLeafTree) {
  // MTH splits at the largest power of two below n: for 5 leaves,
  //   root = H(1 || H(1 || H(1||a||b) || H(1||c||d)) || e)
  // computed here with plain SHA-256 over hand-built byte strings.
  const std::string d[] = {"alpha", "bravo", "charlie", "delta", "echo"};
  std::string leaf[5];
  for (int i = 0; i < 5; ++i) leaf[i] = Raw(Sha256Of("\x00"s + d[i]));
  const std::string ab = Raw(Sha256Of("\x01"s + leaf[0] + leaf[1]));
  const std::string cd = Raw(Sha256Of("\x01"s + leaf[2] + leaf[3]));
  const std::string abcd = Raw(Sha256Of("\x01"s + ab + cd));
  const Hash root5 = Sha256Of("\x01"s + abcd + leaf[4]);
  // Three leaves: H(1 || H(1||a||b) || c), not H(1 || a || H(1||b||c)).
  const Hash root3 = Sha256Of("\x01"s + ab + leaf[2]);

  std::vector<Hash> leaves;
  for (const std::string& s : d) leaves.push_back(LeafHash(s));
  EXPECT_EQ(MerkleRoot(leaves), root5);
  EXPECT_EQ(MerkleRoot(std::span<const Hash>(leaves).first(3)), root3);
  EXPECT_EQ(MerkleRoot(std::span<const Hash>(leaves).first(1)), leaves[0]);

  // The audit path of leaf 2 (charlie) is [d, ab, e], leaf to root.
  const std::vector<Hash> path = InclusionPath(leaves, 2);
  ASSERT_EQ(path.size(), 3u);
  EXPECT_EQ(Raw(path[0]), leaf[3]);
  EXPECT_EQ(Raw(path[1]), ab);
  EXPECT_EQ(Raw(path[2]), leaf[4]);
  // The audit path of leaf 4 (echo) is just [abcd].
  const std::vector<Hash> path4 = InclusionPath(leaves, 4);
  ASSERT_EQ(path4.size(), 1u);
  EXPECT_EQ(Raw(path4[0]), abcd);
}

// ---- inclusion proofs ----

TEST(InclusionTest, EveryLeafOfEveryTreeUpTo33Verifies) {
  for (uint64_t n = 1; n <= 33; ++n) {
    const std::vector<Hash> leaves = Leaves(n);
    const Hash root = MerkleRoot(leaves);
    for (uint64_t i = 0; i < n; ++i) {
      SCOPED_TRACE("tree size " + std::to_string(n) + ", leaf " + std::to_string(i));
      const std::vector<Hash> path = InclusionPath(leaves, i);
      // The path has one hash per level between the leaf and the root.
      if (n == 1) {
        EXPECT_TRUE(path.empty());
      } else {
        EXPECT_GE(path.size(), 1u);
        EXPECT_LE(path.size(), 6u);  // ceil(log2(33))
      }
      EXPECT_TRUE(VerifyInclusion(leaves[i], i, n, path, root));
    }
  }
}

TEST(InclusionTest, TamperedProofsAreRejected) {
  for (uint64_t n = 1; n <= 33; ++n) {
    const std::vector<Hash> leaves = Leaves(n);
    const Hash root = MerkleRoot(leaves);
    Hash wrong_root = root;
    wrong_root[31] ^= 1;
    for (uint64_t i = 0; i < n; ++i) {
      SCOPED_TRACE("tree size " + std::to_string(n) + ", leaf " + std::to_string(i));
      const std::vector<Hash> path = InclusionPath(leaves, i);
      ASSERT_TRUE(VerifyInclusion(leaves[i], i, n, path, root));

      // Wrong index: every other position in the tree, and past its end.
      for (uint64_t j = 0; j < n; ++j) {
        if (j != i) {
          EXPECT_FALSE(VerifyInclusion(leaves[i], j, n, path, root)) << "index " << j;
        }
      }
      EXPECT_FALSE(VerifyInclusion(leaves[i], n, n, path, root));
      EXPECT_FALSE(VerifyInclusion(leaves[i], i + 1000, n, path, root));

      // Wrong root, wrong leaf.
      EXPECT_FALSE(VerifyInclusion(leaves[i], i, n, path, wrong_root));
      EXPECT_FALSE(VerifyInclusion(LeafHash("forged"), i, n, path, root));
      if (n > 1) {
        EXPECT_FALSE(VerifyInclusion(leaves[(i + 1) % n], i, n, path, root));
      }

      // Each path element altered in one bit.
      for (size_t k = 0; k < path.size(); ++k) {
        std::vector<Hash> altered = path;
        altered[k][static_cast<size_t>(k) % 32] ^= 0x80;
        EXPECT_FALSE(VerifyInclusion(leaves[i], i, n, altered, root)) << "element " << k;
      }
      // Truncated path (every proper prefix) and an extended one.
      for (size_t len = 0; len < path.size(); ++len) {
        std::vector<Hash> cut(path.begin(), path.begin() + static_cast<std::ptrdiff_t>(len));
        EXPECT_FALSE(VerifyInclusion(leaves[i], i, n, cut, root)) << "length " << len;
      }
      std::vector<Hash> longer = path;
      longer.push_back(root);
      EXPECT_FALSE(VerifyInclusion(leaves[i], i, n, longer, root));
      // Two path elements swapped.
      if (path.size() >= 2) {
        std::vector<Hash> swapped = path;
        std::swap(swapped[0], swapped[1]);
        EXPECT_FALSE(VerifyInclusion(leaves[i], i, n, swapped, root));
      }
    }
  }
}

TEST(InclusionTest, EmptyTreeAndOutOfRange) {
  EXPECT_FALSE(VerifyInclusion(LeafHash("x"), 0, 0, {}, EmptyTreeHash()));
  const std::vector<Hash> leaves = Leaves(4);
  EXPECT_TRUE(InclusionPath(leaves, 4).empty());  // out of range: no path
}

// ---- CompactTree ----

TEST(CompactTreeTest, RootMatchesMerkleRootForSizes0To100) {
  const std::vector<Hash> leaves = Leaves(100);
  CompactTree t;
  EXPECT_EQ(t.size(), 0u);
  EXPECT_EQ(t.Root(), EmptyTreeHash());
  for (size_t n = 1; n <= 100; ++n) {
    t.Push(leaves[n - 1]);
    ASSERT_EQ(t.size(), n);
    ASSERT_EQ(t.Root(), MerkleRoot(std::span<const Hash>(leaves).first(n))) << "size " << n;
  }
}

TEST(CompactTreeTest, SerializeRoundTripsForSizes0To100) {
  const std::vector<Hash> leaves = Leaves(101);
  CompactTree t;
  for (size_t n = 0; n <= 100; ++n) {
    SCOPED_TRACE("size " + std::to_string(n));
    const std::string bytes = t.Serialize();
    // 8-byte big-endian size, then one root per set bit of the size.
    ASSERT_EQ(bytes.size(), 8 + 32 * static_cast<size_t>(__builtin_popcountll(n)));
    EXPECT_EQ(static_cast<uint8_t>(bytes[7]), n);
    EXPECT_EQ(bytes.substr(0, 7), std::string(7, '\0'));
    auto back = CompactTree::Deserialize(bytes);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->size(), n);
    EXPECT_EQ(back->Root(), t.Root());
    EXPECT_EQ(back->Serialize(), bytes);
    // A restored tree keeps growing exactly like the original.
    CompactTree restored = *back;
    restored.Push(leaves[n]);
    t.Push(leaves[n]);
    EXPECT_EQ(restored.Root(), t.Root());
  }
}

// A tree of `start` leaves pushed one by one, then `count` more either one by
// one or as the aligned subtrees they form: both trees must be the same.
void ExpectSubtreesMatchLeaves(const std::vector<Hash>& leaves, size_t start, size_t count) {
  CompactTree by_leaf, by_subtree;
  for (size_t i = 0; i < start + count; ++i) by_leaf.Push(leaves[i]);
  for (size_t i = 0; i < start; ++i) by_subtree.Push(leaves[i]);
  const std::span<const Hash> range(leaves.data() + start, count);
  uint64_t covered = 0;
  for (const Subtree& s : AlignedSubtrees(start, range)) {
    ASSERT_TRUE(std::has_single_bit(s.leaves)) << start << "+" << count;
    ASSERT_EQ((start + covered) % s.leaves, 0u) << start << "+" << count;
    EXPECT_EQ(s.root, MerkleRoot(range.subspan(covered, s.leaves)));
    by_subtree.PushSubtree(s);
    covered += s.leaves;
  }
  EXPECT_EQ(covered, count);
  EXPECT_EQ(by_subtree.size(), by_leaf.size());
  EXPECT_EQ(by_subtree.Root(), by_leaf.Root()) << start << "+" << count;
  EXPECT_EQ(by_subtree.Serialize(), by_leaf.Serialize()) << start << "+" << count;
}

TEST(CompactTreeTest, AlignedSubtreesMatchLeafByLeafForManySizes) {
  const std::vector<Hash> leaves = Leaves(300);
  for (size_t start = 0; start <= 140; ++start) {
    for (size_t count = 0; start + count <= 300; count += (count < 40 ? 1 : 13)) {
      ExpectSubtreesMatchLeaves(leaves, start, count);
    }
  }
}

TEST(CompactTreeTest, AlignedSubtreesOfLargeBatchesInSequence) {
  // As verification folds them: batches of 4096 rows, then a short tail,
  // then batches of other sizes that are not powers of two.
  const std::vector<Hash> leaves = Leaves(3 * 4096 + 2 * 1000 + 77);
  CompactTree by_leaf, by_subtree;
  size_t at = 0;
  for (size_t batch : {4096, 4096, 4096, 1000, 77, 1000}) {
    const std::span<const Hash> range(leaves.data() + at, batch);
    for (const Subtree& s : AlignedSubtrees(at, range)) by_subtree.PushSubtree(s);
    for (const Hash& h : range) by_leaf.Push(h);
    at += batch;
    EXPECT_EQ(by_subtree.Serialize(), by_leaf.Serialize()) << at;
  }
  EXPECT_EQ(by_subtree.Root(), MerkleRoot(leaves));
}

TEST(CompactTreeTest, AlignedSubtreesAreAsLargeAsAlignmentAllows) {
  const std::vector<Hash> leaves = Leaves(64);
  auto sizes = [&](uint64_t start, size_t count) {
    std::vector<uint64_t> out;
    for (const Subtree& s : AlignedSubtrees(start, std::span(leaves).first(count))) {
      out.push_back(s.leaves);
    }
    return out;
  };
  EXPECT_EQ(sizes(0, 64), (std::vector<uint64_t>{64}));
  EXPECT_EQ(sizes(0, 13), (std::vector<uint64_t>{8, 4, 1}));
  EXPECT_EQ(sizes(4096, 64), (std::vector<uint64_t>{64}));
  EXPECT_EQ(sizes(6, 12), (std::vector<uint64_t>{2, 8, 2}));
  EXPECT_TRUE(sizes(5, 0).empty());
}

TEST(CompactTreeTest, DeserializeRefusesMalformedBytes) {
  CompactTree t;
  for (const Hash& h : Leaves(5)) t.Push(h);  // size 5: two roots
  const std::string good = t.Serialize();
  ASSERT_EQ(good.size(), 8u + 64u);

  const std::string bad[] = {
      "",
      std::string(7, '\0'),                         // shorter than the size field
      good.substr(0, good.size() - 1),              // not a whole number of hashes
      good.substr(0, good.size() - 32),             // one root missing for size 5
      good + std::string(32, 'x'),                  // one root too many
      std::string(7, '\0') + "\x01",                // size 1 with no root
  };
  for (const std::string& b : bad) {
    auto r = CompactTree::Deserialize(b);
    EXPECT_FALSE(r.ok()) << "accepted " << ToHex(b);
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
    }
  }
}

}  // namespace
}  // namespace proprio::ledger
