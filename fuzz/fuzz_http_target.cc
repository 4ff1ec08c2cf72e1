// The request target as the server splits it (api/http_types.h): percent
// decoding and query parsing of any bytes. Decoding what was encoded gives
// the original back.
#include <cstdint>
#include <map>
#include <string>

#include "api/http_types.h"
#include "fuzz_util.h"

namespace {
std::string Encode(std::string_view in) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : in) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = AsText(data, size);
  std::string decoded;
  (void)proprio::api::PercentDecode(text, &decoded, false);
  std::string plus;
  (void)proprio::api::PercentDecode(text, &plus, true);
  std::string round;
  FUZZ_CHECK(proprio::api::PercentDecode(Encode(text), &round, false) && round == text,
             "decoding an encoding gives the bytes back");
  std::multimap<std::string, std::string> query;
  if (proprio::api::ParseQuery(text, &query)) {
    FUZZ_CHECK(query.size() <= size + 1, "no more parameters than separators");
  }
  return 0;
}
