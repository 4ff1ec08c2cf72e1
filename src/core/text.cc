#include "core/text.h"

#include <algorithm>

#include <cctype>

namespace proprio {

bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    unsigned c = *p;
    if (c < 0x80) { ++p; continue; }
    int n;
    unsigned cp;
    if ((c & 0xE0) == 0xC0) { n = 1; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { n = 3; cp = c & 0x07; }
    else return false;
    if (end - p < n + 1) return false;  // truncated sequence
    for (int i = 1; i <= n; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000)) return false;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    p += n + 1;
  }
  return true;
}

Result<std::string> NormalizeE164(std::string_view raw) {
  std::string digits;
  bool plus = false;
  for (size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (c == '+' && digits.empty() && !plus) {
      plus = true;
    } else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')') {
      continue;
    } else {
      return Status::InvalidArgument("telephone number '" + std::string(raw) +
                                     "' has a character that is not a digit");
    }
  }
  if (plus) {
    if (digits.size() < 8 || digits.size() > 15 || digits[0] == '0') {
      return Status::InvalidArgument("telephone number '" + std::string(raw) +
                                     "' is not E.164 (+, country code, 8 to 15 digits)");
    }
    if (digits[0] == '1' && digits.size() != 11) {
      return Status::InvalidArgument("telephone number '" + std::string(raw) +
                                     "' is not a valid North American number (+1 and 10 digits)");
    }
  } else {
    if (digits.size() == 11 && digits[0] == '1') digits.erase(0, 1);
    if (digits.size() != 10) {
      return Status::InvalidArgument("telephone number '" + std::string(raw) +
                                     "' is neither +E.164 nor a 10-digit North American number");
    }
    digits = "1" + digits;
  }
  if (digits[0] == '1' && digits.size() == 11 &&
      (digits[1] < '2' || digits[4] < '2')) {
    return Status::InvalidArgument("telephone number '" + std::string(raw) +
                                   "' is not a valid North American number (area code and "
                                   "exchange start with 2-9)");
  }
  return "+" + digits;
}

std::vector<std::string> SplitList(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    const size_t end = std::min(s.find(sep, start), s.size());
    if (end > start) out.emplace_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool LooksLikeEmail(std::string_view s) {
  const size_t at = s.find('@');
  if (at == std::string_view::npos || at == 0 || s.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  const std::string_view domain = s.substr(at + 1);
  const size_t dot = domain.find('.');
  if (dot == std::string_view::npos || dot == 0 || domain.back() == '.') return false;
  for (char c : s) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) return false;
  }
  return true;
}

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

Result<std::string> FromHex(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) return Status::InvalidArgument("hex string has odd length");
  std::string out(hex.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    const int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return Status::InvalidArgument("not a hex string");
    out[i] = static_cast<char>(hi << 4 | lo);
  }
  return out;
}

}  // namespace proprio
