#include "services/secure_random.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <climits>

#include "core/text.h"

namespace proprio::services {

Status RandBytes(uint8_t* out, size_t n) {
  while (n > 0) {
    const int chunk = static_cast<int>(std::min<size_t>(n, INT_MAX));
    if (RAND_bytes(out, chunk) != 1) {
      return Status::Internal("the random number generator is not seeded (RAND_bytes failed)");
    }
    out += chunk;
    n -= static_cast<size_t>(chunk);
  }
  return Status::Ok();
}

Result<std::string> RandHex(size_t n) {
  std::string bytes(n, '\0');
  RETURN_IF_ERROR(RandBytes(reinterpret_cast<uint8_t*>(bytes.data()), n));
  return ToHex(bytes);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  // CRYPTO_memcmp needs equal lengths; with unequal ones still compare a
  // whole input (against itself) so the time does not reveal the mismatch's
  // position, then answer false.
  if (a.size() != b.size()) {
    (void)CRYPTO_memcmp(a.data(), a.data(), a.size());
    return false;
  }
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace proprio::services
