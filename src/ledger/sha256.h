// ledger/sha256.h: SHA-256 through OpenSSL (libcrypto).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace proprio::ledger {

using Hash = std::array<uint8_t, 32>;

// Incremental hasher; reuses one context. Not thread-safe; one per thread.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  Sha256& Update(std::string_view bytes);
  Sha256& Update(const uint8_t* data, size_t n);
  // Returns the digest and resets for the next message.
  Hash Finish();

 private:
  void* ctx_;  // SHA256_CTX*
};

Hash Sha256Of(std::string_view bytes);
std::string HashHex(const Hash& h);
std::string_view HashBytes(const Hash& h);
// Parses 64 hex digits (or 32 raw bytes when `raw` is true).
bool ParseHashHex(std::string_view hex, Hash* out);
bool HashFromBytes(std::string_view raw, Hash* out);

inline constexpr Hash kZeroHash{};

}  // namespace proprio::ledger
