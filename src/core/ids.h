// core/ids.h: strong identifier types.
//
// A CarrierId cannot be passed where a CustomerId is expected: each id is a
// distinct type wrapping a positive 64-bit integer assigned by the store.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace proprio {

template <typename Tag>
class Id {
 public:
  constexpr Id() = default;
  constexpr explicit Id(int64_t value) : value_(value) {}
  constexpr int64_t value() const { return value_; }
  constexpr bool valid() const { return value_ > 0; }
  std::string ToString() const { return std::to_string(value_); }
  friend constexpr auto operator<=>(Id, Id) = default;

 private:
  int64_t value_ = 0;
};

using CarrierId = Id<struct CarrierTag>;
using CustomerId = Id<struct CustomerTag>;
using StaffId = Id<struct StaffTag>;

}  // namespace proprio

template <typename Tag>
struct std::hash<proprio::Id<Tag>> {
  size_t operator()(proprio::Id<Tag> id) const noexcept {
    return std::hash<int64_t>()(id.value());
  }
};
