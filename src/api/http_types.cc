#include "api/http_types.h"

#include <cctype>

namespace proprio::api {

namespace {
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
// The opaque-tag of an entity tag, without W/; empty when malformed.
std::string_view OpaqueTag(std::string_view tag) {
  if (tag.size() >= 2 && tag[0] == 'W' && tag[1] == '/') tag.remove_prefix(2);
  if (tag.size() < 2 || tag.front() != '"' || tag.back() != '"') return {};
  return tag;
}

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool IfNoneMatchMatches(std::string_view header, std::string_view etag) {
  const std::string_view ours = OpaqueTag(TrimSpace(etag));
  if (ours.empty()) return false;
  header = TrimSpace(header);
  if (header == "*") return true;
  while (!header.empty()) {
    // Entity tags hold no comma (etagc excludes it), so a comma ends one.
    const size_t comma = header.find(',');
    const std::string_view item = TrimSpace(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    const std::string_view theirs = OpaqueTag(item);
    if (!theirs.empty() && theirs == ours) return true;
  }
  return false;
}

std::string NextLinkHeader(std::string_view target, std::string_view cursor) {
  const size_t q = target.find('?');
  std::string link = "<" + std::string(target.substr(0, q)) + "?";
  bool first = true;
  if (q != std::string_view::npos) {
    std::string_view query = target.substr(q + 1);
    while (!query.empty()) {
      const size_t amp = query.find('&');
      const std::string_view item = query.substr(0, amp);
      query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
      const std::string_view key = item.substr(0, item.find('='));
      if (item.empty() || key == "cursor") continue;
      if (!first) link += '&';
      link += item;
      first = false;
    }
  }
  if (!first) link += '&';
  link += "cursor=";
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : cursor) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      link += static_cast<char>(c);
    } else {
      link += '%';
      link += kHex[c >> 4];
      link += kHex[c & 15];
    }
  }
  link += ">; rel=\"next\"";
  return link;
}

bool PercentDecode(std::string_view in, std::string* out, bool plus_is_space) {
  out->clear();
  out->reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      const int hi = i + 1 < in.size() ? HexValue(in[i + 1]) : -1;
      const int lo = i + 2 < in.size() ? HexValue(in[i + 2]) : -1;
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out->push_back(' ');
    } else {
      out->push_back(c);
    }
  }
  return true;
}

bool ParseQuery(std::string_view text, std::multimap<std::string, std::string>* out) {
  while (!text.empty()) {
    const size_t amp = text.find('&');
    const std::string_view item = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    std::string key, value;
    if (!PercentDecode(item.substr(0, eq), &key, true)) return false;
    if (eq != std::string_view::npos && !PercentDecode(item.substr(eq + 1), &value, true)) {
      return false;
    }
    out->emplace(std::move(key), std::move(value));
  }
  return true;
}

}  // namespace proprio::api
