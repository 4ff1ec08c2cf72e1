// rules/paragraphs.cc: the registry of paragraphs (rule tables of
// rule_set.cc joined with where each is enforced), citation parsing and the
// trace check.
#include "rules/paragraphs.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "rules/rule_set.h"

namespace proprio::rules {
namespace {

using E = Enforcement;

// Where each rule is enforced, by rule id of rule_set.cc. Only ids here: the
// citations and summaries come from the rule tables. Files are named from
// src/; 64.2010 and 64.2011 entries name functions (the services that hold
// them may move).
struct Where {
  std::string_view id;
  Enforcement enforcement;
  std::string_view where;
};

constexpr std::string_view kDefinition =
    "no code needed: definition (applied by the paragraphs that use the term)";

constexpr Where kGeneralWhere[] = {
    {"statute.provide_service", E::kEnforced, "rules/decide.cc Decide (provide_service, required_by_law)"},
    {"statute.customer_written_request", E::kEnforced,
     "rules/decide.cc Decide (the customer's written request on record); services/decisions.cc"},
    {"statute.billing", E::kEnforced, "rules/decide.cc Decide (billing_collection)"},
    {"statute.fraud", E::kEnforced, "rules/decide.cc Decide (fraud_protection)"},
    {"statute.inbound_telemarketing", E::kEnforced,
     "rules/decide.cc Decide (inbound call with the customer's approval on the call)"},
    {"statute.emergency", E::kEnforced, "rules/decide.cc Decide (emergency location)"},
    {"statute.cpni_definition", E::kNoCodeNeeded,
     "no code needed: definition (the CPNI kinds of rules/vocabulary.h CpniCategory follow it)"},
    {"basis_and_purpose", E::kNoCodeNeeded, "no code needed: statement of basis and purpose"},
    {"definitions", E::kNoCodeNeeded, "no code needed: definitions, paragraphs (a)-(r)"},
    {"definitions.account_information", E::kNoCodeNeeded, kDefinition},
    {"definitions.address_of_record", E::kEnforced,
     "rules/address_of_record.cc IsAddressOfRecord, AddressOfRecordFrom (30 days); "
     "services/customer_update.cc, services/notifications.cc"},
    {"definitions.affiliate", E::kNoCodeNeeded, kDefinition},
    {"definitions.call_detail", E::kNoCodeNeeded, kDefinition},
    {"definitions.communications_related", E::kNoCodeNeeded, kDefinition},
    {"definitions.customer", E::kEnforced,
     "rules/decide.cc Decide (a former customer is not a customer); services/customer_update.cc "
     "CloseCustomer; services/approval_index.cc"},
    {"definitions.cpni", E::kNoCodeNeeded, kDefinition},
    {"definitions.cpe", E::kNoCodeNeeded, kDefinition},
    {"definitions.information_services", E::kNoCodeNeeded, kDefinition},
    {"definitions.lec", E::kNoCodeNeeded, kDefinition},
    {"definitions.opt_in", E::kNoCodeNeeded, kDefinition},
    {"definitions.opt_out", E::kNoCodeNeeded, kDefinition},
    {"definitions.biographical", E::kNoCodeNeeded, kDefinition},
    {"definitions.subscriber_list", E::kNoCodeNeeded, kDefinition},
    {"definitions.carrier", E::kNoCodeNeeded, kDefinition},
    {"definitions.telecommunications_service", E::kNoCodeNeeded, kDefinition},
    {"definitions.telephone_number_of_record", E::kNoCodeNeeded, kDefinition},
    {"definitions.valid_photo_id", E::kNoCodeNeeded, kDefinition},
    {"use.category_of_service", E::kEnforced,
     "rules/decide.cc Decide, LegalCategory (total service approach)"},
    {"use.affiliates.multi_category", E::kEnforced, "rules/decide.cc Decide (affiliate recipients)"},
    {"use.affiliates.single_category", E::kEnforced, "rules/decide.cc Decide (affiliate recipients)"},
    {"use.other_category", E::kEnforced, "rules/decide.cc Decide, LegalCategory"},
    {"use.cpe_information_services", E::kEnforced, "rules/decide.cc LegalCategory, CpeInfoException"},
    {"use.no_tracking_competitors", E::kEnforced,
     "rules/decide.cc Decide (track_competitor_callers); rules/policy.cc ValidatePolicy"},
    {"use.inside_wiring", E::kEnforced, "rules/decide.cc Decide (inside_wiring)"},
    {"use.cmrs_health_research", E::kEnforced, "rules/decide.cc Decide (cmrs_health_research)"},
    {"use.adjunct_to_basic", E::kEnforced, "rules/decide.cc LegalCategory (adjunct_to_basic)"},
    {"use.fraud_protection", E::kEnforced, "rules/decide.cc Decide (fraud_protection)"},
    {"approval.methods", E::kEnforced,
     "rules/approval.cc ValidateApprovalEvent (written, oral, electronic channels)"},
    {"approval.oral_burden", E::kEnforced,
     "rules/approval.cc CheckEvidence (oral approval needs evidence); services/consent.cc RecordConsent"},
    {"approval.duration", E::kEnforced, "rules/approval.cc ApprovalRecord::Apply, DeriveStatus; rules/decide.cc Decide"},
    {"approval.records", E::kEnforced,
     "rules/approval.cc ApprovalRecordRetainUntil; services/consent.cc RecordConsent; rules/policy.cc FloorViolations"},
    {"approval.opt_out_scope", E::kEnforced,
     "rules/decide.cc Decide (opt-out vs opt-in scopes); rules/approval.cc; "
     "rules/decide_partners.cc PartnerCheck (a named recipient is a registered partner of its kind)"},
    {"approval.jv_contractor_agreement", E::kEnforced,
     "rules/decide_partners.cc PartnerCheck (agreement in force on the day); "
     "rules/s2007_partners.cc CheckConfidentialityAgreement (three terms, dates); "
     "services/partners.cc RecordAgreement"},
    {"notice.before_solicitation", E::kEnforced,
     "rules/approval.cc NeedsNoticeOnFile; services/consent.cc RecordConsent"},
    {"notice.records", E::kEnforced, "services/notices.cc SendNotice (notice recipients kept); rules/policy.cc FloorViolations"},
    {"notice.individual", E::kEnforced, "services/notices.cc SendNotice (one notice per customer)"},
    {"notice.content", E::kEnforced, "rules/approval.cc CheckNoticeTemplate, items (c)(1)-(c)(10)"},
    {"notice.content.informed_decision", E::kEnforced, "rules/approval.cc CheckNoticeTemplate"},
    {"notice.content.what_who_why", E::kEnforced, "rules/approval.cc CheckNoticeTemplate"},
    {"notice.content.steps_and_no_effect", E::kEnforced, "rules/approval.cc CheckNoticeTemplate"},
    {"notice.content.comprehensible", E::kEnforced, "rules/approval.cc CheckNoticeTemplate"},
    {"notice.content.legible", E::kEnforced, "rules/approval.cc CheckNoticeTemplate (written notices)"},
    {"notice.content.translated", E::kEnforced, "rules/approval.cc CheckNoticeTemplate"},
    {"notice.content.may_state", E::kNoCodeNeeded,
     "no code needed: a permission (what a notice may say); nothing to check"},
    {"notice.content.no_freeze_encouragement", E::kEnforced, "rules/approval.cc CheckNoticeTemplate"},
    {"notice.content.valid_until_revoked", E::kEnforced, "rules/approval.cc CheckNoticeTemplate"},
    {"notice.content.proximate", E::kEnforced, "rules/approval.cc CheckNoticeTemplate"},
    {"notice.opt_out.channel", E::kEnforced,
     "rules/approval.cc ValidateApprovalEvent, ApprovalRecord::Apply (no oral opt-out notice)"},
    {"notice.opt_out.wait", E::kEnforced,
     "rules/approval.cc ApprovalRecord::Apply (30 days); CheckNoticeTemplate (stated period); rules/policy.cc"},
    {"notice.opt_out.wait_electronic", E::kEnforced, "rules/approval.cc ApprovalRecord::Apply"},
    {"notice.opt_out.wait_mail", E::kEnforced, "rules/approval.cc ApprovalRecord::Apply (mail + 3 days)"},
    {"notice.opt_out.renewal", E::kEnforced,
     "rules/approval.cc ApprovalRecord::Apply, StatusAt (lapse); rules/decide.cc; services/approval_index.cc"},
    {"notice.opt_out.email", E::kEnforced, "rules/approval.cc ValidateApprovalEvent, CheckNoticeTemplate"},
    {"notice.opt_out.email.consent", E::kEnforced, "rules/approval.cc ValidateApprovalEvent"},
    {"notice.opt_out.email.reply", E::kEnforced, "rules/approval.cc CheckNoticeTemplate"},
    {"notice.opt_out.email.bounced", E::kEnforced, "rules/approval.cc ApprovalRecord::Apply; services/consent.cc"},
    {"notice.opt_out.email.subject", E::kEnforced, "rules/approval.cc CheckNoticeTemplate"},
    {"notice.opt_out.email.no_cost_24x7", E::kEnforced, "rules/approval.cc CheckNoticeTemplate"},
    {"notice.opt_in", E::kEnforced, "rules/approval.cc ValidateApprovalEvent; services/consent.cc RecordConsent"},
    {"notice.one_time", E::kEnforced, "rules/approval.cc; rules/decide.cc Decide (one-time use on a call)"},
    {"notice.one_time.oral", E::kEnforced,
     "rules/approval.cc ValidateApprovalEvent (oral notice for one-time use only)"},
    {"notice.one_time.content", E::kEnforced, "rules/approval.cc CheckNoticeTemplate (one-time kind)"},
    {"notice.one_time.omit_prior_opt_out", E::kNoCodeNeeded,
     "no code needed: leave to omit a statement the notice checklist does not require"},
    {"notice.one_time.omit_recipients", E::kEnforced, "rules/approval.cc CheckNoticeTemplate"},
    {"notice.one_time.omit_withdrawal", E::kEnforced, "rules/approval.cc CheckNoticeTemplate"},
    {"notice.one_time.omit_steps", E::kEnforced, "rules/approval.cc CheckNoticeTemplate"},
    {"safeguards.status_system", E::kEnforced,
     "rules/decide.cc Decide (approval status before use); services/approval_index.cc"},
    {"safeguards.training", E::kEnforced,
     "rules/s2009_certification.cc TrainingDueOn, CertificationGaps; services/certification.cc"},
    {"safeguards.campaign_records", E::kEnforced,
     "rules/s2009_campaigns.cc CampaignRecordsKeptUntil, CheckCampaignDates; "
     "services/campaigns.cc AddCampaign, AttachCampaignResult, ExportAudience (one record and "
     "ledger entry per export); rules/policy.cc FloorViolations (records kept >= 1 year)"},
    {"safeguards.supervisory_review", E::kEnforced,
     "rules/s2009_campaigns.cc NextCampaignState, CheckCampaignReviewer (the policy's approver, "
     "never the author), CampaignMayReachCustomers; services/campaigns.cc StepCampaign, "
     "ComputeAudience; rules/policy.cc FloorViolations (records kept >= 1 year)"},
    {"safeguards.certification", E::kEnforced,
     "rules/s2009_certification.cc CertificationDueDate, CertificationGaps; services/certification.cc "
     "BuildCertification, SignCertification; report/certification_document.cc"},
    {"safeguards.opt_out_failure", E::kEnforced,
     "rules/s2009_opt_out_failure.cc ComputeOptOutFailureClock (5 business days), "
     "rules/policy.cc FloorViolations; services/opt_out_failures.cc records incidents and the "
     "FCC letter (report/opt_out_failure_notice.cc)"},
    {"safeguards.opt_out_failure.contents", E::kEnforced,
     "rules/s2009_opt_out_failure.cc CheckOptOutFailureNotice (every item of the letter)"},
    {"safeguards.opt_out_failure.other_methods", E::kEnforced,
     "rules/s2009_opt_out_failure.cc: the notice is owed even when other opt-out methods work"},
    {"disclosure.safeguards", E::kEnforced,
     "services customer_auth OpenVerification, SessionAuthenticated, pretexting flags; rules/decide.cc "
     "Decide (authenticated context)"},
    {"disclosure.telephone", E::kEnforced,
     "services customer_auth VerifyCallerPassword, RecordCallerStatedCallDetail, RecordCallBack, "
     "ReleaseToAddressOfRecord; rules/decide.cc Decide"},
    {"disclosure.online", E::kEnforced, "services customer_auth SetOnlineAccount, OnlineSignIn"},
    {"disclosure.in_store", E::kEnforced, "services customer_auth RecordPhotoId; rules/decide.cc Decide"},
    {"disclosure.passwords", E::kEnforced,
     "services customer_auth SetCpniPassword, SetBackupAuthentication, CheckBackupQuestion, "
     "ResetPasswordOnline"},
    {"disclosure.account_change_notice", E::kEnforced,
     "services notifications QueueAccountChangeNotices, DeliverDueNotifications"},
    {"disclosure.business_customers", E::kEnforced,
     "services customer_auth RecordBusinessAlternative; rules/decide.cc Decide"},
};

constexpr Where kBreach2007Where[] = {
    {"breach.law_enforcement_first", E::kEnforced, "rules/breach_obligations.cc ComputeBreachClock, CheckCustomerNotice"},
    {"breach.agency_notice", E::kEnforced, "rules/breach_obligations.cc ComputeBreachClock, RequiredAgencies"},
    {"breach.customer_wait", E::kEnforced, "rules/breach_obligations.cc ComputeBreachClock, WaitEndsAfter"},
    {"breach.urgent_need", E::kEnforced,
     "rules/breach_obligations.cc ComputeBreachClock; services breach RecordBreachAction (consultation)"},
    {"breach.agency_delay", E::kEnforced, "rules/breach_obligations.cc ComputeBreachClock; services breach RecordBreachAction"},
    {"breach.customer_notice", E::kEnforced, "rules/breach_obligations.cc ComputeBreachClock; services breach PrepareBreachLetters"},
    {"breach.records", E::kEnforced, "services breach OpenBreach, EraseBreachRecords (2 years)"},
    {"breach.definition", E::kEnforced, "services breach OpenBreach (what is a breach)"},
};

constexpr Where kBreach2024Where[] = {
    {"breach.agency_notice", E::kEnforced,
     "rules/breach_obligations.cc ComputeBreachClock, RequiredAgencies (FCC, USSS, FBI)"},
    {"breach.agency_report_contents", E::kEnforced, "report/breach_documents.cc (agency report); services breach BreachDocumentFacts"},
    {"breach.agency_delay", E::kEnforced, "rules/breach_obligations.cc ComputeBreachClock; services breach RecordBreachAction"},
    {"breach.threshold", E::kEnforced,
     "rules/breach_obligations.cc SmallNoHarmBreach, ComputeBreachClock; services breach BreachAnnualSummary"},
    {"breach.customer_notice", E::kEnforced,
     "rules/breach_obligations.cc ComputeBreachClock, CheckCustomerNotice (30 days, harm-based exception)"},
    {"breach.records", E::kEnforced, "services breach OpenBreach, EraseBreachRecords (2 years)"},
    {"breach.definition", E::kEnforced, "services breach OpenBreach (covered data, inadvertent breaches)"},
};

// 64.2010(h) (FCC 23-95, 2023): numbering CONFIRM (rules/rule_set.cc kSimChange).
constexpr Where kSimChangeWhere[] = {
    {"sim_change", E::kEnforced,
     "rules/policy.cc FloorViolations (sim_change.protections: wireless providers may not turn "
     "it off); rules/s2010h_sim_change.cc DecideSimRequest (not_applicable otherwise); "
     "rules/rule_set.cc RuleSet::SimChangeInForce (sim_change_compliance)"},
    {"sim_change.authentication", E::kEnforced,
     "rules/s2010h_sim_change.cc SecureSimMethod, DecideSimRequest; services sim_requests "
     "RequestSimChange (methods from the verification session of services customer_auth)"},
    {"sim_change.failed_attempts", E::kEnforced,
     "rules/s2010h_sim_change.cc FailedAttemptsRefusedUntil, DecideSimRequest; services "
     "sim_requests RequestSimChange (refused requests and failed secret or photo ID checks, "
     "store Tx::FailedAuthenticationChecksSince, counted per customer; one notice per refusal); "
     "rules/policy.cc [sim_change] failed_attempts, failed_window_hours, refusal_hours"},
    {"sim_change.notice", E::kEnforced,
     "rules/s2010h_sim_change.cc DecideSimRequest (notify, refused_no_contact); services "
     "sim_requests RequestSimChange through services notifications QueueAccountChangeNotices "
     "(contact of record, no CPNI)"},
    {"sim_change.lock", E::kEnforced,
     "rules/s2010h_sim_change.cc CheckSimLockChange, DecideSimRequest (refused_locked); services "
     "sim_requests SetSimLock"},
    {"sim_change.records", E::kEnforced,
     "rules/s2010h_sim_change.cc SimRecordsKeptUntil; rules/policy.cc FloorViolations "
     "(sim_change.record_years >= 3); services sim_requests RequestSimChange, SetSimLock (a record "
     "and a ledger entry each)"},
    {"sim_change.employee_access", E::kEnforced,
     "rules/s2010h_sim_change.cc CpniClosedBeforeAuthentication; services customer_auth "
     "DecisionContextForSession (a session with a SIM request opens no CPNI before "
     "authentication, not even stated call detail); services sim_requests RequestSimChange "
     "(answers carry no CPNI)"},
    {"sim_change.training", E::kEnforced,
     "rules/s2009_certification.cc CertificationGaps (gap sim_training); services certification "
     "PrepareCertification (active CSRs and supervisors without a course of topic sim_change, "
     "once the rules are in force by the year's end; migration 0016 training_courses.topics)"},
    {"sim_change.other", E::kNotEnforced,
     "not enforced yet: the paragraph's text was not available (CONFIRM against the eCFR)"},
};

const Where* FindWhere(std::span<const Where> table, std::string_view id) {
  for (const Where& w : table) {
    if (w.id == id) return &w;
  }
  return nullptr;
}

void AddAll(std::vector<Paragraph>& out, std::span<const Rule> rules, std::span<const Where> where,
            std::string_view text, std::vector<std::string_view> sets, std::string_view in_force) {
  for (const Rule& r : rules) {
    Paragraph p;
    p.id = r.id;
    p.citation = r.citation;
    p.summary = r.summary;
    p.text = text;
    p.rule_sets = sets;
    p.in_force = in_force;
    const Where* w = FindWhere(where, r.id);
    // A rule without an entry is listed as not enforced, never as enforced:
    // rules_trace_test names it (EveryRuleSaysWhereItIsEnforced).
    p.enforcement = w != nullptr ? w->enforcement : E::kNotEnforced;
    p.where = w != nullptr ? w->where : std::string_view("not enforced yet: no entry in rules/paragraphs.cc");
    out.push_back(std::move(p));
  }
}

bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsRoman(std::string_view s) {
  return !s.empty() && s.size() <= 5 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c == 'i' || c == 'v' || c == 'x'; });
}
bool IsIdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

// The level of a paragraph designation: CFR (a)(1)(i), statute (c)(1)(A).
// Level 0: one lowercase letter (or a doubled one); 1: digits; 2: roman
// numerals (CFR only).
bool FitsLevel(std::string_view tok, size_t level, bool statute) {
  if (tok.empty()) return false;
  switch (level) {
    case 0:
      return std::all_of(tok.begin(), tok.end(), IsLower) &&
             (tok.size() == 1 || (tok.size() == 2 && tok[0] == tok[1]));
    case 1:
      return tok.size() <= 2 && std::all_of(tok.begin(), tok.end(), IsDigit);
    case 2:
      return !statute && IsRoman(tok);
    default:
      return false;
  }
}

std::string Join(bool statute, std::string_view section, const std::vector<std::string>& parts) {
  std::string out = statute ? "47 U.S.C. " : "47 CFR ";
  out += section;
  for (const std::string& p : parts) out += "(" + p + ")";
  return out;
}

// At text[i]: "(x)(y)..." groups that fit the levels. Returns the groups and
// moves i past them.
std::vector<std::string> ParseGroups(std::string_view text, size_t& i, bool statute,
                                     size_t first_level = 0) {
  std::vector<std::string> parts;
  while (i < text.size() && text[i] == '(') {
    const size_t close = text.find(')', i);
    if (close == std::string_view::npos) break;
    const std::string_view tok = text.substr(i + 1, close - i - 1);
    if (!FitsLevel(tok, first_level + parts.size(), statute)) break;
    parts.emplace_back(tok);
    i = close + 1;
  }
  return parts;
}

// A section of Subpart U: "64.20NN" with NN in 01..11 (odd numbers and 10).
bool SubpartUSection(std::string_view s) {
  static const std::set<std::string_view> kSections = {"64.2001", "64.2003", "64.2005",
                                                       "64.2007", "64.2008", "64.2009",
                                                       "64.2010", "64.2011"};
  return kSections.count(s) > 0;
}

void AddCite(std::vector<std::string>& out, bool statute, std::string_view section,
             const std::vector<std::string>& parts) {
  out.push_back(Join(statute, section, parts));
}

// Every citation in `text` (strings, comments, identifiers), in order.
std::vector<std::string> CitationsIn(std::string_view text) {
  std::vector<std::string> out;
  const size_t n = text.size();
  for (size_t i = 0; i < n; ++i) {
    const char prev = i > 0 ? text[i - 1] : ' ';
    // Written form: 64.20NN(...) or 222(...).
    if (text.compare(i, 5, "64.20") == 0 && !IsDigit(prev) && prev != '.' && i + 7 <= n) {
      const std::string_view section = text.substr(i, 7);
      if (!SubpartUSection(section) || (i + 7 < n && IsDigit(text[i + 7]))) continue;
      size_t j = i + 7;
      // A range of sections names none of them.
      if (j + 1 < n && (text[j] == '-') && text.compare(j + 1, 3, "64.") == 0) {
        i = j + 8;
        continue;
      }
      std::vector<std::string> parts = ParseGroups(text, j, false);
      AddCite(out, false, section, parts);
      // "(d)(1)(i)-(ii)": the range's other end, at the last level.
      if (!parts.empty() && j + 1 < n && text[j] == '-' && text[j + 1] == '(') {
        size_t k = j + 1;
        std::vector<std::string> end = ParseGroups(text, k, false, parts.size() - 1);
        if (end.size() == 1) {
          parts.back() = end[0];
          AddCite(out, false, section, parts);
          j = k;
        }
      }
      i = j - 1;
      continue;
    }
    if (text.compare(i, 4, "222(") == 0 && !IsDigit(prev) && prev != '.' && prev != '-') {
      size_t j = i + 3;
      std::vector<std::string> parts = ParseGroups(text, j, true);
      if (!parts.empty()) AddCite(out, true, "222", parts);
      i = j - 1;
      continue;
    }
    // Identifier form: [prefix]64_20NN[_a_1_ii...] or [prefix]222_c_2.
    const bool ident_start = !IsDigit(prev);
    if (ident_start && text.compare(i, 5, "64_20") == 0 && i + 7 <= n) {
      const std::string section = "64." + std::string(text.substr(i + 3, 4));
      if (!SubpartUSection(section) || (i + 7 < n && IsDigit(text[i + 7]))) continue;
      size_t j = i + 7;
      std::vector<std::string> parts;
      while (j < n) {
        size_t k = j;
        if (text[k] == '_') ++k;
        size_t e = k;
        if (e < n && IsLower(text[e])) {
          while (e < n && IsLower(text[e])) ++e;
        } else {
          while (e < n && IsDigit(text[e])) ++e;
        }
        const std::string_view tok = text.substr(k, e - k);
        // The token must end the designation: next is '_', an uppercase
        // letter or the identifier's end.
        const bool ends = e >= n || text[e] == '_' || !IsIdentChar(text[e]) ||
                          std::isupper(static_cast<unsigned char>(text[e])) != 0;
        if (!ends || !FitsLevel(tok, parts.size(), false)) break;
        parts.emplace_back(tok);
        j = e;
      }
      AddCite(out, false, section, parts);
      i = j - 1;
      continue;
    }
    // "c222_c_2_...": a test name's prefix letter before the section.
    if (text.compare(i, 4, "222_") == 0 && i > 0 && std::isalpha(static_cast<unsigned char>(prev)) != 0) {
      size_t j = i + 3;
      std::vector<std::string> parts;
      while (j < n && text[j] == '_') {
        size_t k = j + 1;
        size_t e = k;
        if (e < n && IsLower(text[e])) {
          while (e < n && IsLower(text[e])) ++e;
        } else {
          while (e < n && IsDigit(text[e])) ++e;
        }
        const std::string_view tok = text.substr(k, e - k);
        const bool ends = e >= n || text[e] == '_' || !IsIdentChar(text[e]) ||
                          std::isupper(static_cast<unsigned char>(text[e])) != 0;
        if (!ends || !FitsLevel(tok, parts.size(), true)) break;
        parts.emplace_back(tok);
        j = e;
      }
      if (!parts.empty()) AddCite(out, true, "222", parts);
      i = j - 1;
      continue;
    }
  }
  return out;
}

// "TEST(Suite, Name)" and friends at `i`: the test's name, or empty.
std::string TestNameAt(std::string_view text, size_t i) {
  static constexpr std::string_view kMacros[] = {"TEST_F(", "TEST_P(", "TYPED_TEST(", "TEST(",
                                                 "INSTANTIATE_TEST_SUITE_P("};
  if (i > 0 && IsIdentChar(text[i - 1])) return "";
  for (std::string_view m : kMacros) {
    if (text.compare(i, m.size(), m) != 0) continue;
    const size_t close = text.find(')', i + m.size());
    const size_t comma = text.find(',', i + m.size());
    if (close == std::string_view::npos || comma == std::string_view::npos) return "";
    auto trim = [](std::string_view s) {
      while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) s.remove_prefix(1);
      while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) s.remove_suffix(1);
      return s;
    };
    const std::string_view a = trim(text.substr(i + m.size(), comma - i - m.size()));
    const size_t end2 = std::min(close, text.find(',', comma + 1));
    const std::string_view b = trim(text.substr(comma + 1, end2 - comma - 1));
    if (a.empty() || b.empty()) return "";
    if (m.starts_with("INSTANTIATE")) return std::string(a) + "/" + std::string(b);
    return std::string(a) + "." + std::string(b);
  }
  return "";
}

}  // namespace

const char* EnforcementName(Enforcement e) {
  switch (e) {
    case E::kEnforced:
      return "enforced";
    case E::kNoCodeNeeded:
      return "no code needed";
    case E::kNotEnforced:
      return "not enforced yet";
  }
  return "not enforced yet";
}

const std::vector<Paragraph>& Paragraphs() {
  static const std::vector<Paragraph>* all = [] {
    auto* out = new std::vector<Paragraph>;
    AddAll(*out, GeneralRules(), kGeneralWhere, "", {"fcc-2007", "fcc-2024"},
           "fcc-2007 from 2007-12-08; fcc-2024 from 2024-03-13");
    AddAll(*out, BreachRulesOf(BreachRegime::k2007), kBreach2007Where, "2007",
           {"fcc-2007", "fcc-2024"},
           "fcc-2007; fcc-2024 until the configured date of the amended 64.2011");
    AddAll(*out, BreachRulesOf(BreachRegime::k2024), kBreach2024Where, "2024", {"fcc-2024"},
           "fcc-2024 from the configured date of the amended 64.2011 (breach_2024_effective)");
    AddAll(*out, SimChangeRules(), kSimChangeWhere, "2023", {"fcc-2024"},
           "fcc-2024 from the configured compliance date (sim_change_compliance); FCC 23-95 took "
           "effect 2024-01-08 except (h)(2)-(6), (h)(8), awaiting PRA approval");
    return out;
  }();
  return *all;
}

std::optional<std::string> NormalizeCitation(std::string_view text) {
  std::string t;
  for (char c : text) {
    if (c != ' ' && c != '\t') t += c;
  }
  // Prefixes: "47CFR", "47C.F.R.", "47U.S.C.", "§" (UTF-8), "section".
  for (std::string_view p : {"47CFR", "47C.F.R.", "CFR", "C.F.R.", "47U.S.C.", "U.S.C.", "47USC",
                             "\xC2\xA7", "\xC2\xA7"}) {
    if (t.starts_with(p)) t.erase(0, p.size());
  }
  const std::vector<std::string> cites = CitationsIn(t);
  if (cites.size() != 1) return std::nullopt;
  // The whole text must be the citation, not one found inside it.
  const std::string& c = cites[0];
  const std::string body = c.substr(c.starts_with("47 CFR ") ? 7 : 10);
  if (body != t) return std::nullopt;
  return c;
}

bool CitationContains(std::string_view ancestor, std::string_view citation) {
  if (!citation.starts_with(ancestor)) return false;
  return citation.size() == ancestor.size() || citation[ancestor.size()] == '(';
}

std::vector<const Paragraph*> FindParagraphs(std::string_view citation) {
  std::vector<const Paragraph*> exact, under;
  for (const Paragraph& p : Paragraphs()) {
    if (p.citation == citation) exact.push_back(&p);
    else if (CitationContains(citation, p.citation)) under.push_back(&p);
  }
  return exact.empty() ? under : exact;
}

std::vector<ScannedCitation> ScanTestSource(std::string_view text) {
  // Segments: each test macro starts one; before the first, shared cases.
  std::vector<std::pair<size_t, std::string>> starts = {{0, "(shared cases)"}};
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != 'T' && text[i] != 'I') continue;
    std::string name = TestNameAt(text, i);
    if (!name.empty()) starts.emplace_back(i, std::move(name));
  }
  std::set<std::pair<std::string, std::string>> found;
  for (size_t s = 0; s < starts.size(); ++s) {
    const size_t begin = starts[s].first;
    const size_t end = s + 1 < starts.size() ? starts[s + 1].first : text.size();
    for (std::string& c : CitationsIn(text.substr(begin, end - begin))) {
      found.emplace(std::move(c), starts[s].second);
    }
  }
  std::vector<ScannedCitation> out;
  for (const auto& [c, t] : found) out.push_back({c, t});
  return out;
}

std::vector<std::string> TestsNaming(const Paragraph& p, std::span<const TestCitation> citations) {
  std::set<std::string> tests;
  for (const TestCitation& c : citations) {
    if (CitationContains(p.citation, c.citation)) {
      tests.insert(std::string(c.file) + ": " + std::string(c.test));
    }
  }
  return {tests.begin(), tests.end()};
}

std::vector<std::string> TraceProblems(std::span<const Paragraph> paragraphs,
                                       std::span<const TestCitation> citations) {
  std::vector<std::string> problems;
  for (const Paragraph& p : paragraphs) {
    if (p.enforcement != E::kEnforced) continue;
    const bool named = std::any_of(citations.begin(), citations.end(), [&](const TestCitation& c) {
      return CitationContains(p.citation, c.citation);
    });
    if (!named) {
      problems.push_back(std::string(p.citation) +
                         (p.text.empty() ? "" : " (" + std::string(p.text) + ")") +
                         " is enforced (" + std::string(p.where) + ") but no test names it");
    }
  }
  std::set<std::string> reported;
  for (const TestCitation& c : citations) {
    const bool known = std::any_of(paragraphs.begin(), paragraphs.end(), [&](const Paragraph& p) {
      return CitationContains(c.citation, p.citation);
    });
    const std::string line = std::string(c.file) + ": " + std::string(c.test) + " cites " +
                             std::string(c.citation) + ", which is not in the registry";
    if (!known && reported.insert(line).second) problems.push_back(line);
  }
  return problems;
}

}  // namespace proprio::rules
