#include "ledger/verify.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace proprio::ledger {
namespace {

constexpr CarrierId kCarrier{3};

// An in-memory ledger built exactly as store/tx.cc appends: entry n links to
// entry n-1, is leaf n-1 of the tree, and the head follows every append.
class Ledger {
 public:
  explicit Ledger(int n) {
    for (int i = 1; i <= n; ++i) {
      // Every third entry carries a payload (entries 3, 6, 9, ...).
      if (i % 3 == 0) {
        Append("consent.opt_in", "{\"channel\":\"web\"}", "name=Customer " + std::to_string(i));
      } else {
        Append("customer.updated", "{\"n\":" + std::to_string(i) + "}", std::nullopt);
      }
    }
  }

  // `retain_until`: the payload's retention, committed in the entry (as the
  // store appends since issue 22) and kept in its row.
  int64_t Append(const std::string& type, const std::string& body,
                 std::optional<std::string> payload,
                 std::optional<Instant> retain_until = std::nullopt) {
    Entry e = Make(static_cast<int64_t>(rows.size()) + 1, type, body, payload, head.last_hash);
    if (payload) e.payload_retain_until = retain_until;
    const std::string bytes = e.Encode();
    const Hash hash = ChainHash(bytes);
    rows.push_back({e.seq, bytes, std::string(HashBytes(hash)), payload, false, std::nullopt});
    if (payload && retain_until) rows.back().payload_retain_until = retain_until->micros();
    tree_.Push(LeafHash(bytes));
    head.size = static_cast<int64_t>(tree_.size());
    head.root = tree_.Root();
    head.last_hash = hash;
    return e.seq;
  }

  // What Tx::ErasePayload does: mark the payload erased and append the
  // erasure entry naming it.
  void ErasePayload(int64_t seq) {
    Row(seq).payload.reset();
    Row(seq).payload_erased = true;
    Append(std::string(kPayloadErasedType),
           "{\"entry\":" + std::to_string(seq) + ",\"reason\":\"retention ended\"}",
           std::nullopt);
  }

  static Entry Make(int64_t seq, const std::string& type, const std::string& body,
                    const std::optional<std::string>& payload, const Hash& prev) {
    Entry e;
    e.carrier = kCarrier;
    e.seq = seq;
    e.at = Instant::FromSeconds(1700000000 + seq * 60);
    e.actor = "staff:7";
    e.type = type;
    e.subject = "customer:" + std::to_string(100 + seq);
    e.body = body;
    if (payload) e.payload_hash = Sha256Of(*payload);
    e.prev_hash = prev;
    return e;
  }

  StoredEntry& Row(int64_t seq) { return rows[static_cast<size_t>(seq - 1)]; }

  std::vector<StoredEntry> rows;  // in sequence-column order
  Head head;

 private:
  CompactTree tree_;
};

VerifyReport VerifySequential(const std::vector<StoredEntry>& rows, const Head& head,
                              CarrierId carrier) {
  Verifier v(carrier);
  for (const StoredEntry& r : rows) v.Add(r);
  return v.Finish(head);
}

VerifyReport VerifyParallel(const std::vector<StoredEntry>& rows, const Head& head,
                            CarrierId carrier, size_t batch_rows, unsigned threads) {
  ParallelVerifier v(carrier, threads);
  RowBatch batch = v.TakeSpare();
  for (const StoredEntry& r : rows) {
    const std::string_view payload = r.payload ? std::string_view(*r.payload) : "";
    batch.Add(r.seq, r.bytes, r.hash, r.payload ? &payload : nullptr, r.payload_erased,
              r.payload_retain_until);
    if (batch.size() == batch_rows) {
      v.Add(std::move(batch));
      batch = v.TakeSpare();
    }
  }
  v.Add(std::move(batch));
  return v.Finish(head);
}

void ExpectSameReport(const VerifyReport& a, const VerifyReport& b, const std::string& how) {
  EXPECT_EQ(a.valid, b.valid) << how;
  EXPECT_EQ(a.carrier, b.carrier) << how;
  EXPECT_EQ(a.entries, b.entries) << how;
  EXPECT_EQ(a.payloads_checked, b.payloads_checked) << how;
  EXPECT_EQ(a.payloads_erased, b.payloads_erased) << how;
  EXPECT_EQ(a.bytes_hashed, b.bytes_hashed) << how;
  EXPECT_EQ(a.root, b.root) << how;
  ASSERT_EQ(a.problems.size(), b.problems.size()) << how;
  for (size_t i = 0; i < a.problems.size(); ++i) {
    EXPECT_EQ(a.problems[i].kind, b.problems[i].kind) << how << " problem " << i;
    EXPECT_EQ(a.problems[i].entry, b.problems[i].entry) << how << " problem " << i;
    EXPECT_EQ(a.problems[i].detail, b.problems[i].detail) << how << " problem " << i;
  }
}

// Runs the verifier over rows in sequence-column order, as the store reads
// them; ParallelVerifier must give the very same report whatever its batches
// and threads, so every case below checks it too.
VerifyReport Verify(std::vector<StoredEntry> rows, const Head& head,
                    CarrierId carrier = kCarrier) {
  std::stable_sort(rows.begin(), rows.end(),
                   [](const StoredEntry& a, const StoredEntry& b) { return a.seq < b.seq; });
  VerifyReport sequential = VerifySequential(rows, head, carrier);
  for (size_t batch_rows : {1, 3, 4, 8, 1000}) {
    for (unsigned threads : {1u, 2u, 3u}) {
      ExpectSameReport(VerifyParallel(rows, head, carrier, batch_rows, threads), sequential,
                       "batches of " + std::to_string(batch_rows) + " rows, " +
                           std::to_string(threads) + " threads");
    }
  }
  return sequential;
}

std::string Describe(const VerifyReport& r) {
  std::string out = r.valid ? "valid" : "invalid";
  for (const Problem& p : r.problems) {
    out += "\n  " + std::string(ProblemKindName(p.kind)) + " " + std::to_string(p.entry) + ": " +
           p.detail;
  }
  return out;
}

// Expects an invalid report whose first problem is `kind` at `entry`.
void ExpectFirst(const VerifyReport& r, ProblemKind kind, int64_t entry) {
  EXPECT_FALSE(r.valid) << Describe(r);
  ASSERT_FALSE(r.problems.empty()) << Describe(r);
  EXPECT_EQ(r.problems[0].kind, kind) << Describe(r);
  EXPECT_EQ(r.problems[0].entry, entry) << Describe(r);
  EXPECT_FALSE(r.problems[0].detail.empty());
}

// Re-stores a row as an attacker with write access would: new bytes and a
// matching hash column.
void Rewrite(StoredEntry& row, std::string bytes) {
  row.hash = std::string(HashBytes(ChainHash(bytes)));
  row.bytes = std::move(bytes);
}

// ---- intact ledgers ----

TEST(VerifyTest, IntactLedgerIsValid) {
  Ledger l(12);
  const VerifyReport r = Verify(l.rows, l.head);
  EXPECT_TRUE(r.valid) << Describe(r);
  EXPECT_TRUE(r.problems.empty());
  EXPECT_EQ(r.carrier, kCarrier);
  EXPECT_EQ(r.entries, 12);
  EXPECT_EQ(r.payloads_checked, 4);  // entries 3, 6, 9, 12
  EXPECT_EQ(r.payloads_erased, 0);
  EXPECT_EQ(r.root, l.head.root);
  std::vector<Hash> leaves;
  for (const StoredEntry& row : l.rows) leaves.push_back(LeafHash(row.bytes));
  EXPECT_EQ(r.root, MerkleRoot(leaves));
}

TEST(VerifyTest, EmptyLedgerIsValid) {
  const VerifyReport r = Verify({}, Head{});
  EXPECT_TRUE(r.valid) << Describe(r);
  EXPECT_EQ(r.entries, 0);
  EXPECT_EQ(r.root, EmptyTreeHash());
}

TEST(VerifyTest, ProblemKindNames) {
  EXPECT_STREQ(ProblemKindName(ProblemKind::kAltered), "altered");
  EXPECT_STREQ(ProblemKindName(ProblemKind::kRemoved), "removed");
  EXPECT_STREQ(ProblemKindName(ProblemKind::kInserted), "inserted");
  EXPECT_STREQ(ProblemKindName(ProblemKind::kReordered), "reordered");
  EXPECT_STREQ(ProblemKindName(ProblemKind::kTruncated), "truncated");
  EXPECT_STREQ(ProblemKindName(ProblemKind::kPayloadAltered), "payload_altered");
  EXPECT_STREQ(ProblemKindName(ProblemKind::kPayloadRemoved), "payload_removed");
  EXPECT_STREQ(ProblemKindName(ProblemKind::kHeadMismatch), "head_mismatch");
  EXPECT_STREQ(ProblemKindName(ProblemKind::kPayloadRetentionAltered),
               "payload_retention_altered");
}

// ---- altered entries ----

TEST(VerifyTest, AByteFlippedAnywhereInAnEntryNamesThatEntry) {
  const Ledger l(8);
  for (int64_t k = 1; k <= 8; ++k) {
    const size_t size = l.rows[static_cast<size_t>(k - 1)].bytes.size();
    for (size_t off = 0; off < size; ++off) {
      Ledger t = l;
      t.Row(k).bytes[off] ^= 0x01;
      SCOPED_TRACE("entry " + std::to_string(k) + ", byte " + std::to_string(off));
      ExpectFirst(Verify(t.rows, t.head), ProblemKind::kAltered, k);
      if (HasFatalFailure()) return;
    }
  }
}

TEST(VerifyTest, AFlippedHashColumnNamesThatEntry) {
  for (int64_t k = 1; k <= 6; ++k) {
    Ledger t(6);
    t.Row(k).hash[5] ^= 0x40;
    ExpectFirst(Verify(t.rows, t.head), ProblemKind::kAltered, k);
  }
}

TEST(VerifyTest, AlteredEntryWithRecomputedHashIsFoundByItsLinks) {
  // The attacker changes the body and rewrites the hash column to match: the
  // next entry's link, or for the last entry the head, still names it.
  for (int64_t k = 1; k <= 6; ++k) {
    Ledger t(6);
    auto e = Entry::Decode(t.Row(k).bytes);
    ASSERT_TRUE(e.ok());
    e->body = "{\"n\":999}";
    Rewrite(t.Row(k), e->Encode());
    SCOPED_TRACE("entry " + std::to_string(k));
    ExpectFirst(Verify(t.rows, t.head), ProblemKind::kAltered, k);
  }
}

TEST(VerifyTest, RewrittenLinkNamesBothEntriesItCouldBe) {
  // The attacker changes the previous-hash field of entry k and rewrites its
  // hash column. From the stored rows this cannot be told apart from entries
  // k-1 and k both rewritten, so both are named, k-1 first.
  {
    Ledger t(6);
    auto e = Entry::Decode(t.Row(1).bytes);
    ASSERT_TRUE(e.ok());
    e->prev_hash[0] ^= 0xff;
    Rewrite(t.Row(1), e->Encode());
    ExpectFirst(Verify(t.rows, t.head), ProblemKind::kAltered, 1);  // does not start the chain
  }
  for (int64_t k = 2; k <= 5; ++k) {
    Ledger t(6);
    auto e = Entry::Decode(t.Row(k).bytes);
    ASSERT_TRUE(e.ok());
    e->prev_hash[0] ^= 0xff;
    Rewrite(t.Row(k), e->Encode());
    SCOPED_TRACE("entry " + std::to_string(k));
    const VerifyReport r = Verify(t.rows, t.head);
    ExpectFirst(r, ProblemKind::kAltered, k - 1);
    ASSERT_EQ(r.problems.size(), 2u) << Describe(r);
    EXPECT_EQ(r.problems[1].kind, ProblemKind::kAltered);
    EXPECT_EQ(r.problems[1].entry, k);
  }
}

TEST(VerifyTest, EntryOfAnotherCarrierIsAltered) {
  Ledger t(5);
  auto e = Entry::Decode(t.Row(2).bytes);
  ASSERT_TRUE(e.ok());
  e->carrier = CarrierId(99);
  Rewrite(t.Row(2), e->Encode());
  ExpectFirst(Verify(t.rows, t.head), ProblemKind::kAltered, 2);
}

// ---- payloads ----

TEST(VerifyTest, AByteFlippedInAPayloadNamesItsEntry) {
  for (int64_t k : {3, 6, 9}) {
    Ledger t(9);
    ASSERT_TRUE(t.Row(k).payload.has_value());
    (*t.Row(k).payload)[0] ^= 0x20;
    const VerifyReport r = Verify(t.rows, t.head);
    ExpectFirst(r, ProblemKind::kPayloadAltered, k);
    EXPECT_EQ(r.problems.size(), 1u) << Describe(r);  // the chain itself is intact
  }
}

TEST(VerifyTest, LegitimatelyErasedPayloadStillVerifies) {
  Ledger t(9);
  t.ErasePayload(6);
  const VerifyReport r = Verify(t.rows, t.head);
  EXPECT_TRUE(r.valid) << Describe(r);
  EXPECT_EQ(r.entries, 10);
  EXPECT_EQ(r.payloads_erased, 1);
  EXPECT_EQ(r.payloads_checked, 2);  // 3 and 9 still stored
  EXPECT_EQ(r.root, t.head.root);

  t.ErasePayload(3);
  const VerifyReport r2 = Verify(t.rows, t.head);
  EXPECT_TRUE(r2.valid) << Describe(r2);
  EXPECT_EQ(r2.payloads_erased, 2);
  EXPECT_EQ(r2.payloads_checked, 1);
}

// ---- payload retention in the chain (issue 22) ----

// Entries 1..4, entry 2 storing a payload with `retain` committed.
Ledger WithRetention(Instant retain) {
  Ledger t(1);
  t.Append("customer.created", "{}", "name=Ann", retain);
  t.Append("customer.updated", "{}", std::nullopt);
  t.Append("customer.updated", "{}", std::nullopt);
  return t;
}

const Instant kFarRetention = Instant::FromSeconds(1900000000);

TEST(VerifyTest, CommittedRetentionKeptAsPromisedVerifies) {
  Ledger t = WithRetention(kFarRetention);
  const VerifyReport r = Verify(t.rows, t.head);
  EXPECT_TRUE(r.valid) << Describe(r);
  EXPECT_EQ(r.payloads_checked, 1);
}

TEST(VerifyTest, OldEntriesWithoutRetentionStillVerifyWhateverTheRowSays) {
  Ledger t(9);  // flag-1 entries, as written before the retention was committed
  for (StoredEntry& row : t.rows) {
    if (row.payload) row.payload_retain_until = 0;  // nothing to compare with
  }
  const VerifyReport r = Verify(t.rows, t.head);
  EXPECT_TRUE(r.valid) << Describe(r);
}

TEST(VerifyTest, AlteredRetentionRowIsReported) {
  Ledger t = WithRetention(kFarRetention);
  t.Row(2).payload_retain_until = 0;  // UPDATE ledger_payloads SET retain_until = 0
  const VerifyReport r = Verify(t.rows, t.head);
  ExpectFirst(r, ProblemKind::kPayloadRetentionAltered, 2);
  EXPECT_NE(r.problems[0].detail.find(kFarRetention.ToRfc3339()), std::string::npos)
      << r.problems[0].detail;
}

TEST(VerifyTest, ErasureBeforeTheCommittedRetentionIsReported) {
  // The row was lowered to let the erasure through, then put back.
  Ledger t = WithRetention(kFarRetention);
  t.ErasePayload(2);  // its entry's instant is long before kFarRetention
  const VerifyReport r = Verify(t.rows, t.head);
  ExpectFirst(r, ProblemKind::kPayloadRetentionAltered, 2);
  EXPECT_NE(r.problems[0].detail.find("before the retention"), std::string::npos)
      << r.problems[0].detail;
}

TEST(VerifyTest, ErasureAfterTheCommittedRetentionVerifies) {
  Ledger t = WithRetention(Instant::FromSeconds(1700000000));  // before every entry's instant
  t.ErasePayload(2);
  const VerifyReport r = Verify(t.rows, t.head);
  EXPECT_TRUE(r.valid) << Describe(r);
  EXPECT_EQ(r.payloads_erased, 1);
}

TEST(VerifyTest, PayloadMarkedErasedWithoutAnErasureEntryIsReported) {
  Ledger t(9);
  t.Row(6).payload.reset();
  t.Row(6).payload_erased = true;
  const VerifyReport r = Verify(t.rows, t.head);
  ExpectFirst(r, ProblemKind::kPayloadRemoved, 6);
  EXPECT_EQ(r.payloads_erased, 0);
}

TEST(VerifyTest, DeletedPayloadIsReported) {
  Ledger t(9);
  t.Row(6).payload.reset();  // the payload row is simply gone
  ExpectFirst(Verify(t.rows, t.head), ProblemKind::kPayloadRemoved, 6);
}

TEST(VerifyTest, AnErasureEntryCoversOnlyTheEntryItNames) {
  Ledger t(9);
  t.ErasePayload(3);
  t.Row(9).payload.reset();  // erased by hand, no erasure entry for 9
  t.Row(9).payload_erased = true;
  const VerifyReport r = Verify(t.rows, t.head);
  ExpectFirst(r, ProblemKind::kPayloadRemoved, 9);
  EXPECT_EQ(r.payloads_erased, 1);
}

TEST(VerifyTest, AnErasureEntryDoesNotExcuseADeletedPayload) {
  Ledger t(9);
  t.ErasePayload(6);
  t.Row(3).payload.reset();  // deleted outright, not marked erased
  ExpectFirst(Verify(t.rows, t.head), ProblemKind::kPayloadRemoved, 3);
}

// ---- removed, inserted, reordered, truncated ----

TEST(VerifyTest, DeletedEntryIsRemoved) {
  for (int64_t k = 1; k <= 9; ++k) {
    Ledger t(10);
    t.rows.erase(t.rows.begin() + (k - 1));
    SCOPED_TRACE("entry " + std::to_string(k));
    ExpectFirst(Verify(t.rows, t.head), ProblemKind::kRemoved, k);
  }
}

TEST(VerifyTest, DeletedEntryWithTheRestRenumberedIsRemoved) {
  // The attacker closes the gap by lowering the sequence column of every
  // later row: the position now holds a later entry, and entry k never shows up.
  for (int64_t k = 1; k <= 9; ++k) {
    Ledger t(10);
    t.rows.erase(t.rows.begin() + (k - 1));
    for (size_t i = static_cast<size_t>(k - 1); i < t.rows.size(); ++i) --t.rows[i].seq;
    SCOPED_TRACE("entry " + std::to_string(k));
    const VerifyReport r = Verify(t.rows, t.head);
    ExpectFirst(r, ProblemKind::kRemoved, k);
    // ... and the head still records ten entries.
    EXPECT_EQ(r.problems.back().kind, ProblemKind::kTruncated) << Describe(r);
  }
}

TEST(VerifyTest, ForgedSelfConsistentEntryIsInserted) {
  // A forged entry with a correct hash column and a correct link to the entry
  // before it; the later rows' sequence columns are moved up by one.
  for (int64_t k = 1; k <= 10; ++k) {
    Ledger t(10);
    const Hash prev = k == 1 ? kZeroHash : ChainHash(t.Row(k - 1).bytes);
    const Entry forged = Ledger::Make(k, "consent.opt_in", "{\"forged\":true}", std::nullopt, prev);
    StoredEntry row;
    row.seq = k;
    Rewrite(row, forged.Encode());
    for (size_t i = static_cast<size_t>(k - 1); i < t.rows.size(); ++i) ++t.rows[i].seq;
    t.rows.insert(t.rows.begin() + (k - 1), row);
    SCOPED_TRACE("position " + std::to_string(k));
    ExpectFirst(Verify(t.rows, t.head), ProblemKind::kInserted, k);
  }
}

TEST(VerifyTest, ForgedEntryAppendedPastTheHeadIsInserted) {
  Ledger t(6);
  Head recorded = t.head;
  t.Append("consent.opt_in", "{\"forged\":true}", std::nullopt);  // chained, head not updated
  ExpectFirst(Verify(t.rows, recorded), ProblemKind::kInserted, 7);
}

TEST(VerifyTest, SwappedEntriesAreReordered) {
  const std::pair<int64_t, int64_t> swaps[] = {{1, 2}, {2, 3}, {2, 7}, {4, 5}, {1, 8}, {7, 8}};
  for (auto [i, j] : swaps) {
    Ledger t(8);
    std::swap(t.Row(i).seq, t.Row(j).seq);
    SCOPED_TRACE("swap " + std::to_string(i) + " and " + std::to_string(j));
    const VerifyReport r = Verify(t.rows, t.head);
    ExpectFirst(r, ProblemKind::kReordered, i);
  }
}

TEST(VerifyTest, TruncatedTailIsReported) {
  for (int cut = 1; cut <= 4; ++cut) {
    Ledger t(10);
    t.rows.resize(t.rows.size() - static_cast<size_t>(cut));
    const VerifyReport r = Verify(t.rows, t.head);
    SCOPED_TRACE("cut " + std::to_string(cut));
    ExpectFirst(r, ProblemKind::kTruncated, 10 - cut + 1);
    EXPECT_EQ(r.problems.size(), 1u) << Describe(r);
    EXPECT_EQ(r.entries, 10 - cut);
  }
  // Everything gone.
  Ledger t(3);
  ExpectFirst(Verify({}, t.head), ProblemKind::kTruncated, 1);
}

TEST(VerifyTest, HeadThatDoesNotMatchIsReported) {
  Ledger t(5);
  Head bad = t.head;
  bad.root[0] ^= 1;
  ExpectFirst(Verify(t.rows, bad), ProblemKind::kHeadMismatch, 5);
  // A head recording fewer entries than stored: the extra ones were never appended.
  Head short_head = t.head;
  short_head.size = 4;
  ExpectFirst(Verify(t.rows, short_head), ProblemKind::kInserted, 5);
}

TEST(VerifyTest, ProblemsAreCapped) {
  Ledger t(30);
  for (StoredEntry& row : t.rows) row.bytes[10] ^= 1;
  const VerifyReport r = Verify(t.rows, t.head);
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(r.problems.size(), Verifier::kMaxProblems);
  EXPECT_EQ(r.problems[0].entry, 1);
  EXPECT_EQ(r.problems[19].entry, 20);
  EXPECT_EQ(r.entries, 30);
}

// ---- on several threads ----

TEST(ParallelVerifyTest, LongLedgerInBatchesOfAPowerOfTwo) {
  // Batches of 4096 as the store makes them, each folded as one subtree.
  Ledger l(3 * 4096 + 123);
  const VerifyReport good = VerifyParallel(l.rows, l.head, kCarrier, 4096, 2);
  EXPECT_TRUE(good.valid) << Describe(good);
  EXPECT_EQ(good.root, l.head.root);
  EXPECT_EQ(good.entries, 3 * 4096 + 123);

  // A byte flipped in an entry of every batch: the same problems, in order.
  for (int64_t seq : {5, 4096, 4097, 9000, 12300}) l.Row(seq).bytes[30] ^= 1;
  l.Row(702).payload = "name=Someone Else";
  l.rows.erase(l.rows.begin() + 8191);  // entry 8192, the last of a batch
  const VerifyReport sequential = VerifySequential(l.rows, l.head, kCarrier);
  EXPECT_FALSE(sequential.valid);
  for (unsigned threads : {1u, 2u, 4u}) {
    ExpectSameReport(VerifyParallel(l.rows, l.head, kCarrier, 4096, threads), sequential,
                     std::to_string(threads) + " threads");
  }
}

TEST(ParallelVerifyTest, DroppedBeforeFinishStopsItsThreads) {
  const Ledger l(100);
  ParallelVerifier v(kCarrier, 2);
  RowBatch batch = v.TakeSpare();
  for (const StoredEntry& r : l.rows) batch.Add(r.seq, r.bytes, r.hash, nullptr, false);
  v.Add(std::move(batch));
  // No Finish(): a read failed; the destructor must not hang.
}

}  // namespace
}  // namespace proprio::ledger
