#include "ledger/sha256.h"

// OpenSSL 3 marks the low-level digest functions deprecated in favour of EVP,
// but they run the same assembly (SHA-NI where the CPU has it) without EVP's
// provider dispatch, which costs about 35 ns a digest: 20% of a ledger entry's
// leaf hash and 30% of a Merkle node hash, on the hot path of verification.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include <cstring>

#include "core/text.h"

namespace proprio::ledger {
namespace {

SHA256_CTX* Ctx(void* p) { return static_cast<SHA256_CTX*>(p); }

}  // namespace

Sha256::Sha256() : ctx_(new SHA256_CTX) { SHA256_Init(Ctx(ctx_)); }

Sha256::~Sha256() { delete Ctx(ctx_); }

Sha256& Sha256::Update(std::string_view bytes) {
  SHA256_Update(Ctx(ctx_), bytes.data(), bytes.size());
  return *this;
}

Sha256& Sha256::Update(const uint8_t* data, size_t n) {
  SHA256_Update(Ctx(ctx_), data, n);
  return *this;
}

Hash Sha256::Finish() {
  Hash out;
  SHA256_Final(out.data(), Ctx(ctx_));
  SHA256_Init(Ctx(ctx_));
  return out;
}

Hash Sha256Of(std::string_view bytes) {
  thread_local Sha256 hasher;
  return hasher.Update(bytes).Finish();
}

std::string_view HashBytes(const Hash& h) {
  return {reinterpret_cast<const char*>(h.data()), h.size()};
}

std::string HashHex(const Hash& h) { return ToHex(HashBytes(h)); }

bool ParseHashHex(std::string_view hex, Hash* out) {
  if (hex.size() != 64) return false;
  auto raw = FromHex(hex);
  if (!raw.ok()) return false;
  std::memcpy(out->data(), raw->data(), 32);
  return true;
}

bool HashFromBytes(std::string_view raw, Hash* out) {
  if (raw.size() != 32) return false;
  std::memcpy(out->data(), raw.data(), 32);
  return true;
}

}  // namespace proprio::ledger
