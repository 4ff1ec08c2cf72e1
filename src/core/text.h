// core/text.h: checks and normalisations on text that enters Proprio.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace proprio {

// True when `s` is well-formed UTF-8 (no overlongs, surrogates or code points
// above U+10FFFF).
bool IsValidUtf8(std::string_view s);

// Normalises a telephone number to E.164 ("+14072601011").
// Accepts "+<country><number>" (8 to 15 digits) or a North American number of
// 10 digits (NPA and NXX starting 2-9), optionally prefixed by 1; spaces,
// dashes, dots and parentheses are ignored. Anything else is refused.
Result<std::string> NormalizeE164(std::string_view raw);

// Strips ASCII white space at both ends.
std::string_view Trim(std::string_view s);

// The items of a stored list ("a;b", "x,y") in order; empty items are
// skipped, so "" is no item.
std::vector<std::string> SplitList(std::string_view s, char sep);

// A plausible e-mail address: one '@', a non-empty local part, a domain with
// a dot, no white space or control characters.
bool LooksLikeEmail(std::string_view s);

// Lower-case hex of bytes, and back.
std::string ToHex(std::string_view bytes);
Result<std::string> FromHex(std::string_view hex);

}  // namespace proprio
