// services/auth_json.h: JSON forms of verification sessions, steps,
// secrets status, notifications and pretexting flags, shared by the CLI and
// the HTTP API so both show the same fields. No secret ever appears: hashes,
// tokens and codes are not serialised.
#pragma once

#include <nlohmann/json.hpp>

#include "services/customer_auth.h"
#include "services/notifications.h"

namespace proprio::services {

// Flag names ("password_verified", ...) of a session's flag bits.
nlohmann::json SessionFlagsToJson(uint32_t flags);
nlohmann::json SessionToJson(const SessionView& s);
nlohmann::json StepToJson(const store::VerificationStepRow& s);
nlohmann::json StepResultToJson(const StepResult& r);
nlohmann::json SecretsStatusToJson(const SecretsStatus& s);
nlohmann::json SecretSetToJson(const SecretSetResult& r);
nlohmann::json DecisionContextToJson(const rules::DecisionContext& c);
// `now` decides "overdue".
nlohmann::json NotificationToJson(const store::NotificationRow& n, Instant now);
nlohmann::json NotificationSettingsToJson(const store::NotificationSettingsRow& s);
nlohmann::json BacklogToJson(const store::NotificationBacklog& b);
nlohmann::json DeliveryReportToJson(const DeliveryReport& r);
nlohmann::json PretextingFlagToJson(const store::PretextingFlagRow& f);
nlohmann::json PretextingSummaryToJson(const PretextingSummary& s);

}  // namespace proprio::services
