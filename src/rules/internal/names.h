// rules/internal/names.h: table-driven enum <-> wire-name helpers shared by
// the rules sources. Not for use outside src/rules.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "core/status.h"

namespace proprio::rules::internal {

template <typename E, size_t N>
std::string_view NameOf(const std::array<std::string_view, N>& names, E e) {
  const auto i = static_cast<size_t>(e);
  return i < N ? names[i] : std::string_view("unknown");
}

// InvalidArgument naming `field` and listing the accepted names when `name`
// is not one of `names`.
template <typename E, size_t N>
Result<E> ParseName(const std::array<std::string_view, N>& names, std::string_view name,
                    std::string_view field, const char* what) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<E>(i);
  }
  std::string known;
  for (std::string_view n : names) {
    if (!known.empty()) known += ", ";
    known += n;
  }
  return Status::InvalidArgument(std::string(field) + ": unknown " + what + " '" +
                                     std::string(name) + "' (known: " + known + ")",
                                 std::string(field));
}

}  // namespace proprio::rules::internal
