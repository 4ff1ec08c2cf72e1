#include "ledger/merkle.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstring>

namespace proprio::ledger {
namespace {

uint64_t LargestPowerOfTwoBelow(uint64_t n) {
  // REQUIRES: n >= 2
  return std::bit_floor(n - 1);
}

void PathInto(std::span<const Hash> leaves, uint64_t index, std::vector<Hash>* out) {
  const uint64_t n = leaves.size();
  if (n <= 1) return;
  const uint64_t k = LargestPowerOfTwoBelow(n);
  if (index < k) {
    PathInto(leaves.subspan(0, k), index, out);
    out->push_back(MerkleRoot(leaves.subspan(k)));
  } else {
    PathInto(leaves.subspan(k), index - k, out);
    out->push_back(MerkleRoot(leaves.subspan(0, k)));
  }
}

}  // namespace

Hash LeafHash(std::string_view entry_bytes) {
  thread_local Sha256 hasher;
  const uint8_t prefix = 0x00;
  return hasher.Update(&prefix, 1).Update(entry_bytes).Finish();
}

Hash NodeHash(const Hash& left, const Hash& right) {
  thread_local Sha256 hasher;
  // One update of the whole message: three would each go through OpenSSL's
  // buffering, and a node hash is computed for nearly every entry verified.
  uint8_t message[65];
  message[0] = 0x01;
  std::memcpy(message + 1, left.data(), 32);
  std::memcpy(message + 33, right.data(), 32);
  return hasher.Update(message, sizeof message).Finish();
}

Hash EmptyTreeHash() { return Sha256Of(""); }

Hash MerkleRoot(std::span<const Hash> leaves) {
  if (leaves.empty()) return EmptyTreeHash();
  if (leaves.size() == 1) return leaves[0];
  const uint64_t k = LargestPowerOfTwoBelow(leaves.size());
  return NodeHash(MerkleRoot(leaves.subspan(0, k)), MerkleRoot(leaves.subspan(k)));
}

std::vector<Hash> InclusionPath(std::span<const Hash> leaves, uint64_t index) {
  std::vector<Hash> path;
  if (index < leaves.size()) PathInto(leaves, index, &path);
  return path;
}

bool VerifyInclusion(const Hash& leaf, uint64_t index, uint64_t tree_size,
                     std::span<const Hash> path, const Hash& root) {
  // RFC 9162, 2.1.3.2.
  if (index >= tree_size) return false;
  uint64_t fn = index;
  uint64_t sn = tree_size - 1;
  Hash r = leaf;
  for (const Hash& p : path) {
    if (sn == 0) return false;
    if ((fn & 1) == 1 || fn == sn) {
      r = NodeHash(p, r);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

std::vector<Subtree> AlignedSubtrees(uint64_t start, std::span<const Hash> leaves) {
  std::vector<Subtree> out;
  uint64_t pos = start;
  while (!leaves.empty()) {
    // The largest power of two that fits in what is left and divides the
    // position (any, at position 0): the subtree then starts where the tree's
    // own split points fall.
    uint64_t n = std::bit_floor(static_cast<uint64_t>(leaves.size()));
    if (pos != 0) n = std::min(n, pos & (~pos + 1));
    out.push_back({MerkleRoot(leaves.first(n)), n});
    leaves = leaves.subspan(n);
    pos += n;
  }
  return out;
}

void CompactTree::PushSubtree(const Subtree& subtree) {
  assert(std::has_single_bit(subtree.leaves) && size_ % subtree.leaves == 0);
  Hash carry = subtree.root;
  // As Push(), counting in units of the subtree's size.
  for (uint64_t s = size_ / subtree.leaves; (s & 1) == 1; s >>= 1) {
    carry = NodeHash(roots_.back(), carry);
    roots_.pop_back();
  }
  roots_.push_back(carry);
  size_ += subtree.leaves;
}

void CompactTree::Push(const Hash& leaf) {
  Hash carry = leaf;
  // Merge with the subtrees of equal size, exactly as binary addition of one.
  for (uint64_t s = size_; (s & 1) == 1; s >>= 1) {
    carry = NodeHash(roots_.back(), carry);
    roots_.pop_back();
  }
  roots_.push_back(carry);
  ++size_;
}

Hash CompactTree::Root() const {
  if (roots_.empty()) return EmptyTreeHash();
  Hash r = roots_.back();
  for (size_t i = roots_.size() - 1; i-- > 0;) r = NodeHash(roots_[i], r);
  return r;
}

std::string CompactTree::Serialize() const {
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>(size_ >> (56 - 8 * i));
  for (const Hash& h : roots_) out.append(HashBytes(h));
  return out;
}

Result<CompactTree> CompactTree::Deserialize(std::string_view bytes) {
  if (bytes.size() < 8 || (bytes.size() - 8) % 32 != 0) {
    return Status::DataLoss("ledger head: compact tree has a bad length");
  }
  CompactTree t;
  for (int i = 0; i < 8; ++i) t.size_ = t.size_ << 8 | static_cast<uint8_t>(bytes[i]);
  if (static_cast<size_t>(std::popcount(t.size_)) != (bytes.size() - 8) / 32) {
    return Status::DataLoss("ledger head: compact tree does not match its size");
  }
  for (size_t off = 8; off < bytes.size(); off += 32) {
    Hash h;
    std::memcpy(h.data(), bytes.data() + off, 32);
    t.roots_.push_back(h);
  }
  return t;
}

}  // namespace proprio::ledger
