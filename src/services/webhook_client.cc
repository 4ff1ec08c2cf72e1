#include "services/webhook_client.h"

#include <curl/curl.h>

#include <memory>
#include <mutex>

namespace proprio::services {

namespace {

void GlobalInitOnce() {
  // curl_global_init is not thread-safe before 7.84 on every platform; call
  // it once, before any handle, from whichever thread posts first.
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
struct EasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct ListDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

// A part of a parsed URL, or empty when the URL has none.
std::string Part(CURLU* u, CURLUPart what, unsigned flags = 0) {
  char* value = nullptr;
  if (curl_url_get(u, what, &value, flags) != CURLUE_OK || value == nullptr) return {};
  std::string out(value);
  curl_free(value);
  return out;
}

size_t DropBody(char*, size_t size, size_t count, void*) { return size * count; }

}  // namespace

Result<ParsedUrl> ParseHttpUrl(const std::string& url) {
  auto bad = [](const std::string& why) {
    return Status::InvalidArgument(why, "webhook_url");
  };
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    return bad("the webhook URL must start with http:// or https://");
  }
  // libcurl reads "https:///x" as host "x"; a URL with no authority is a
  // mistake, not a host name.
  if (url[url.find("://") + 3] == '/') return bad("the webhook URL needs a host");
  std::unique_ptr<CURLU, UrlDeleter> u(curl_url());
  if (!u) return Status::Internal("out of memory parsing the webhook URL");
  if (const CURLUcode rc = curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0); rc != CURLUE_OK) {
    return bad(std::string("the webhook URL is not valid (") + curl_url_strerror(rc) + ")");
  }
  if (!Part(u.get(), CURLUPART_USER).empty() || !Part(u.get(), CURLUPART_PASSWORD).empty()) {
    return bad("the webhook URL must not carry user information");
  }
  ParsedUrl p;
  p.tls = Part(u.get(), CURLUPART_SCHEME) == "https";
  p.host = Part(u.get(), CURLUPART_HOST);
  if (p.host.size() >= 2 && p.host.front() == '[' && p.host.back() == ']') {
    p.host = p.host.substr(1, p.host.size() - 2);
  }
  if (p.host.empty()) return bad("the webhook URL needs a host");
  p.port = Part(u.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  p.target = Part(u.get(), CURLUPART_PATH);
  if (p.target.empty()) p.target = "/";
  if (const std::string query = Part(u.get(), CURLUPART_QUERY); !query.empty()) {
    p.target += "?" + query;
  }
  return p;
}

WebhookClient::WebhookClient(WebhookClientOptions options) : options_(options) {
  GlobalInitOnce();
}

WebhookResponse WebhookClient::Post(const std::string& url, const std::string& idempotency_key,
                                    const std::string& body, const std::string& signature) {
  WebhookResponse out;
  if (Result<ParsedUrl> parsed = ParseHttpUrl(url); !parsed.ok()) {
    out.error = parsed.status().message();
    return out;
  }
  std::unique_ptr<CURL, EasyDeleter> curl(curl_easy_init());
  std::unique_ptr<curl_slist, ListDeleter> headers;
  auto add_header = [&](const std::string& h) {
    curl_slist* next = curl_slist_append(headers.get(), h.c_str());
    if (next != nullptr) {
      (void)headers.release();
      headers.reset(next);
    }
    return next != nullptr;
  };
  if (!curl || !add_header("Content-Type: application/json") ||
      !add_header("Idempotency-Key: " + idempotency_key) ||
      (!signature.empty() && !add_header("Proprio-Signature: " + signature)) ||
      !add_header("Expect:")) {  // no 100-continue round trip
    out.error = "out of memory preparing the request";
    return out;
  }
  char errbuf[CURL_ERROR_SIZE] = {};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for DNS timeouts
  curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_USERAGENT, "proprio-notifications/1");
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, DropBody);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
  const CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    const std::string detail = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);
    switch (rc) {
      case CURLE_OPERATION_TIMEDOUT:
        out.error = "timed out after " + std::to_string(options_.timeout.count()) + " ms";
        break;
      case CURLE_COULDNT_RESOLVE_HOST:
      case CURLE_COULDNT_RESOLVE_PROXY:
        out.error = "cannot resolve: " + detail;
        break;
      case CURLE_COULDNT_CONNECT:
        out.error = "cannot connect: " + detail;
        break;
      default:
        out.error = detail;
    }
    return out;
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  out.status = static_cast<int>(status);
  return out;
}

}  // namespace proprio::services
