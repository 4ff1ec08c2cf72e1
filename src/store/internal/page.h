// store/internal/page.h: how the paged lists read a page (Page<T>).
// Nothing outside store/ includes this file.
#pragma once

#include <cstdint>

#include "store/internal/sql.h"
#include "store/store.h"

namespace proprio::store::internal {

inline constexpr int kMaxPageLimit = 1000;

// Reads one page of `limit` items. `run(fetch, on_row)` runs the list's query
// (ordered by the key, its LIMIT bound to `fetch`) with fetch = limit + 1;
// `from_row` makes an item of a row and `key` gives an item's key. A row more
// than `limit` means there is a next page: it is dropped, and the next page
// starts after the last item kept.
template <typename T, typename FromRow, typename Key, typename RunFn>
Result<Page<T>> ReadPage(int limit, FromRow from_row, Key key, RunFn run) {
  if (limit < 1 || limit > kMaxPageLimit) {
    return Status::InvalidArgument("limit must be between 1 and 1000", "limit");
  }
  Page<T> page;
  RETURN_IF_ERROR(run(int64_t{limit} + 1, [&](const Row& r) {
    page.items.push_back(from_row(r));
    return Status::Ok();
  }));
  if (page.items.size() > static_cast<size_t>(limit)) {
    page.items.pop_back();
    page.next = key(page.items.back());
  }
  return page;
}

// The key of records paged by their `id`.
inline constexpr auto kById = [](const auto& item) -> int64_t { return item.id; };

}  // namespace proprio::store::internal
