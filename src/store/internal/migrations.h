// store/internal/migrations.h: the schema migrations compiled into proprio
// from store/migrations/*.sql (see store/migrations/README.md).
#pragma once

#include <span>
#include <string_view>

namespace proprio::store::internal {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// In version order.
std::span<const Migration> Migrations();

}  // namespace proprio::store::internal
