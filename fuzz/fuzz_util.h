// fuzz/fuzz_util.h: what the harnesses share. A harness checks properties,
// not only that nothing crashes: a broken property aborts, and libFuzzer
// saves the input that broke it.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

// Aborts with `what` when `cond` is false (in every build type: fuzz builds
// are not NDEBUG-proof with assert()).
#define FUZZ_CHECK(cond, what)                                                 \
  do {                                                                         \
    if (!(cond)) {                                                             \
      std::fprintf(stderr, "property broken: %s (%s:%d)\n", what, __FILE__,    \
                   __LINE__);                                                  \
      std::abort();                                                            \
    }                                                                          \
  } while (0)

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}
