// ledger/merkle.h: RFC 6962 (Certificate Transparency) Merkle tree hashing.
//
//   leaf hash = SHA-256(0x00 || entry bytes)
//   node hash = SHA-256(0x01 || left || right)
//   MTH(D[n]) splits at k, the largest power of two smaller than n.
//
// CompactTree keeps only the roots of the perfect subtrees (O(log n) hashes),
// so a ledger's root is maintained on every append without reading old leaves.
// Inclusion proofs and their verification follow RFC 6962 section 2.1.1 and
// RFC 9162 section 2.1.3.2.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "ledger/sha256.h"

namespace proprio::ledger {

Hash LeafHash(std::string_view entry_bytes);
Hash NodeHash(const Hash& left, const Hash& right);
// MTH of the empty tree: SHA-256 of the empty string.
Hash EmptyTreeHash();

// Root of the tree over `leaves` (leaf hashes).
Hash MerkleRoot(std::span<const Hash> leaves);

// Audit path for leaf `index` in the tree over `leaves`.
// REQUIRES: index < leaves.size()
std::vector<Hash> InclusionPath(std::span<const Hash> leaves, uint64_t index);

// True when `path` proves that `leaf` is leaf `index` of a tree of
// `tree_size` leaves with root `root`.
bool VerifyInclusion(const Hash& leaf, uint64_t index, uint64_t tree_size,
                     std::span<const Hash> path, const Hash& root);

// A perfect subtree: `leaves` leaves (a power of two) under `root`.
struct Subtree {
  Hash root;
  uint64_t leaves = 0;
};

// The perfect subtrees `leaves` form when appended to a tree that already has
// `start` leaves, left to right, each as large as its alignment allows.
// Pushing them in order with CompactTree::PushSubtree gives the same tree as
// pushing every leaf. Pure, so that the node hashes of a long range can be
// computed on several threads and folded in order.
std::vector<Subtree> AlignedSubtrees(uint64_t start, std::span<const Hash> leaves);

class CompactTree {
 public:
  void Push(const Hash& leaf);
  // Appends a perfect subtree as if its leaves were pushed one by one.
  // REQUIRES: subtree.leaves is a power of two and size() a multiple of it
  // (as AlignedSubtrees() makes them).
  void PushSubtree(const Subtree& subtree);
  uint64_t size() const { return size_; }
  Hash Root() const;
  // 8-byte big-endian size followed by the subtree roots, left to right.
  std::string Serialize() const;
  static Result<CompactTree> Deserialize(std::string_view bytes);

 private:
  uint64_t size_ = 0;
  std::vector<Hash> roots_;  // one per set bit of size_, largest subtree first
};

}  // namespace proprio::ledger
