// The carrier policy loader (rules/policy.h, TOML): any text is a policy or
// an error naming the field; a policy it accepts passes its own validation.
#include <cstdint>

#include "fuzz_util.h"
#include "rules/policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  auto policy = proprio::rules::ParsePolicy(AsText(data, size));
  if (!policy.ok()) {
    FUZZ_CHECK(!policy.status().message().empty(), "a refusal says why");
    return 0;
  }
  FUZZ_CHECK(proprio::rules::ValidatePolicy(*policy).ok(), "an accepted policy is valid");
  return 0;
}
