// /v1/carriers/{carrier}/notifications ...: the outbox of account-change
// notices (47 CFR 64.2010(f)), its settings and deliveries.
#include "api/json_input.h"
#include "api/problem.h"
#include "api/routes_auth.h"
#include "services/auth_json.h"
#include "services/customer_auth.h"
#include "services/notifications.h"

namespace proprio::api::authn {

namespace {

const json kNotificationSchema = Closed(
    {{"id", I()},
     {"customer", I()},
     {"change_kind", S()},
     {"change_event", S()},
     {"channel", {{"type", "string"}, {"enum", {"text", "voicemail", "mail", "email"}}}},
     {"destination", S()},
     {"state",
      {{"type", "string"},
       {"enum", {"queued", "sending", "retrying", "delivered", "printed", "failed"}}}},
     {"attempts", I()},
     {"next_attempt_at", NullT()},
     {"last_error", S()},
     {"created_at", T()},
     {"due_by", T()},
     {"delivered_at", NullT()},
     {"overdue", B()},
     {"idempotency_key", S()},
     {"ledger_seq", I()}},
    {"id", "customer", "change_kind", "channel", "state", "attempts", "next_attempt_at",
     "created_at", "due_by", "delivered_at", "overdue"});
json SettingsProperties() {
  return {{"webhook_url", S()},
          {"channels", Arr({{"type", "string"}, {"enum", {"text", "voicemail", "mail", "email"}}})},
          {"bound_seconds", I()},
          {"max_attempts", I()},
          {"backoff_base_ms", I()},
          {"backoff_max_ms", I()},
          {"callback_phone", S()}};
}
const json kSettingsInputSchema = Closed(SettingsProperties(), {});
const json kSettingsSchema = [] {
  json p = SettingsProperties();
  p["updated_at"] = {{"type", "string"},
                     {"description", "RFC 3339; empty until the settings are first changed"}};
  return Closed(p, {"webhook_url", "channels", "bound_seconds", "max_attempts",
                    "backoff_base_ms", "backoff_max_ms", "callback_phone", "updated_at"});
}();
const json kBacklogSchema = Closed({{"pending", I()}, {"overdue", I()}, {"failed", I()},
                                    {"oldest_due", NullT()}, {"alert", B()}},
                                   {"pending", "overdue", "failed", "oldest_due", "alert"});
const json kDeliveryReportSchema =
    Closed({{"attempted", I()}, {"delivered", I()}, {"retrying", I()}, {"failed", I()},
            {"printed", I()}, {"letters", Arr(S())}},
           {"attempted", "delivered", "retrying", "failed", "printed", "letters"});

}  // namespace

void AddNotificationRoutes(Api& api, const std::shared_ptr<AuthRuntime>& rt,
                           const std::string& base, std::vector<RouteSpec>& routes) {
  const std::string notes = base + "/notifications";
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = notes,
      .summary = "Account-change notices (64.2010(f)) and their states; state=pending lists "
                 "those not yet delivered, with overdue ones flagged and a backlog alert",
      .tag = "notifications",
      .roles = kNoticeReaders,
      .query = PageQuery({{"state", "string", "pending: not yet delivered"},
                          {"customer", "integer", "only this customer"}}),
      .response_schema = {{"type", "object"},
                          {"properties",
                           {{"notifications", {{"type", "array"}, {"items", kNotificationSchema}}},
                            {"backlog", kBacklogSchema},
                            {"next_cursor", {{"type", {"string", "null"}}}}}}},
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            store::NotificationFilter f;
            const std::string state = call->req.Query("state");
            if (!state.empty() && state != "pending" && state != "all") {
              return call->Fail(Status::InvalidArgument("state must be pending or all", "state"));
            }
            f.pending_only = state == "pending";
            auto customer = QueryInt(call->req, "customer", 0, 0, INT64_MAX / 16);
            if (!customer.ok()) return call->Fail(customer.status());
            auto page = ReadPageRequest(call->req);
            if (!page.ok()) return call->Fail(page.status());
            f.customer = CustomerId(*customer);
            f.limit = page->limit + 1;
            f.after_id = page->after;
            auto list = services::ListNotifications(api.store(), call->carrier, f);
            if (!list.ok()) return call->Fail(list.status());
            const Instant now = Instant::Now();
            auto backlog = services::NotificationBacklog(api.store(), call->carrier, now);
            if (!backlog.ok()) return call->Fail(backlog.status());
            json items = json::array();
            json next = nullptr;
            for (size_t i = 0; i < list->size(); ++i) {
              if (static_cast<int64_t>(i) == page->limit) {
                next = std::to_string((*list)[i - 1].id);
                break;
              }
              items.push_back(services::NotificationToJson((*list)[i], now));
            }
            call->Json(200, {{"notifications", items},
                             {"backlog", services::BacklogToJson(*backlog)},
                             {"next_cursor", next}});
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = notes + "/settings",
      .summary = "The carrier's notification webhook, channels, delivery bound and back-off",
      .tag = "notifications",
      .roles = kNoticeReaders,
      .response_schema = kSettingsSchema,
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto s = services::GetNotificationSettings(api.store(), call->carrier);
            if (!s.ok()) return call->Fail(s.status());
            call->Json(200, services::NotificationSettingsToJson(*s));
          }});
  routes.push_back(RouteSpec{
      .method = "PUT",
      .pattern = notes + "/settings",
      .summary = "Change the webhook (http/https), channels (text, voicemail, mail, email), the "
                 "bound after which an undelivered notice raises an alert, and retry back-off",
      .tag = "notifications",
      .roles = kNoticeWriters,
      .request_type = "application/json",
      .request_schema = kSettingsInputSchema,
      .response_schema = kSettingsSchema,
      .handler =
          [&api, rt](const std::shared_ptr<Call>& call) {
            auto body = ParseJsonObject(call->req);
            if (!body.ok()) return call->Fail(body.status());
            auto cur = services::GetNotificationSettings(api.store(), call->carrier);
            if (!cur.ok()) return call->Fail(cur.status());
            store::NotificationSettingsRow s = *cur;
            ObjectReader r(*body);
            if (auto v = r.OptString("webhook_url", 2000)) s.webhook_url = *v;
            if (auto v = r.OptStringArray("channels", 4, 16)) {
              s.channels.clear();
              for (const std::string& c : *v) s.channels += (s.channels.empty() ? "" : ";") + c;
            }
            if (auto v = r.OptInt("bound_seconds", 0, INT64_MAX / 2)) s.bound_seconds = *v;
            if (auto v = r.OptInt("max_attempts", 0, 1000)) s.max_attempts = *v;
            if (auto v = r.OptInt("backoff_base_ms", 0, INT64_MAX / 2)) s.backoff_base_ms = *v;
            if (auto v = r.OptInt("backoff_max_ms", 0, INT64_MAX / 2)) s.backoff_max_ms = *v;
            if (auto v = r.OptString("callback_phone", 32)) s.callback_phone = *v;
            if (Status st = r.Finish(); !st.ok()) return call->Fail(st);
            Status st = services::PutNotificationSettings(api.store(), s, call->actor);
            if (!st.ok()) return call->Fail(st);
            auto now = services::GetNotificationSettings(api.store(), call->carrier);
            if (!now.ok()) return call->Fail(now.status());
            rt->worker.Poke();
            call->Json(200, services::NotificationSettingsToJson(*now));
          }});
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = notes + "/deliveries",
      .summary = "Deliver the carrier's due notices through its webhook now (the outbox "
                 "worker also does so every few seconds)",
      .tag = "notifications",
      .roles = kNoticeWriters,
      .success_status = 200,
      .response_schema = kDeliveryReportSchema,
      .handler =
          [&api, rt](const std::shared_ptr<Call>& call) {
            auto r = services::DeliverDueNotifications(api.store(), call->carrier, rt->Delivery(),
                                                       call->actor);
            if (!r.ok()) return call->Fail(r.status());
            call->Json(200, services::DeliveryReportToJson(*r));
          }});
  routes.push_back(RouteSpec{
      .method = "GET",
      .pattern = notes + "/{notification}",
      .summary = "One notice and its state",
      .tag = "notifications",
      .roles = kNoticeReaders,
      .response_schema = kNotificationSchema,
      .handler =
          [&api](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("notification");
            if (!id.ok()) return call->Fail(id.status());
            auto n = services::GetNotification(api.store(), call->carrier, *id);
            if (!n.ok()) return call->Fail(n.status());
            call->Json(200, services::NotificationToJson(*n, Instant::Now()));
          }});
  routes.push_back(RouteSpec{
      .method = "POST",
      .pattern = notes + "/{notification}/retry",
      .summary = "Requeue a failed notice (same destination, same idempotency key)",
      .tag = "notifications",
      .roles = kNoticeWriters,
      .response_schema = kNotificationSchema,
      .handler =
          [&api, rt](const std::shared_ptr<Call>& call) {
            auto id = call->IdParam("notification");
            if (!id.ok()) return call->Fail(id.status());
            auto n = services::RetryNotification(api.store(), call->carrier, *id, call->actor);
            if (!n.ok()) return call->Fail(n.status());
            rt->worker.Poke();
            call->Json(200, services::NotificationToJson(*n, Instant::Now()));
          }});
}

}  // namespace proprio::api::authn
