// tests/e2e/http_pages.h: cursor pages over HTTP, as every list of the API
// has them (README, "HTTP API"): walking a list a page at a time, and the 400
// problems a bad limit or cursor gets.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "http_client.h"

namespace proprio::testing {

struct PageWalk {
  std::vector<nlohmann::json> items;  // every page's items, in the order given
  int pages = 0;
};

// GETs `url` (which may already hold a query) `limit` at a time, following
// next_cursor until it is null. Every page must be 200 and hold the array
// `items` and next_cursor, and at most `limit` items unless the limit counts
// something else (the due list's limit counts cases).
inline PageWalk WalkPages(HttpClient& c, const std::string& url, const std::string& items,
                          int limit, const std::string& token, bool limit_counts_items = true) {
  PageWalk walk;
  const std::string first = url + (url.find('?') == std::string::npos ? "?" : "&") +
                            "limit=" + std::to_string(limit);
  std::string target = first;
  for (;;) {
    HttpResponse res = c.Get(target, token);
    EXPECT_EQ(res.status, 200) << target << ": " << res.body;
    if (res.status != 200) break;
    const nlohmann::json page = res.Json();
    ++walk.pages;
    EXPECT_TRUE(page.contains(items) && page[items].is_array()) << target << ": " << res.body;
    EXPECT_TRUE(page.contains("next_cursor")) << target << ": " << res.body;
    if (!page.contains(items) || !page.contains("next_cursor")) break;
    if (limit_counts_items) {
      EXPECT_LE(page[items].size(), static_cast<size_t>(limit)) << target;
    }
    for (const nlohmann::json& item : page[items]) walk.items.push_back(item);
    // RFC 8288: Link rel="next" exactly when there is a next page (issue 18).
    if (page["next_cursor"].is_null()) {
      EXPECT_EQ(res.Header("link"), "") << target;
      break;
    }
    EXPECT_NE(res.Header("link").find("cursor=" + page["next_cursor"].get<std::string>() +
                                      ">; rel=\"next\""),
              std::string::npos)
        << target << ": " << res.Header("link");
    target = first + "&cursor=" + page["next_cursor"].get<std::string>();
    if (walk.pages > 100) {
      ADD_FAILURE() << url << ": the pages do not end";
      break;
    }
  }
  return walk;
}

// The integer `key` of every item walked, in order.
inline std::vector<int64_t> Keys(const PageWalk& walk, const std::string& key = "id") {
  std::vector<int64_t> out;
  for (const nlohmann::json& item : walk.items) out.push_back(item.at(key).get<int64_t>());
  return out;
}

// A bad limit or cursor on `url` is a 400 problem naming that field.
inline void ExpectBadPageQueriesRefused(HttpClient& c, const std::string& url,
                                        const std::string& token) {
  const std::string sep = url.find('?') == std::string::npos ? "?" : "&";
  const std::pair<const char*, const char*> bad[] = {
      {"limit=0", "limit"},          {"limit=1001", "limit"},
      {"limit=ten", "limit"},        {"limit=1&limit=2", "limit"},
      {"cursor=abc", "cursor"},      {"cursor=-1", "cursor"},
      {"cursor=99999999999999999999", "cursor"}};
  for (const auto& [query, field] : bad) {
    HttpResponse res = c.Get(url + sep + query, token);
    EXPECT_EQ(res.status, 400) << url << sep << query << ": " << res.body;
    EXPECT_EQ(res.Header("content-type"), "application/problem+json") << url << sep << query;
    EXPECT_EQ(res.Json()["field"], field) << url << sep << query;
  }
}

}  // namespace proprio::testing
