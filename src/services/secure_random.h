// services/secure_random.h: random bytes and constant-time comparison, on
// OpenSSL (already linked for SHA-256 and TLS) rather than hand-written loops.
//
// Every secret the services make (salts, session and API tokens, one-time
// codes, the server's instance ids) takes its bytes from RandBytes, which is
// OpenSSL's CSPRNG (RAND_bytes, seeded from getrandom and reseeded by the
// library). Codes, token hashes and contract references compare with
// ConstantTimeEquals (CRYPTO_memcmp), so a wrong guess takes the same time
// wherever it first differs.
//
// Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace proprio::services {

// Fills out[0, n) with cryptographically secure random bytes. Internal when
// the generator cannot be seeded (no entropy): callers refuse the operation
// rather than fall back to a guessable value.
Status RandBytes(uint8_t* out, size_t n);

// `n` random bytes as 2n lowercase hexadecimal digits.
Result<std::string> RandHex(size_t n);

// True when a and b hold the same bytes. The time depends only on the
// lengths, never on where the bytes differ; a length mismatch is false.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace proprio::services
