// ledger/verify.h: checks a carrier's ledger as stored, entry by entry.
//
// The verifier is pure: the store streams the stored rows in sequence-column
// order into Add(), then calls Finish() with the recorded head. Every link and
// every leaf is checked, never only the ends of the chain. The report names
// the first entry that was altered, removed, inserted or reordered, a payload
// that was altered or removed without an erasure entry, and a truncated tail.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

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
  void Add(int64_t seq, std::string_view bytes, std::string_view hash,
           const std::string_view* payload, bool payload_erased);
  VerifyReport Finish(const Head& head);

  static constexpr size_t kMaxProblems = 20;

 private:
  void Report(ProblemKind kind, int64_t entry, std::string detail);

  VerifyReport report_;
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
};

}  // namespace proprio::ledger
