// ledger/entry.h: a ledger entry and its canonical encoding.
//
// Each carrier has one append-only ledger. Entry n (1-based) holds the hash of
// entry n-1 (32 zero bytes for entry 1), so the entries form a hash chain; each
// encoding is also leaf n-1 of the carrier's RFC 6962 Merkle tree
// (ledger/merkle.h). The chain hash of an entry is its Merkle leaf hash,
// SHA-256(0x00 || encoding): one SHA-256 per entry serves both structures, so
// verification hashes every byte once.
//
// Personal data never sits in an entry: it goes in a payload stored beside the
// chain, and the entry holds only the payload's SHA-256. When the payload's
// retention ends the payload is erased (an erasure is itself an entry) and the
// chain still verifies.
//
// Canonical encoding, version 1 (all integers big-endian):
//   "PRL1"                         4 bytes magic and version
//   carrier id                     u64
//   sequence number                u64 (1-based)
//   instant                        i64 microseconds since the Unix epoch, UTC
//   actor                          u32 length + UTF-8 ("staff:12", "cli", "system")
//   type                           u32 length + ASCII ("customer.created")
//   subject                        u32 length + UTF-8 ("customer:42", may be empty)
//   body                           u32 length + JSON text without personal data
//   payload flag                   u8: 0 none, 1 present, 2 present with
//                                  its retention (entries written since issue 22)
//   payload hash                   32 bytes when the flag is 1 or 2
//   payload retain-until           i64 microseconds, when the flag is 2: the
//                                  earliest instant the payload may be erased
//   previous entry hash            32 bytes
// The retention promise is in the chain so that a payload's retention row
// (ledger_payloads.retain_until) changed afterwards, or a payload erased
// before it, is reported by verification. Entries written with flag 1 (before
// the retention was committed) still decode and verify as they were.
// The encoding is what is stored and hashed; decoding checks every length.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/ids.h"
#include "core/status.h"
#include "core/time.h"
#include "ledger/merkle.h"
#include "ledger/sha256.h"

namespace proprio::ledger {

inline constexpr size_t kMaxFieldBytes = 1 << 20;

struct Entry {
  CarrierId carrier;
  int64_t seq = 0;
  Instant at;
  std::string actor;
  std::string type;
  std::string subject;
  std::string body;  // JSON, no personal data
  std::optional<Hash> payload_hash;
  // With a payload: the earliest instant it may be erased (flag 2); nullopt
  // in entries from before the retention was committed (flag 1).
  std::optional<Instant> payload_retain_until;
  Hash prev_hash{};

  std::string Encode() const;
  static Result<Entry> Decode(std::string_view bytes);
};

// An entry decoded in place: its text fields point into the encoded bytes,
// which must outlive the view. Verification decodes millions of entries this
// way without allocating.
struct EntryView {
  CarrierId carrier;
  int64_t seq = 0;
  Instant at;
  std::string_view actor;
  std::string_view type;
  std::string_view subject;
  std::string_view body;
  std::optional<Hash> payload_hash;
  std::optional<Instant> payload_retain_until;
  Hash prev_hash{};

  // DataLoss when the bytes are not a well-formed encoding.
  static Result<EntryView> Parse(std::string_view bytes);
  // The same into `out`, for loops over millions of entries: null when the
  // bytes parsed, else why not (`out` is then partly overwritten).
  static const char* ParseInto(std::string_view bytes, EntryView* out);
};

// The chain hash of an encoded entry (what the next entry holds as prev_hash):
// its Merkle leaf hash.
inline Hash ChainHash(std::string_view encoded) { return LeafHash(encoded); }

// Entry types written by the ledger itself.
inline constexpr std::string_view kPayloadErasedType = "ledger.payload_erased";

}  // namespace proprio::ledger
