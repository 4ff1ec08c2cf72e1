// A CPNI notice template from JSON (services/notices.h, checked against
// 64.2008(c)): any JSON is a template or a refusal naming the field; an
// accepted template is checked without crashing, with a citation on every
// defect.
#include <cstdint>

#include <nlohmann/json.hpp>

#include "fuzz_util.h"
#include "services/notices.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  const nlohmann::json j = nlohmann::json::parse(AsText(data, size), nullptr, false);
  if (j.is_discarded()) return 0;
  auto input = proprio::services::NoticeTemplateFromJson(j);
  if (!input.ok()) {
    FUZZ_CHECK(!input.status().message().empty(), "a refusal says why");
    return 0;
  }
  for (const auto& defect : proprio::services::CheckNotice(input->notice, nullptr)) {
    FUZZ_CHECK(!defect.citation.empty(), "every defect cites its rule");
  }
  return 0;
}
