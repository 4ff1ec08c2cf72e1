// The small parsers of outside input: telephone numbers (E.164), instants
// (RFC 3339), dates, hex, UTF-8. What one accepts, it accepts again in its
// own output form, with the same meaning.
#include <cstdint>
#include <string>

#include "core/text.h"
#include "core/time.h"
#include "fuzz_util.h"

using namespace proprio;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = AsText(data, size);
  if (Result<std::string> e164 = NormalizeE164(text); e164.ok()) {
    Result<std::string> again = NormalizeE164(*e164);
    FUZZ_CHECK(again.ok() && *again == *e164, "E.164 normalisation is idempotent");
    FUZZ_CHECK(!e164->empty() && (*e164)[0] == '+', "E.164 starts with +");
  }
  if (Result<Instant> t = Instant::Parse(text); t.ok()) {
    Result<Instant> again = Instant::Parse(t->ToRfc3339());
    FUZZ_CHECK(again.ok() && *again == *t, "an instant survives RFC 3339 round trip");
  }
  if (Result<CivilDate> d = CivilDate::Parse(text); d.ok()) {
    Result<CivilDate> again = CivilDate::Parse(d->ToString());
    FUZZ_CHECK(again.ok() && *again == *d, "a date survives its round trip");
  }
  if (Result<std::string> bytes = FromHex(text); bytes.ok()) {
    Result<std::string> again = FromHex(ToHex(*bytes));
    FUZZ_CHECK(again.ok() && *again == *bytes, "hex round trip");
  }
  if (IsValidUtf8(text)) {
    (void)LooksLikeEmail(text);
    (void)Trim(text);
  }
  return 0;
}
