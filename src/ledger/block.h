// ledger/block.h: sealed blocks, many consecutive entries stored as one row.
//
// A ledger is read far more often in full (audit verify, proofs) than entry by
// entry, and reading a row costs the same whether it holds one entry or
// sixty-four. So the store keeps a carrier's newest entries one per row (the
// open tail) and, when entry n * kBlockEntries is appended, seals the last
// kBlockEntries entries into one block row keyed by its first sequence number.
// Sealing changes where entries are stored, never their bytes: every entry
// keeps its own encoding and chain hash, the verifier checks them one by one
// and names the entry, not the block, that was altered.
//
// Encoding of a block: for each entry in sequence order,
//   u32 big-endian length, the entry's encoding (ledger/entry.h), its 32-byte
//   chain hash as stored.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace proprio::ledger {

// Entries per sealed block; blocks hold entries b*k+1 .. (b+1)*k.
inline constexpr int64_t kBlockEntries = 64;

inline constexpr size_t kBlockHashBytes = 32;

// True when appending entry `seq` completes a block.
inline constexpr bool SealsBlock(int64_t seq) { return seq > 0 && seq % kBlockEntries == 0; }
// The first entry of the block that holds entry `seq`.
inline constexpr int64_t BlockStart(int64_t seq) {
  return seq - (seq - 1) % kBlockEntries;
}

// Appends one entry (encoding and stored chain hash) to a block being built.
void AppendToBlock(std::string_view entry, std::string_view hash, std::string* block);

// Walks a stored block entry by entry. A block whose bytes no longer parse
// (a length altered) yields its remaining bytes as one last entry with an
// empty hash, which the verifier reports as altered.
class BlockReader {
 public:
  explicit BlockReader(std::string_view block) : rest_(block) {}
  // The next entry's encoding and stored hash, or false at the end.
  bool Next(std::string_view* entry, std::string_view* hash);
  // The offset in the block of the entry Next() returned last.
  size_t offset() const { return offset_; }

 private:
  std::string_view rest_;
  size_t consumed_ = 0;
  size_t offset_ = 0;
};

}  // namespace proprio::ledger
