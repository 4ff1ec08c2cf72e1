// ledger/proof.h: inclusion proofs as stand-alone JSON documents.
//
// Format "proprio-inclusion-proof/1":
//   {
//     "format": "proprio-inclusion-proof/1",
//     "carrier": 1,                 carrier id
//     "entry": 5,                   sequence number (1-based)
//     "leaf_index": 4,              entry - 1
//     "tree_size": 12,              leaves in the tree the proof is for
//     "entry_hex": "50524c31...",   the encoded entry (ledger/entry.h)
//     "leaf_hash": "…",             SHA-256(0x00 || entry bytes), hex
//     "audit_path": ["…", …],       RFC 6962 audit path, hex, leaf to root
//     "root": "…"                   the tree root the path leads to, hex
//   }
// CheckProof needs nothing but this document and a root obtained elsewhere
// (a published head, a certification): no database.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "ledger/entry.h"
#include "ledger/merkle.h"

namespace proprio::ledger {

struct InclusionProof {
  CarrierId carrier;
  int64_t entry = 0;
  uint64_t tree_size = 0;
  std::string entry_bytes;
  std::vector<Hash> audit_path;
  Hash root{};

  std::string ToJson() const;
  static Result<InclusionProof> FromJson(std::string_view json);
};

// Builds the proof for entry `seq` from all the leaves' encoded entries.
// REQUIRES: 1 <= seq <= entries.size()
InclusionProof MakeProof(CarrierId carrier, int64_t seq, const std::vector<Hash>& leaves,
                         std::string entry_bytes);

struct ProofCheck {
  bool valid = false;
  std::string reason;  // why it failed, or "ok"
  Entry entry;         // the decoded entry when it decodes
};

// Checks that the proof's entry is included in the tree with `trusted_root`.
ProofCheck CheckProof(const InclusionProof& proof, const Hash& trusted_root);

}  // namespace proprio::ledger
