#include "services/time_zones.h"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>

#include "store/store.h"

namespace proprio::services {

Result<std::shared_ptr<const rules::TimeZone>> LoadTimeZone(const std::string& name) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const rules::TimeZone>> cache;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find(name);
    if (it != cache.end()) return it->second;
  }
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("time_zone '" + name + "' " + why, "time_zone");
  };
  std::shared_ptr<const rules::TimeZone> zone;
  if (name == "UTC" || name == "Etc/UTC") {
    zone = std::make_shared<const rules::TimeZone>(rules::TimeZone::Utc());
  } else {
    if (name.empty() || name.front() == '/' || name.find("..") != std::string::npos ||
        name.size() > 128) {
      return bad("is not an IANA time zone name");
    }
    const char* dir = std::getenv("TZDIR");
    const std::string path = std::string(dir && *dir ? dir : "/usr/share/zoneinfo") + "/" + name;
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return bad("is not a known IANA time zone (no " + path + ")");
    std::string bytes;
    char buf[1 << 14];
    size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0 && bytes.size() < (1u << 20)) {
      bytes.append(buf, n);
    }
    std::fclose(f);
    Result<rules::TimeZone> tz = rules::TimeZone::FromTzif(bytes, name);
    if (!tz.ok()) return bad("could not be read: " + tz.status().message());
    zone = std::make_shared<const rules::TimeZone>(std::move(*tz));
  }
  std::lock_guard<std::mutex> lock(mu);
  return cache.emplace(name, std::move(zone)).first->second;
}

Result<std::shared_ptr<const rules::TimeZone>> CarrierTimeZone(store::Tx& tx, CarrierId carrier) {
  ASSIGN_OR_RETURN(Carrier c, tx.GetCarrier(carrier));
  return LoadTimeZone(c.time_zone);
}

}  // namespace proprio::services
