#include "ledger/block.h"

namespace proprio::ledger {

void AppendToBlock(std::string_view entry, std::string_view hash, std::string* block) {
  const auto n = static_cast<uint32_t>(entry.size());
  const char len[4] = {static_cast<char>(n >> 24), static_cast<char>(n >> 16),
                       static_cast<char>(n >> 8), static_cast<char>(n)};
  block->append(len, 4).append(entry).append(hash);
}

bool BlockReader::Next(std::string_view* entry, std::string_view* hash) {
  if (rest_.empty()) return false;
  offset_ = consumed_;
  size_t n = SIZE_MAX;
  if (rest_.size() >= 4) {
    const auto* p = reinterpret_cast<const unsigned char*>(rest_.data());
    n = (size_t{p[0]} << 24) | (size_t{p[1]} << 16) | (size_t{p[2]} << 8) | size_t{p[3]};
  }
  if (n > rest_.size() - 4 || rest_.size() - 4 - n < kBlockHashBytes) {
    // Malformed: the rest is one entry that cannot match any hash.
    *entry = rest_;
    *hash = {};
    consumed_ += rest_.size();
    rest_ = {};
    return true;
  }
  *entry = rest_.substr(4, n);
  *hash = rest_.substr(4 + n, kBlockHashBytes);
  const size_t used = 4 + n + kBlockHashBytes;
  consumed_ += used;
  rest_.remove_prefix(used);
  return true;
}

}  // namespace proprio::ledger
