#include "ledger/sha256.h"

#include <openssl/evp.h>

#include <cstring>
#include <stdexcept>

#include "core/text.h"

namespace proprio::ledger {
namespace {

const EVP_MD* Sha256Md() {
  // Fetched once: EVP_sha256() goes through a provider lookup on every use
  // in OpenSSL 3, which costs more than hashing a short ledger entry.
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

EVP_MD_CTX* Ctx(void* p) { return static_cast<EVP_MD_CTX*>(p); }

}  // namespace

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr || EVP_DigestInit_ex(Ctx(ctx_), Sha256Md(), nullptr) != 1) {
    std::abort();  // out of memory or a broken OpenSSL: nothing sensible to do
  }
}

Sha256::~Sha256() { EVP_MD_CTX_free(Ctx(ctx_)); }

Sha256& Sha256::Update(std::string_view bytes) {
  EVP_DigestUpdate(Ctx(ctx_), bytes.data(), bytes.size());
  return *this;
}

Sha256& Sha256::Update(const uint8_t* data, size_t n) {
  EVP_DigestUpdate(Ctx(ctx_), data, n);
  return *this;
}

Hash Sha256::Finish() {
  Hash out;
  unsigned int n = 0;
  EVP_DigestFinal_ex(Ctx(ctx_), out.data(), &n);
  EVP_DigestInit_ex(Ctx(ctx_), Sha256Md(), nullptr);
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
