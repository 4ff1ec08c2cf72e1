// rules/policy.cc: TOML policy parsing (toml++, exceptions caught here) and
// the floor check.
#include "rules/policy.h"

#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <utility>

#include <toml++/toml.h>

#include "core/text.h"

namespace proprio::rules {
namespace {

// 64.2011 citations come from the rule tables (rules/rule_set.cc).
std::string_view Cite07(std::string_view id) { return CiteBreachRule(BreachRegime::k2007, id); }
std::string_view Cite24(std::string_view id) { return CiteBreachRule(BreachRegime::k2024, id); }

std::string Where(const toml::source_region& r) {
  return "line " + std::to_string(r.begin.line) + ", column " + std::to_string(r.begin.column);
}

std::string DayCountText(DayCount d) {
  return std::to_string(d.days) + " " + DayUnitName(d.unit) + " day" + (d.days == 1 ? "" : "s");
}

// ---- the floor check ----

void Add(std::vector<PolicyViolation>& out, std::string field, std::string_view citation,
         std::string message) {
  out.push_back({std::move(field), std::string(citation), std::move(message)});
}

// Returns the rule a purpose listed as "without approval" would break, or
// empty when the floor permits that purpose without approval.
std::string_view CitationForbiddingCarveOut(Purpose p) {
  switch (p) {
    case Purpose::kMarketingOtherCategory:
    case Purpose::kMarketing:  // marketing in general: only its derived categories are carve-outs
      return "47 CFR 64.2005(b)";
    case Purpose::kTrackCompetingCallers:
      return "47 CFR 64.2005(b)(2)";
    case Purpose::kResearch:
    case Purpose::kOther:
      return "47 CFR 64.2007(b)";
    default:
      return {};
  }
}

// ---- calendar settings against the federal calendar (5 U.S.C. 6103) ----

const char* const kDayNames[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
std::string DayText(CivilDate d) { return std::string(kDayNames[d.Weekday()]) + " " + d.ToString(); }

// The first trigger day and closure for which "within `policy_days` business
// days" counted on `carrier` ends after "within `rule_days` business days"
// counted on `federal`: the carrier's calendar would move the legal deadline
// later. Only days near a candidate closure can differ.
struct LaterDeadline {
  CivilDate trigger, closure, policy_day, rule_day;
};
std::optional<LaterDeadline> FirstLaterDeadline(const BusinessCalendar& carrier,
                                                const BusinessCalendar& federal,
                                                const std::vector<CivilDate>& candidates,
                                                int policy_days, int rule_days) {
  for (const CivilDate& c : candidates) {
    for (int back = 2 * policy_days + 14; back >= 1; --back) {
      const CivilDate t = c.AddDays(-back);
      const CivilDate mine = carrier.AddBusinessDays(t, policy_days);
      const CivilDate law = federal.AddBusinessDays(t, rule_days);
      if (mine > law) return LaterDeadline{t, c, mine, law};
    }
  }
  return std::nullopt;
}

// A calendar setting (extra closures, the Inauguration Day option) that would
// end a business-day deadline of the policy after the rule's, counted on the
// federal calendar. Deadlines are computed on the federal calendar anyway
// (rules/breach_obligations.h); the policy check refuses the setting so that
// a policy never states a deadline later than the law's.
void CalendarViolations(const Policy& p, std::vector<PolicyViolation>& out) {
  struct Deadline {
    const char* key;
    DayCount count;
    int rule_days;
    const char* citation;
  };
  const Deadline deadlines[] = {
      {"breach.agency_notice", p.breach_agency_notice, 7, "47 CFR 64.2011(b)"},
      {"safeguards.opt_mechanism_failure_notice", p.opt_mechanism_failure_notice, 5,
       "47 CFR 64.2009(f)"},
  };
  const TimeZone utc = TimeZone::Utc();
  const BusinessCalendar federal(utc, CalendarOptions{});
  std::vector<CivilDate> closures;
  for (const CivilDate& d : p.extra_closures) {
    if (d.Valid() && federal.IsBusinessDay(d)) closures.push_back(d);
  }
  std::vector<CivilDate> inaugurations;
  if (p.inauguration_day) {
    // Every weekday pattern of January recurs within 28 years; a century of
    // inaugurations covers them all.
    HolidayOptions with;
    with.inauguration_day = true;
    for (int year = 2001; year <= 2101; year += 4) {
      for (const Holiday& h : Holidays(year, with)) {
        if (h.name.find("Inauguration") != std::string_view::npos && federal.IsBusinessDay(h.date)) {
          inaugurations.push_back(h.date);
        }
      }
    }
  }
  for (const Deadline& d : deadlines) {
    if (d.count.unit != DayUnit::kBusiness || d.count.days > d.rule_days) continue;
    struct Setting {
      const char* key;
      CalendarOptions options;
      const std::vector<CivilDate>* candidates;
    };
    CalendarOptions only_closures;
    only_closures.extra_closures = closures;
    CalendarOptions both = only_closures;
    both.holidays.inauguration_day = p.inauguration_day;
    const Setting settings[] = {{"calendar.extra_closures", only_closures, &closures},
                                {"calendar.inauguration_day", both, &inaugurations}};
    for (const Setting& s : settings) {
      if (s.candidates->empty()) continue;
      const BusinessCalendar carrier(utc, s.options);
      const auto later =
          FirstLaterDeadline(carrier, federal, *s.candidates, d.count.days, d.rule_days);
      if (!later) continue;
      Add(out, s.key, d.citation,
          std::string(s.key) + ": the closed day " + DayText(later->closure) + " would move " +
              d.key + " (" + DayCountText(d.count) + ") after " + DayText(later->trigger) +
              " to " + DayText(later->policy_day) + ", later than " +
              DayText(later->rule_day) + ", the last day " + d.citation +
              " allows counted on the federal calendar (5 U.S.C. 6103): a carrier's closures "
              "may not lengthen a legal deadline; count " + d.key +
              " in calendar days or in fewer business days");
      break;
    }
  }
}

// ---- TOML reading ----

using Handler = std::function<Status(const toml::node&, const std::string&)>;
struct KeyHandler {
  std::string_view key;
  Handler handle;
};

class Parser {
 public:
  Result<Policy> Run(std::string_view text) {
    toml::table root;
    try {
      root = toml::parse(text);
    } catch (const toml::parse_error& e) {
      return Status::InvalidArgument("policy is not valid TOML: " + std::string(e.description()) +
                                         " (" + Where(e.source()) + ")",
                                     "policy");
    }
    bool has_name = false, has_version = false;
    // (Not RETURN_IF_ERROR: the handlers use it, and the names would shadow.)
    const Status walked = Walk(
        root, "",
        {
            {"name",
             [&](const toml::node& n, const std::string& f) {
               has_name = true;
               RETURN_IF_ERROR(String(n, f, &p_.name));
               if (Trim(p_.name).empty() || p_.name.size() > kMaxNameBytes) {
                 return Err(f, n, "must be 1 to " + std::to_string(kMaxNameBytes) + " bytes");
               }
               return Status::Ok();
             }},
            {"version",
             [&](const toml::node& n, const std::string& f) {
               has_version = true;
               int64_t v = 0;
               RETURN_IF_ERROR(Int64(n, f, &v));
               if (v < 1) return Err(f, n, "must be an integer >= 1");
               p_.version = v;
               return Status::Ok();
             }},
            {"approval", [&](const toml::node& n, const std::string& f) { return Approval(n, f); }},
            {"uses_without_approval",
             [&](const toml::node& n, const std::string& f) { return Uses(n, f); }},
            {"disclosure",
             [&](const toml::node& n, const std::string& f) { return Disclosure(n, f); }},
            {"authentication",
             [&](const toml::node& n, const std::string& f) { return Authentication(n, f); }},
            {"breach", [&](const toml::node& n, const std::string& f) { return Breach(n, f); }},
            {"safeguards",
             [&](const toml::node& n, const std::string& f) { return Safeguards(n, f); }},
            {"sim_change",
             [&](const toml::node& n, const std::string& f) { return SimChange(n, f); }},
            {"calendar", [&](const toml::node& n, const std::string& f) { return Calendar(n, f); }},
        });
    if (!walked.ok()) return walked;
    if (!has_name) return Status::InvalidArgument("policy: 'name' is required", "name");
    if (!has_version) return Status::InvalidArgument("policy: 'version' is required", "version");
    const std::vector<PolicyViolation> v = FloorViolations(p_);
    if (!v.empty()) {
      std::string msg = v.front().message;
      const auto it = where_.find(v.front().field);
      if (it != where_.end()) msg += " (" + it->second + ")";
      return Status::InvalidArgument(msg, v.front().field);
    }
    return p_;
  }

 private:
  Status Err(const std::string& field, const toml::node& n, const std::string& why) const {
    return Status::InvalidArgument(field + ": " + why + " (" + Where(n.source()) + ")", field);
  }

  Status Walk(const toml::node& node, const std::string& prefix,
              std::initializer_list<KeyHandler> handlers) {
    const toml::table* t = node.as_table();
    if (t == nullptr) return Err(prefix, node, "expected a table");
    for (auto&& [k, v] : *t) {
      const std::string key(k.str());
      const std::string field = prefix.empty() ? key : prefix + "." + key;
      const KeyHandler* h = nullptr;
      for (const KeyHandler& kh : handlers) {
        if (kh.key == key) h = &kh;
      }
      if (h == nullptr) {
        std::string known;
        for (const KeyHandler& kh : handlers) {
          known += known.empty() ? "" : ", ";
          known += kh.key;
        }
        return Status::InvalidArgument(field + ": unknown key (" + Where(k.source()) +
                                           "; known: " + known + ")",
                                       field);
      }
      where_[field] = Where(v.source());
      RETURN_IF_ERROR(h->handle(v, field));
    }
    return Status::Ok();
  }

  Status Int64(const toml::node& n, const std::string& f, int64_t* out) const {
    const auto* v = n.as_integer();
    if (v == nullptr) return Err(f, n, "expected an integer");
    *out = v->get();
    return Status::Ok();
  }

  Status Int(const toml::node& n, const std::string& f, int lo, int hi, int* out) const {
    int64_t v = 0;
    RETURN_IF_ERROR(Int64(n, f, &v));
    if (v < lo || v > hi) {
      return Err(f, n, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
    }
    *out = static_cast<int>(v);
    return Status::Ok();
  }

  Status Bool(const toml::node& n, const std::string& f, bool* out) const {
    const auto* v = n.as_boolean();
    if (v == nullptr) return Err(f, n, "expected true or false");
    *out = v->get();
    return Status::Ok();
  }

  Status String(const toml::node& n, const std::string& f, std::string* out) const {
    const auto* v = n.as_string();
    if (v == nullptr) return Err(f, n, "expected a string");
    *out = v->get();
    return Status::Ok();
  }

  Status Days(const toml::node& n, const std::string& f, DayCount* out) {
    bool has_days = false, has_unit = false;
    const Status walked = Walk(n, f,
                         {
                             {"days",
                              [&](const toml::node& v, const std::string& g) {
                                has_days = true;
                                return Int(v, g, 0, 3650, &out->days);
                              }},
                             {"unit",
                              [&](const toml::node& v, const std::string& g) {
                                has_unit = true;
                                std::string u;
                                RETURN_IF_ERROR(String(v, g, &u));
                                if (u == "business") {
                                  out->unit = DayUnit::kBusiness;
                                } else if (u == "calendar") {
                                  out->unit = DayUnit::kCalendar;
                                } else {
                                  return Err(g, v, "must be \"business\" or \"calendar\"");
                                }
                                return Status::Ok();
                              }},
                         });
    if (!walked.ok()) return walked;
    if (!has_days || !has_unit) {
      return Err(f, n, "expected { days = N, unit = \"business\" | \"calendar\" }");
    }
    return Status::Ok();
  }

  Status Approval(const toml::node& n, const std::string& f) {
    return Walk(
        n, f,
        {
            {"mode",
             [&](const toml::node& v, const std::string& g) {
               std::string m;
               RETURN_IF_ERROR(String(v, g, &m));
               if (m == "floor") {
                 p_.approval_mode = ApprovalMode::kFloor;
               } else if (m == "opt_in_only") {
                 p_.approval_mode = ApprovalMode::kOptInOnly;
               } else {
                 return Err(g, v, "must be \"floor\" or \"opt_in_only\"");
               }
               return Status::Ok();
             }},
            {"opt_out_wait_days",
             [&](const toml::node& v, const std::string& g) {
               return Int(v, g, 0, 3650, &p_.opt_out_wait_days);
             }},
            {"mail_extra_days",
             [&](const toml::node& v, const std::string& g) {
               return Int(v, g, 0, 365, &p_.mail_extra_days);
             }},
            {"opt_out_renewal_months",
             [&](const toml::node& v, const std::string& g) {
               return Int(v, g, 1, 1200, &p_.opt_out_renewal_months);
             }},
            {"approval_record_years",
             [&](const toml::node& v, const std::string& g) {
               return Int(v, g, 0, 100, &p_.approval_record_years);
             }},
            {"notice_record_years",
             [&](const toml::node& v, const std::string& g) {
               return Int(v, g, 0, 100, &p_.notice_record_years);
             }},
        });
  }

  Status Uses(const toml::node& n, const std::string& f) {
    return Walk(n, f,
                {
                    {"purposes",
                     [&](const toml::node& v, const std::string& g) {
                       const toml::array* a = v.as_array();
                       if (a == nullptr) return Err(g, v, "expected an array of purpose names");
                       PurposeSet set;
                       for (size_t i = 0; i < a->size(); ++i) {
                         const toml::node& item = *a->get(i);
                         const std::string h = g + "[" + std::to_string(i) + "]";
                         std::string name;
                         RETURN_IF_ERROR(String(item, h, &name));
                         Result<Purpose> p = ParsePurpose(name, h);
                         if (!p.ok()) return Err(h, item, p.status().message());
                         const std::string_view cite = CitationForbiddingCarveOut(*p);
                         if (!cite.empty()) {
                           return Err(h, item,
                                      "'" + name + "' is not a use the floor permits without "
                                      "approval; it would break " + std::string(cite));
                         }
                         set.Add(*p);
                       }
                       p_.uses_without_approval = set & kDiscretionaryCarveOuts;
                       return Status::Ok();
                     }},
                });
  }

  Status Disclosure(const toml::node& n, const std::string& f) {
    return Walk(
        n, f,
        {
            {"third_parties",
             [&](const toml::node& v, const std::string& g) {
               std::string m;
               RETURN_IF_ERROR(String(v, g, &m));
               if (m == "floor") {
                 p_.third_parties = ThirdPartySharing::kFloor;
               } else if (m == "never") {
                 p_.third_parties = ThirdPartySharing::kNever;
               } else {
                 return Err(g, v, "must be \"floor\" or \"never\"");
               }
               return Status::Ok();
             }},
            {"new_carrier_requires_written_authorization",
             [&](const toml::node& v, const std::string& g) {
               return Bool(v, g, &p_.new_carrier_requires_written_authorization);
             }},
            {"jv_contractor_requires_confidentiality_agreement",
             [&](const toml::node& v, const std::string& g) {
               return Bool(v, g, &p_.jv_contractor_requires_confidentiality_agreement);
             }},
            {"jv_contractor_requires_opt_in",
             [&](const toml::node& v, const std::string& g) {
               return Bool(v, g, &p_.jv_contractor_requires_opt_in);
             }},
            {"agent_requires_limited_use_certification",
             [&](const toml::node& v, const std::string& g) {
               return Bool(v, g, &p_.agent_requires_limited_use_certification);
             }},
            {"dealer_requires_limited_use_certification",
             [&](const toml::node& v, const std::string& g) {
               return Bool(v, g, &p_.dealer_requires_limited_use_certification);
             }},
        });
  }

  Status Authentication(const toml::node& n, const std::string& f) {
    return Walk(n, f,
                {
                    {"phone_requires_password_for_all_cpni",
                     [&](const toml::node& v, const std::string& g) {
                       return Bool(v, g, &p_.phone_requires_password_for_all_cpni);
                     }},
                    {"business_customer_alternative_authentication",
                     [&](const toml::node& v, const std::string& g) {
                       return Bool(v, g, &p_.business_customer_alternative_authentication);
                     }},
                    {"service_initiation_days",
                     [&](const toml::node& v, const std::string& g) {
                       return Int(v, g, 0, kMaxServiceInitiationDays,
                                  &p_.service_initiation_days);
                     }},
                });
  }

  Status Breach(const toml::node& n, const std::string& f) {
    return Walk(
        n, f,
        {
            {"agency_notice",
             [&](const toml::node& v, const std::string& g) {
               return Days(v, g, &p_.breach_agency_notice);
             }},
            {"customer_wait",
             [&](const toml::node& v, const std::string& g) {
               return Days(v, g, &p_.breach_customer_wait);
             }},
            {"urgent_notice_requires_agency_consultation",
             [&](const toml::node& v, const std::string& g) {
               return Bool(v, g, &p_.breach_urgent_notice_requires_agency_consultation);
             }},
            {"customer_deadline",
             [&](const toml::node& v, const std::string& g) {
               return Days(v, g, &p_.breach_customer_deadline);
             }},
            {"record_retention_years",
             [&](const toml::node& v, const std::string& g) {
               return Int(v, g, 0, 100, &p_.breach_record_years);
             }},
        });
  }

  Status Safeguards(const toml::node& n, const std::string& f) {
    return Walk(
        n, f,
        {
            {"opt_mechanism_failure_notice",
             [&](const toml::node& v, const std::string& g) {
               return Days(v, g, &p_.opt_mechanism_failure_notice);
             }},
            {"campaign_record_years",
             [&](const toml::node& v, const std::string& g) {
               return Int(v, g, 0, 100, &p_.campaign_record_years);
             }},
            {"supervisory_record_years",
             [&](const toml::node& v, const std::string& g) {
               return Int(v, g, 0, 100, &p_.supervisory_record_years);
             }},
            {"outbound_marketing_approver",
             [&](const toml::node& v, const std::string& g) {
               std::string role;
               RETURN_IF_ERROR(String(v, g, &role));
               if (!role.empty()) {
                 Result<Role> r = ParseRole(role);
                 if (!r.ok()) return Err(g, v, r.status().message());
                 // Supervisory review (47 CFR 64.2009(d)) is a decision: an
                 // auditor only reads, an administrator runs the system, and
                 // a system account is not a person.
                 if (*r == Role::kAuditor || *r == Role::kAdmin || *r == Role::kSystem) {
                   return Err(g, v, "must be a role that may approve (not " + role + ")");
                 }
               }
               p_.outbound_marketing_approver = role;
               return Status::Ok();
             }},
            {"training_at_hire",
             [&](const toml::node& v, const std::string& g) {
               return Bool(v, g, &p_.training_at_hire);
             }},
            {"training_interval_months",
             [&](const toml::node& v, const std::string& g) {
               return Int(v, g, 0, 120, &p_.training_interval_months);
             }},
            {"account_change_notice",
             [&](const toml::node& v, const std::string& g) {
               std::string when;
               RETURN_IF_ERROR(String(v, g, &when));
               if (when != "immediate") {
                 return Err(g, v,
                            "'" + when + "' would break 47 CFR 64.2010(f): account changes are "
                            "notified immediately (the only accepted value is \"immediate\")");
               }
               return Status::Ok();
             }},
        });
  }

  // 47 CFR 64.2010(h), 52.37 (FCC 23-95): SIM change and port-out protections.
  Status SimChange(const toml::node& n, const std::string& f) {
    return Walk(n, f,
                {
                    {"wireless_provider",
                     [&](const toml::node& v, const std::string& g) {
                       return Bool(v, g, &p_.wireless_provider);
                     }},
                    {"protections",
                     [&](const toml::node& v, const std::string& g) {
                       return Bool(v, g, &p_.sim_protections);
                     }},
                    {"failed_attempts",
                     [&](const toml::node& v, const std::string& g) {
                       return Int(v, g, 1, 10, &p_.sim_failed_attempts);
                     }},
                    {"failed_window_hours",
                     [&](const toml::node& v, const std::string& g) {
                       return Int(v, g, 1, 720, &p_.sim_failed_window_hours);
                     }},
                    {"refusal_hours",
                     [&](const toml::node& v, const std::string& g) {
                       return Int(v, g, 1, 720, &p_.sim_refusal_hours);
                     }},
                    {"record_years",
                     [&](const toml::node& v, const std::string& g) {
                       return Int(v, g, 0, 100, &p_.sim_record_years);
                     }},
                });
  }

  Status Calendar(const toml::node& n, const std::string& f) {
    return Walk(
        n, f,
        {
            {"inauguration_day",
             [&](const toml::node& v, const std::string& g) {
               return Bool(v, g, &p_.inauguration_day);
             }},
            {"extra_closures",
             [&](const toml::node& v, const std::string& g) {
               const toml::array* a = v.as_array();
               if (a == nullptr) return Err(g, v, "expected an array of dates");
               p_.extra_closures.clear();
               for (size_t i = 0; i < a->size(); ++i) {
                 const toml::node& item = *a->get(i);
                 const std::string h = g + "[" + std::to_string(i) + "]";
                 CivilDate d;
                 if (const auto* date = item.as_date()) {
                   const toml::date td = date->get();
                   d = CivilDate{td.year, td.month, td.day};
                 } else if (const auto* s = item.as_string()) {
                   Result<CivilDate> parsed = CivilDate::Parse(s->get());
                   if (!parsed.ok()) return Err(h, item, parsed.status().message());
                   d = *parsed;
                 } else {
                   return Err(h, item, "expected a date (2018-12-05 or \"2018-12-05\")");
                 }
                 if (!d.Valid()) return Err(h, item, "not a calendar date");
                 p_.extra_closures.push_back(d);
               }
               return Status::Ok();
             }},
        });
  }

  Policy p_;
  std::map<std::string, std::string> where_;  // field -> "line L, column C"
};

}  // namespace

const char* ApprovalModeName(ApprovalMode m) {
  return m == ApprovalMode::kOptInOnly ? "opt_in_only" : "floor";
}

const char* ThirdPartySharingName(ThirdPartySharing s) {
  return s == ThirdPartySharing::kNever ? "never" : "floor";
}

CalendarOptions Policy::Calendar() const {
  CalendarOptions o;
  o.holidays.inauguration_day = inauguration_day;
  o.extra_closures = extra_closures;
  return o;
}

const Policy& FloorPolicy() {
  static const Policy* floor = new Policy();
  return *floor;
}

std::vector<PolicyViolation> FloorViolations(const Policy& p) {
  std::vector<PolicyViolation> out;
  const ApprovalRules approval;  // identical in fcc-2007 and fcc-2024
  if (p.opt_out_wait_days < approval.opt_out_wait_days) {
    Add(out, "approval.opt_out_wait_days", "47 CFR 64.2008(d)(1)",
        "approval.opt_out_wait_days = " + std::to_string(p.opt_out_wait_days) +
            " would break 47 CFR 64.2008(d)(1): opt-out approval may not be assumed before a "
            "wait of at least 30 days");
  }
  if (p.mail_extra_days < approval.mail_extra_days) {
    Add(out, "approval.mail_extra_days", "47 CFR 64.2008(d)(1)(ii)",
        "approval.mail_extra_days = " + std::to_string(p.mail_extra_days) +
            " would break 47 CFR 64.2008(d)(1)(ii): for mailed notice the wait begins on the "
            "third day after mailing");
  }
  if (p.opt_out_renewal_months < 1 || p.opt_out_renewal_months > approval.opt_out_renewal_months) {
    Add(out, "approval.opt_out_renewal_months", "47 CFR 64.2008(d)(2)",
        "approval.opt_out_renewal_months = " + std::to_string(p.opt_out_renewal_months) +
            " would break 47 CFR 64.2008(d)(2): opt-out notices are repeated at least every "
            "24 months");
  }
  if (p.approval_record_years < approval.approval_record_years) {
    Add(out, "approval.approval_record_years", "47 CFR 64.2007(a)(3)",
        "approval.approval_record_years = " + std::to_string(p.approval_record_years) +
            " would break 47 CFR 64.2007(a)(3): records of approval are kept at least one year");
  }
  if (p.notice_record_years < approval.notice_record_years) {
    Add(out, "approval.notice_record_years", "47 CFR 64.2008(a)(2)",
        "approval.notice_record_years = " + std::to_string(p.notice_record_years) +
            " would break 47 CFR 64.2008(a)(2): records of notification are kept at least one "
            "year");
  }
  const PurposeSet extra = p.uses_without_approval - kDiscretionaryCarveOuts - kFixedPurposes;
  for (int i = 0; i < kPurposeCount; ++i) {
    const auto purpose = static_cast<Purpose>(i);
    if (!extra.Has(purpose)) continue;
    const std::string_view cite = CitationForbiddingCarveOut(purpose);
    Add(out, "uses_without_approval.purposes", cite,
        "uses_without_approval lists '" + std::string(PurposeName(purpose)) +
            "', which would break " + std::string(cite) + ": the floor needs approval for it");
  }
  // 64.2010(e): a password without authentication only "at service
  // initiation"; a window of more than a week is no longer the initiation.
  if (p.service_initiation_days < 0 || p.service_initiation_days > kMaxServiceInitiationDays) {
    Add(out, "authentication.service_initiation_days", "47 CFR 64.2010(e)",
        "authentication.service_initiation_days = " + std::to_string(p.service_initiation_days) +
            " would break 47 CFR 64.2010(e): a password is established without authentication "
            "only at service initiation (0 to " + std::to_string(kMaxServiceInitiationDays) +
            " days after the day service began)");
  }
  // 64.2011(b) (2007) and (a) (2024): 7 business days. n calendar days never
  // end later than n business days, so calendar <= 7 is stricter too.
  if (p.breach_agency_notice.days > 7) {
    const std::string_view cite = Cite07("breach.agency_notice");
    Add(out, "breach.agency_notice", cite,
        "breach.agency_notice = " + DayCountText(p.breach_agency_notice) + " would break " +
            std::string(cite) + " (2007) and " +
            std::string(Cite24("breach.agency_notice")) +
            " as amended in 2024: the agencies are notified within 7 business days after "
            "reasonable determination");
  }
  // 2007 64.2011(b)(1): a MINIMUM wait of 7 full business days. A wait counted
  // in calendar days can end before 7 business days have passed.
  if (p.breach_customer_wait.unit != DayUnit::kBusiness || p.breach_customer_wait.days < 7) {
    const std::string_view cite = Cite07("breach.customer_wait");
    Add(out, "breach.customer_wait", cite,
        "breach.customer_wait = " + DayCountText(p.breach_customer_wait) + " would break " +
            std::string(cite) +
            " (2007): customers are not notified until 7 full business days have passed after "
            "the agency notice; a shorter or calendar-day wait can end sooner");
  }
  if (!p.breach_urgent_notice_requires_agency_consultation) {
    const std::string_view cite = Cite07("breach.urgent_need");
    Add(out, "breach.urgent_notice_requires_agency_consultation", cite,
        "breach.urgent_notice_requires_agency_consultation = false would break " +
            std::string(cite) +
            " (2007): early customer notice for an urgent need comes only after consulting "
            "the investigating agency");
  }
  if (p.breach_customer_deadline.unit != DayUnit::kCalendar ||
      p.breach_customer_deadline.days > 30) {
    const std::string_view cite = Cite24("breach.customer_notice");
    Add(out, "breach.customer_deadline", cite,
        "breach.customer_deadline = " + DayCountText(p.breach_customer_deadline) +
            " would break " + std::string(cite) +
            " as amended in 2024: customers are notified within 30 calendar days after "
            "reasonable determination");
  }
  if (p.breach_record_years < 2) {
    const std::string_view cite = Cite07("breach.records");
    Add(out, "breach.record_retention_years", cite,
        "breach.record_retention_years = " + std::to_string(p.breach_record_years) +
            " would break " + std::string(cite) + " (2007) and " +
            std::string(Cite24("breach.records")) +
            " as amended in 2024: breach records are kept at least 2 years");
  }
  if (p.opt_mechanism_failure_notice.days > 5) {
    Add(out, "safeguards.opt_mechanism_failure_notice", "47 CFR 64.2009(f)",
        "safeguards.opt_mechanism_failure_notice = " +
            DayCountText(p.opt_mechanism_failure_notice) +
            " would break 47 CFR 64.2009(f): the FCC is told within 5 business days");
  }
  if (p.campaign_record_years < 1) {
    Add(out, "safeguards.campaign_record_years", "47 CFR 64.2009(c)",
        "safeguards.campaign_record_years = " + std::to_string(p.campaign_record_years) +
            " would break 47 CFR 64.2009(c): campaign records are kept at least one year");
  }
  if (p.supervisory_record_years < 1) {
    Add(out, "safeguards.supervisory_record_years", "47 CFR 64.2009(d)",
        "safeguards.supervisory_record_years = " + std::to_string(p.supervisory_record_years) +
            " would break 47 CFR 64.2009(d): supervisory review records are kept at least one "
            "year");
  }
  // 64.2010(h) (FCC 23-95): the protections bind every wireless provider;
  // only a carrier that is not one may turn them off.
  if (p.wireless_provider && !p.sim_protections) {
    Add(out, "sim_change.protections", "47 CFR 64.2010(h)",
        "sim_change.protections = false would break 47 CFR 64.2010(h) and 47 CFR 52.37: a "
        "wireless provider (prepaid, postpaid or reseller) must protect SIM change and port-out "
        "requests; only a carrier that is not a wireless provider (wireless_provider = false) "
        "may turn them off");
  }
  if (p.sim_record_years < 3) {
    Add(out, "sim_change.record_years", "47 CFR 64.2010(h)(5)",
        "sim_change.record_years = " + std::to_string(p.sim_record_years) +
            " would break 47 CFR 64.2010(h)(5): records of SIM change requests are kept at "
            "least 3 years");
  }
  CalendarViolations(p, out);
  return out;
}

Status ValidatePolicy(const Policy& policy) {
  if (policy.version < 0) return Status::InvalidArgument("version must be >= 0", "version");
  for (const CivilDate& d : policy.extra_closures) {
    if (!d.Valid()) {
      return Status::InvalidArgument("calendar.extra_closures holds an invalid date",
                                     "calendar.extra_closures");
    }
  }
  const std::vector<PolicyViolation> v = FloorViolations(policy);
  if (v.empty()) return Status::Ok();
  return Status::InvalidArgument(v.front().message, v.front().field);
}

Result<Policy> ParsePolicy(std::string_view toml_text) { return Parser().Run(toml_text); }

std::string PolicyToToml(const Policy& p) {
  auto quote = [](std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
            out += buf;
          } else {
            out += c;
          }
      }
    }
    return out + "\"";
  };
  auto days = [](DayCount d) {
    return "{ days = " + std::to_string(d.days) + ", unit = \"" + DayUnitName(d.unit) + "\" }";
  };
  auto boolean = [](bool b) { return b ? "true" : "false"; };
  std::ostringstream o;
  o << "name = " << quote(p.name) << "\n";
  o << "version = " << p.version << "\n\n";
  o << "[approval]\n";
  o << "mode = \"" << ApprovalModeName(p.approval_mode) << "\"\n";
  o << "opt_out_wait_days = " << p.opt_out_wait_days << "\n";
  o << "mail_extra_days = " << p.mail_extra_days << "\n";
  o << "opt_out_renewal_months = " << p.opt_out_renewal_months << "\n";
  o << "approval_record_years = " << p.approval_record_years << "\n";
  o << "notice_record_years = " << p.notice_record_years << "\n\n";
  o << "[uses_without_approval]\npurposes = [";
  bool first = true;
  for (int i = 0; i < kPurposeCount; ++i) {
    const auto purpose = static_cast<Purpose>(i);
    if (!p.uses_without_approval.Has(purpose)) continue;
    o << (first ? "" : ", ") << "\"" << PurposeName(purpose) << "\"";
    first = false;
  }
  o << "]\n\n";
  o << "[disclosure]\n";
  o << "third_parties = \"" << ThirdPartySharingName(p.third_parties) << "\"\n";
  o << "new_carrier_requires_written_authorization = "
    << boolean(p.new_carrier_requires_written_authorization) << "\n";
  o << "jv_contractor_requires_confidentiality_agreement = "
    << boolean(p.jv_contractor_requires_confidentiality_agreement) << "\n";
  o << "jv_contractor_requires_opt_in = " << boolean(p.jv_contractor_requires_opt_in) << "\n";
  o << "agent_requires_limited_use_certification = "
    << boolean(p.agent_requires_limited_use_certification) << "\n";
  o << "dealer_requires_limited_use_certification = "
    << boolean(p.dealer_requires_limited_use_certification) << "\n\n";
  o << "[authentication]\n";
  o << "phone_requires_password_for_all_cpni = "
    << boolean(p.phone_requires_password_for_all_cpni) << "\n";
  o << "business_customer_alternative_authentication = "
    << boolean(p.business_customer_alternative_authentication) << "\n";
  o << "service_initiation_days = " << p.service_initiation_days << "\n\n";
  o << "[breach]\n";
  o << "agency_notice = " << days(p.breach_agency_notice) << "\n";
  o << "customer_wait = " << days(p.breach_customer_wait) << "\n";
  o << "urgent_notice_requires_agency_consultation = "
    << boolean(p.breach_urgent_notice_requires_agency_consultation) << "\n";
  o << "customer_deadline = " << days(p.breach_customer_deadline) << "\n";
  o << "record_retention_years = " << p.breach_record_years << "\n\n";
  o << "[safeguards]\n";
  o << "opt_mechanism_failure_notice = " << days(p.opt_mechanism_failure_notice) << "\n";
  o << "campaign_record_years = " << p.campaign_record_years << "\n";
  o << "supervisory_record_years = " << p.supervisory_record_years << "\n";
  o << "outbound_marketing_approver = " << quote(p.outbound_marketing_approver) << "\n";
  o << "training_at_hire = " << boolean(p.training_at_hire) << "\n";
  o << "training_interval_months = " << p.training_interval_months << "\n";
  o << "account_change_notice = \"immediate\"\n\n";
  o << "[sim_change]\n";
  o << "wireless_provider = " << boolean(p.wireless_provider) << "\n";
  o << "protections = " << boolean(p.sim_protections) << "\n";
  o << "failed_attempts = " << p.sim_failed_attempts << "\n";
  o << "failed_window_hours = " << p.sim_failed_window_hours << "\n";
  o << "refusal_hours = " << p.sim_refusal_hours << "\n";
  o << "record_years = " << p.sim_record_years << "\n\n";
  o << "[calendar]\n";
  o << "inauguration_day = " << boolean(p.inauguration_day) << "\n";
  o << "extra_closures = [";
  for (size_t i = 0; i < p.extra_closures.size(); ++i) {
    o << (i ? ", " : "") << p.extra_closures[i].ToString();
  }
  o << "]\n";
  return o.str();
}

}  // namespace proprio::rules
