// services/auth_json.h: JSON forms of verification sessions, steps,
// secrets status, notifications and pretexting flags, shared by the CLI and
// the HTTP API so both show the same fields. No secret ever appears: hashes,
// tokens and codes are not serialised.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

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

// ---- decisions bound to a verification session (64.2010) ----

// Context keys a decision request takes only from a verification session's
// recorded steps: `channel`, `call_id` and the authentication flags
// (customer_initiated_call, password_provided, customer_authenticated,
// photo_id_verified, caller_provided_call_detail).
bool IsSessionContextKey(std::string_view key);

// Binds decision requests (one request object, or {"requests": [...]}) to
// verification sessions: a request's "session" (an id), or `session_id` when
// given (the CLI's --session; a request naming another session is refused).
// For a bound request, a context key that IsSessionContextKey is refused
// (InvalidArgument naming "context.<key>", or "requests[i].context.<key>":
// the session, not the client, says who is authenticated); the session's
// context is put in its place; other context keys (legal_process,
// written_authorization, ...) stay; "session" is removed. Unbound requests are
// returned unchanged. Errors of DecisionContextForSession (NotFound,
// FailedPrecondition for a closed or expired session, PermissionDenied for
// another customer's session) name the field "session".
Result<nlohmann::json> BindDecisionsToSessions(store::Store& store, CarrierId carrier,
                                               nlohmann::json body,
                                               std::optional<int64_t> session_id, Instant now,
                                               bool release_by_mail = false);

}  // namespace proprio::services
