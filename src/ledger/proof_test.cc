#include "ledger/proof.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <functional>
#include <string>
#include <vector>

#include "core/text.h"

namespace proprio::ledger {
namespace {

constexpr CarrierId kCarrier{5};

struct Chain {
  std::vector<std::string> bytes;
  std::vector<Hash> leaves;
};

Chain MakeChain(int n) {
  Chain c;
  Hash prev = kZeroHash;
  for (int i = 1; i <= n; ++i) {
    Entry e;
    e.carrier = kCarrier;
    e.seq = i;
    e.at = Instant::FromSeconds(1700000000 + i);
    e.actor = "cli";
    e.type = "customer.created";
    e.subject = "customer:" + std::to_string(i);
    e.body = "{}";
    e.prev_hash = prev;
    c.bytes.push_back(e.Encode());
    c.leaves.push_back(LeafHash(c.bytes.back()));
    prev = ChainHash(c.bytes.back());
  }
  return c;
}

TEST(ProofTest, EveryEntryOfEveryChainUpTo20Checks) {
  for (int n = 1; n <= 20; ++n) {
    const Chain c = MakeChain(n);
    const Hash root = MerkleRoot(c.leaves);
    for (int seq = 1; seq <= n; ++seq) {
      const InclusionProof p = MakeProof(kCarrier, seq, c.leaves, c.bytes[seq - 1]);
      EXPECT_EQ(p.tree_size, static_cast<uint64_t>(n));
      EXPECT_EQ(p.root, root);
      const ProofCheck check = CheckProof(p, root);
      ASSERT_TRUE(check.valid) << "size " << n << " entry " << seq << ": " << check.reason;
      EXPECT_EQ(check.reason, "ok");
      EXPECT_EQ(check.entry.seq, seq);
      EXPECT_EQ(check.entry.subject, "customer:" + std::to_string(seq));
    }
  }
}

TEST(ProofTest, JsonRoundTripAndDocumentedFields) {
  const Chain c = MakeChain(12);
  const InclusionProof p = MakeProof(kCarrier, 5, c.leaves, c.bytes[4]);
  const std::string text = p.ToJson();
  const auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["format"], "proprio-inclusion-proof/1");
  EXPECT_EQ(j["carrier"], 5);
  EXPECT_EQ(j["entry"], 5);
  EXPECT_EQ(j["leaf_index"], 4);
  EXPECT_EQ(j["tree_size"], 12);
  EXPECT_EQ(j["entry_hex"], ToHex(c.bytes[4]));
  EXPECT_EQ(j["leaf_hash"], HashHex(c.leaves[4]));
  EXPECT_EQ(j["root"], HashHex(MerkleRoot(c.leaves)));
  EXPECT_EQ(j["audit_path"].size(), p.audit_path.size());

  auto back = InclusionProof::FromJson(text);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->carrier, p.carrier);
  EXPECT_EQ(back->entry, p.entry);
  EXPECT_EQ(back->tree_size, p.tree_size);
  EXPECT_EQ(back->entry_bytes, p.entry_bytes);
  EXPECT_EQ(back->audit_path, p.audit_path);
  EXPECT_EQ(back->root, p.root);
  EXPECT_TRUE(CheckProof(*back, MerkleRoot(c.leaves)).valid);
}

TEST(ProofTest, TamperedProofsFail) {
  const Chain c = MakeChain(9);
  const Hash root = MerkleRoot(c.leaves);
  const InclusionProof good = MakeProof(kCarrier, 4, c.leaves, c.bytes[3]);
  ASSERT_TRUE(CheckProof(good, root).valid);

  Hash other_root = root;
  other_root[0] ^= 1;
  EXPECT_FALSE(CheckProof(good, other_root).valid);

  InclusionProof p = good;
  p.entry_bytes[40] ^= 1;  // the entry itself altered
  EXPECT_FALSE(CheckProof(p, root).valid);

  p = good;
  p.entry_bytes = c.bytes[4];  // another entry presented under entry 4's path
  EXPECT_FALSE(CheckProof(p, root).valid);

  p = good;
  p.entry = 5;  // the document's number disagrees with the entry's own
  EXPECT_FALSE(CheckProof(p, root).valid);

  p = good;
  p.carrier = CarrierId(6);
  EXPECT_FALSE(CheckProof(p, root).valid);

  p = good;
  p.audit_path[1][3] ^= 1;
  EXPECT_FALSE(CheckProof(p, root).valid);

  p = good;
  p.audit_path.pop_back();
  EXPECT_FALSE(CheckProof(p, root).valid);

  p = good;
  p.root = other_root;  // a proof for another root is not one for the trusted root
  EXPECT_FALSE(CheckProof(p, root).valid);

  p = good;
  p.entry_bytes = "not an entry";
  const ProofCheck undecodable = CheckProof(p, root);
  EXPECT_FALSE(undecodable.valid);
  EXPECT_NE(undecodable.reason.find("does not decode"), std::string::npos);
}

TEST(ProofTest, FromJsonRefusesMalformedDocuments) {
  const Chain c = MakeChain(4);
  const std::string good = MakeProof(kCarrier, 2, c.leaves, c.bytes[1]).ToJson();
  ASSERT_TRUE(InclusionProof::FromJson(good).ok());

  auto with = [&](const std::function<void(nlohmann::json&)>& change) {
    auto j = nlohmann::json::parse(good);
    change(j);
    return InclusionProof::FromJson(j.dump());
  };
  struct Case {
    const char* what;
    Result<InclusionProof> result;
    const char* field;
  };
  Case cases[] = {
      {"not json", InclusionProof::FromJson("{"), ""},
      {"array", InclusionProof::FromJson("[]"), ""},
      {"format", with([](auto& j) { j["format"] = "proprio-inclusion-proof/2"; }), "format"},
      {"no format", with([](auto& j) { j.erase("format"); }), "format"},
      {"carrier", with([](auto& j) { j["carrier"] = "5"; }), "carrier"},
      {"entry", with([](auto& j) { j.erase("entry"); }), "entry"},
      {"entry zero", with([](auto& j) { j["entry"] = 0; }), "entry"},
      {"tree_size", with([](auto& j) { j["tree_size"] = 4.5; }), "tree_size"},
      {"entry_hex", with([](auto& j) { j["entry_hex"] = "xyz1"; }), "entry_hex"},
      {"audit_path", with([](auto& j) { j["audit_path"] = "abc"; }), "audit_path"},
      {"audit_path item", with([](auto& j) { j["audit_path"][0] = "00"; }), "audit_path"},
      {"root", with([](auto& j) { j["root"] = "1234"; }), "root"},
  };
  for (const Case& k : cases) {
    ASSERT_FALSE(k.result.ok()) << k.what;
    EXPECT_EQ(k.result.status().code(), StatusCode::kInvalidArgument) << k.what;
    EXPECT_EQ(k.result.status().field(), k.field) << k.what;
  }
}

}  // namespace
}  // namespace proprio::ledger
