// ledger/verify.h: checks a carrier's ledger as stored, entry by entry.
//
// The verifier is pure: the store streams the stored rows in sequence-column
// order into Add(), then calls Finish() with the recorded head. Every link and
// every leaf is checked, never only the ends of the chain. The report names
// the first entry that was altered, removed, inserted or reordered, a payload
// that was altered or removed without an erasure entry, and a truncated tail.
//
// ParallelVerifier gives the same report on several cores: the hashing, which
// is most of the work and independent per entry (an entry's chain hash is its
// leaf hash), runs on worker threads batch by batch; the checks that follow
// the chain run in order on the hashes.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/bounded_queue.h"
#include "core/ids.h"
#include "ledger/entry.h"
#include "ledger/merkle.h"

namespace proprio::ledger {

// One ledger row as the store holds it.
struct StoredEntry {
  int64_t seq = 0;         // the sequence column
  std::string bytes;       // the encoded entry (ledger/entry.h)
  std::string hash;        // the stored chain hash column (32 bytes)
  // The payload's bytes when the entry references one and it is stored;
  // nullopt when no payload row exists.
  std::optional<std::string> payload;
  bool payload_erased = false;  // the payload row is marked erased
  // The payload row's retain_until (microseconds); nullopt when no row exists.
  std::optional<int64_t> payload_retain_until;
};

// The head the store records on every append.
struct Head {
  int64_t size = 0;
  Hash root = EmptyTreeHash();
  Hash last_hash{};  // chain hash of the last entry
};

enum class ProblemKind {
  kAltered,         // an entry's bytes do not match its hash or its link
  kRemoved,         // an entry is missing
  kInserted,        // an entry stands where none was appended
  kReordered,       // an entry stands at another position than appended
  kTruncated,       // the tail is missing: fewer entries than the head records
  kPayloadAltered,  // a payload does not match the hash its entry holds
  kPayloadRemoved,  // a payload is gone without an erasure entry
  // A payload's stored retention differs from the one its entry committed to,
  // or it was erased before that instant.
  kPayloadRetentionAltered,
  kHeadMismatch,    // the recorded head does not match the entries
};
const char* ProblemKindName(ProblemKind k);

struct Problem {
  ProblemKind kind;
  int64_t entry = 0;  // the entry (sequence number) the problem is about
  std::string detail;
};

struct VerifyReport {
  bool valid = true;
  CarrierId carrier;
  int64_t entries = 0;        // rows read
  int64_t payloads_checked = 0;
  int64_t payloads_erased = 0;
  int64_t bytes_hashed = 0;     // entry and payload bytes read and hashed
  Hash root = EmptyTreeHash();  // Merkle root over the rows as read
  std::vector<Problem> problems;  // in order found; the first is the first bad entry
};

class Verifier {
 public:
  explicit Verifier(CarrierId carrier) { report_.carrier = carrier; }
  void Add(const StoredEntry& row);
  // The same, on borrowed bytes (no copies): `payload` is null when no payload
  // row exists. The views need only last for the call.
  // `retain_until`: the payload row's retain_until, when a row exists.
  void Add(int64_t seq, std::string_view bytes, std::string_view hash,
           const std::string_view* payload, bool payload_erased,
           std::optional<int64_t> retain_until = std::nullopt);
  VerifyReport Finish(const Head& head);

  static constexpr size_t kMaxProblems = 20;

 private:
  friend class ParallelVerifier;

  void Report(ProblemKind kind, int64_t entry, std::string detail);
  // Add() once the hashes are known and the tree has grown: `leaf` is the
  // entry's leaf hash, `payload_digest` the payload's SHA-256 or null to have
  // it computed here when needed.
  void Check(int64_t seq, std::string_view bytes, std::string_view hash,
             const std::string_view* payload, bool payload_erased, const Hash& leaf,
             const Hash* payload_digest, std::optional<int64_t> retain_until);

  VerifyReport report_;
  EntryView entry_;  // the entry being checked, decoded in place
  CompactTree tree_;
  int64_t expected_ = 1;  // next position
  Hash prev_hash_{};
  bool prev_ok_ = true;   // the previous row decoded and matched its hash
  // A position that held a later entry: if the entry it should hold shows up
  // further on, the ledger was reordered; if never, it was removed.
  std::optional<int64_t> looking_for_;
  std::optional<int64_t> found_at_;
  // Payloads found erased, to be matched by erasure entries (seq -> payload).
  std::set<int64_t> erased_payload_entries_;
  std::set<int64_t> erasure_records_;
  // Erased payloads whose entry committed a retention (seq -> retain-until),
  // and when each erasure entry was written (erased seq -> its instant).
  std::map<int64_t, int64_t> erased_retention_;
  std::map<int64_t, int64_t> erasure_times_;
};

// Rows on their way to a ParallelVerifier, their bytes copied into one buffer
// so that a spent batch is refilled without allocating.
class RowBatch {
 public:
  // As Verifier::Add(); the views need only last for the call.
  void Add(int64_t seq, std::string_view bytes, std::string_view hash,
           const std::string_view* payload, bool payload_erased,
           std::optional<int64_t> retain_until = std::nullopt);
  // A sealed block (ledger/block.h) copied in once, so that AddFromBlock()
  // rows borrow its bytes instead of copying each entry.
  void HoldBlock(std::string_view block);
  // As Add(), for an entry whose bytes, followed by its hash, lie inside the
  // block given to the last HoldBlock().
  void AddFromBlock(int64_t seq, std::string_view bytes, std::string_view hash,
                    const std::string_view* payload, bool payload_erased,
                    std::optional<int64_t> retain_until = std::nullopt);
  size_t size() const { return rows_.size(); }
  bool empty() const { return rows_.empty(); }
  void Clear();

 private:
  friend class ParallelVerifier;

  struct Row {
    int64_t seq;
    size_t bytes, bytes_len, hash_len, payload, payload_len;  // offsets into arena_
    bool has_payload, payload_erased;
    std::optional<int64_t> retain_until;  // the payload row's, when one exists
  };
  std::string_view Slice(size_t at, size_t len) const { return {arena_.data() + at, len}; }

  void AddPayload(Row& row, const std::string_view* payload, bool payload_erased,
                  std::optional<int64_t> retain_until);

  std::string arena_;
  std::vector<Row> rows_;
  const char* held_block_ = nullptr;  // the block's bytes as given to HoldBlock()
  size_t held_at_ = 0;                // where they were copied in arena_
  // Filled by the hashing thread.
  uint64_t index_ = 0;  // batch number
  uint64_t start_ = 0;  // rows before this batch
  std::vector<Hash> leaves_;
  std::vector<Hash> payload_digests_;  // for rows with a payload
  std::vector<Subtree> subtrees_;
};

// Verifier on `threads` hashing threads. The producer (one thread) hands over
// rows batch by batch in sequence-column order and then calls Finish(), which
// returns exactly the report Verifier gives for the same rows: problems are
// found in order, in the same words.
class ParallelVerifier {
 public:
  // REQUIRES: threads >= 1
  ParallelVerifier(CarrierId carrier, unsigned threads);
  // Waits for the threads; the rows handed over are dropped (a failed read).
  ~ParallelVerifier();
  ParallelVerifier(const ParallelVerifier&) = delete;
  ParallelVerifier& operator=(const ParallelVerifier&) = delete;

  // The rows that follow those added before. Blocks while the threads are
  // a few batches behind, so memory stays bounded.
  void Add(RowBatch batch);
  // An empty batch to fill: a spent one, buffers kept, when there is one.
  RowBatch TakeSpare();
  // Waits for every batch to be checked. Call once.
  VerifyReport Finish(const Head& head);

 private:
  void Work();
  static void HashBatch(RowBatch& batch);
  // Runs the checks of batches in order, on whichever thread completes the
  // next one; other hashed batches wait in ready_.
  void FoldInOrder(RowBatch batch);
  void Fold(const RowBatch& batch);
  void Stop();

  Verifier verifier_;  // used by the one thread folding at a time
  BoundedQueue<RowBatch> queue_;
  std::vector<std::thread> threads_;
  uint64_t batches_added_ = 0;  // producer only
  uint64_t rows_added_ = 0;     // producer only

  std::mutex mu_;
  std::map<uint64_t, RowBatch> ready_;  // guarded by mu_
  uint64_t next_fold_ = 0;              // guarded by mu_
  bool folding_ = false;                // guarded by mu_: a thread is folding
};

}  // namespace proprio::ledger
