#include "rules/s2009_certification.h"

#include <array>

namespace proprio::rules {

namespace {

// Spelled-out small numbers, as the seed writes "seven (7) days".
std::string Days(const DayCount& d) {
  static constexpr std::array<const char*, 11> kWords = {
      "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"};
  std::string n = std::to_string(d.days);
  const char* word = nullptr;
  if (d.days >= 0 && d.days < static_cast<int>(kWords.size())) word = kWords[static_cast<size_t>(d.days)];
  if (d.days == 14) word = "fourteen";
  if (d.days == 30) word = "thirty";
  if (word != nullptr) n = std::string(word) + " (" + n + ")";
  return n + (d.unit == DayUnit::kBusiness ? " business" : "") + (d.days == 1 ? " day" : " days");
}

std::string Years(int years) {
  return std::to_string(years) + (years == 1 ? " year" : " years");
}

}  // namespace

CivilDate CertificationDueDate(int year) {
  // 64.2009(e): "on or before March 1"; 1.4(e)(1) holidays are weekends and
  // federal legal holidays, and 1.4(j) moves a period ending on one to the
  // next business day.
  const MonthDay due = SafeguardRules{}.certification_due;
  CivilDate d{year + 1, due.month, due.day};
  while (d.Weekday() == 0 || d.Weekday() == 6 || !ObservedHolidayName(d).empty()) {
    d = d.AddDays(1);
  }
  return d;
}

Status ValidateCertificationYear(int year, CivilDate today) {
  if (year < kFirstCertificationYear) {
    return Status::InvalidArgument("year " + std::to_string(year) +
                                       " is before the first certification year (" +
                                       std::to_string(kFirstCertificationYear) + ", " +
                                       std::string(kCertificationCitation) + ")",
                                   "year");
  }
  if (year >= today.year) {
    return Status::InvalidArgument(
        "year " + std::to_string(year) +
            " has not ended: a certification covers a past calendar year (" +
            std::string(kCertificationCitation) + "); the latest is " +
            std::to_string(today.year - 1),
        "year");
  }
  return Status::Ok();
}

const char* ComplaintCategoryName(ComplaintCategory c) {
  switch (c) {
    case ComplaintCategory::kEmployeeAccess: return "employee_access";
    case ComplaintCategory::kUnauthorizedDisclosure: return "unauthorized_disclosure";
    case ComplaintCategory::kOnlineAccess: return "online_access";
    case ComplaintCategory::kOther: return "other";
  }
  return "other";
}

const char* ComplaintCategoryTitle(ComplaintCategory c) {
  switch (c) {
    case ComplaintCategory::kEmployeeAccess: return "Instances of improper access by employees";
    case ComplaintCategory::kUnauthorizedDisclosure:
      return "Instances of improper disclosure to individuals not authorized to receive the "
             "information";
    case ComplaintCategory::kOnlineAccess:
      return "Instances of improper access to online information by individuals not authorized "
             "to view the information";
    case ComplaintCategory::kOther: return "Other complaints concerning unauthorized release of CPNI";
  }
  return "";
}

Result<ComplaintCategory> ParseComplaintCategory(std::string_view name) {
  for (int i = 0; i < kComplaintCategoryCount; ++i) {
    const auto c = static_cast<ComplaintCategory>(i);
    if (name == ComplaintCategoryName(c)) return c;
  }
  return Status::InvalidArgument(
      "unknown complaint category '" + std::string(name) +
          "' (one of employee_access, unauthorized_disclosure, online_access, other)",
      "category");
}

const char* BrokerForumName(BrokerForum f) {
  switch (f) {
    case BrokerForum::kCourt: return "court";
    case BrokerForum::kStateCommission: return "state_commission";
    case BrokerForum::kFcc: return "fcc";
  }
  return "court";
}

const char* BrokerForumTitle(BrokerForum f) {
  switch (f) {
    case BrokerForum::kCourt: return "a court";
    case BrokerForum::kStateCommission: return "a state commission";
    case BrokerForum::kFcc: return "the Federal Communications Commission";
  }
  return "";
}

Result<BrokerForum> ParseBrokerForum(std::string_view name) {
  for (BrokerForum f : {BrokerForum::kCourt, BrokerForum::kStateCommission, BrokerForum::kFcc}) {
    if (name == BrokerForumName(f)) return f;
  }
  return Status::InvalidArgument(
      "unknown forum '" + std::string(name) + "' (one of court, state_commission, fcc)", "forum");
}

std::optional<CivilDate> TrainingDueOn(const Policy& policy, CivilDate hired_on,
                                       std::optional<CivilDate> last_completed) {
  if (!last_completed) {
    if (!policy.training_at_hire && policy.training_interval_months <= 0) return std::nullopt;
    // Due at hire; an unknown hire date makes it due from the start of time.
    return hired_on.Valid() ? hired_on : CivilDate{1970, 1, 1};
  }
  if (policy.training_interval_months <= 0) return std::nullopt;
  int month = last_completed->month - 1 + policy.training_interval_months;
  const int year = last_completed->year + month / 12;
  month = month % 12 + 1;
  // The same day of the month, or the month's last day (a course taken on
  // January 31 with a one-month interval is due February 28 or 29).
  const int day = std::min(last_completed->day, DaysInMonth(year, month));
  return CivilDate{year, month, day};
}

std::vector<CertificationGap> CertificationGaps(const CertificationFacts& f) {
  std::vector<CertificationGap> gaps;
  const std::string cert(kCertificationCitation);
  if (f.signatory_officers == 0) {
    gaps.push_back({"officer", cert,
                    "no officer of the carrier is named as signatory: add one with "
                    "`proprio carrier officer` (the certificate is signed by an officer)"});
  }
  if (!f.policy_set) {
    gaps.push_back({"policy", cert,
                    "the carrier has never set a CPNI policy: the accompanying statement is "
                    "written from it (`proprio policy set`)"});
  }
  if (f.staff_training_overdue > 0) {
    gaps.push_back({"training", std::string(kTrainingCitation),
                    std::to_string(f.staff_training_overdue) +
                        (f.staff_training_overdue == 1 ? " staff member is" : " staff members are") +
                        " overdue for CPNI training (`proprio training due`)"});
  }
  if (f.sim_training_applies && f.sim_training_missing > 0) {
    gaps.push_back({"sim_training", std::string(kSimTrainingCitation),
                    std::to_string(f.sim_training_missing) +
                        (f.sim_training_missing == 1 ? " staff member who takes"
                                                     : " staff members who take") +
                        " customers' calls or visits " +
                        (f.sim_training_missing == 1 ? "has" : "have") +
                        " not completed training on SIM swap and port-out fraud (a course "
                        "with the topic sim_change: `proprio training course add --topic "
                        "sim_change`, then `proprio training record`)"});
  }
  if (f.breach_cases_overdue > 0) {
    gaps.push_back({"breach", "47 CFR 64.2011",
                    std::to_string(f.breach_cases_overdue) +
                        (f.breach_cases_overdue == 1 ? " breach case has" : " breach cases have") +
                        " a notice past its deadline (`proprio breach due`)"});
  }
  if (f.complaints_open > 0) {
    gaps.push_back({"complaints", cert,
                    std::to_string(f.complaints_open) +
                        (f.complaints_open == 1 ? " complaint of the year has" : " complaints of the year have") +
                        " no outcome recorded: the summary reports how each was resolved"});
  }
  if (!f.pretexter_summary) {
    gaps.push_back({"pretexters", cert,
                    "no person has summarised what the carrier learned of pretexters this year "
                    "(`proprio pretexter review`)"});
  }
  if (f.already_signed) {
    gaps.push_back({"signed", cert,
                    "the certification for " + std::to_string(f.year) +
                        " is already signed: build a new one only to correct it"});
  }
  return gaps;
}

std::vector<StatementClause> AccompanyingStatement(std::string_view carrier, const Policy& p,
                                                   const RuleSet& rules) {
  const std::string name(carrier);
  std::vector<StatementClause> out;

  // Use of CPNI, and the uses that need no approval (64.2005, 47 U.S.C. 222(c)(1), (d)).
  {
    std::vector<std::string> listed;
    auto add = [&](Purpose purpose, const char* words) {
      if (p.uses_without_approval.Has(purpose)) listed.emplace_back(words);
    };
    add(Purpose::kInboundTelemarketing,
        "to provide inbound telemarketing, referral or administrative services during a "
        "customer-initiated call, with the customer's informed consent");
    add(Purpose::kMarketingSameCategory,
        "to market services within the categories of service to which the customer already "
        "subscribes");
    add(Purpose::kMarketingCpeInfoServices,
        "to market customer premises equipment and information services as 64.2005(b)(1) "
        "permits");
    add(Purpose::kMarketingAdjunctToBasic, "to market services formerly known as adjunct-to-basic");
    add(Purpose::kInsideWiring, "to provide inside wiring installation, maintenance and repair");
    add(Purpose::kCmrsHealthResearch, "to conduct research on the health effects of CMRS");
    std::string text =
        name +
        " uses, discloses and permits access to CPNI only as the law permits. Without customer "
        "approval it uses CPNI to initiate, render, maintain, repair, bill and collect for its "
        "services, and to protect its rights and property and its customers and other carriers "
        "from fraudulent, abusive or unlawful use of, or subscription to, those services";
    // "...; a; b; and c."
    for (size_t i = 0; i < listed.size(); ++i) {
      text += (i + 1 == listed.size() ? "; and " : "; ") + listed[i];
    }
    text += ".";
    text += " For any other use it first obtains the customer's approval";
    text += p.approval_mode == ApprovalMode::kOptInOnly
                ? ", and it seeks opt-in approval in every case."
                : ", by opt-in or, where the rules allow, opt-out approval.";
    out.push_back({"Use of CPNI", text,
                   {"47 U.S.C. 222(c)(1), (d)", "47 CFR 64.2005", "47 CFR 64.2007(b)"}});
  }

  // Approval and notices (64.2007, 64.2008, 64.2009(a)).
  out.push_back(
      {"Customer approval and notices",
       name + " notifies each customer of the right to restrict use of, disclosure of and access "
              "to CPNI before soliciting approval, individually and with the content 47 CFR "
              "64.2008(c) requires. A customer's approval or disapproval remains in effect until "
              "the customer revokes or limits it. Records of approvals are kept for at least " +
           Years(p.approval_record_years) + " and records of notices for at least " +
           Years(p.notice_record_years) +
           ". Its system establishes the status of a customer's approval before CPNI is used, "
           "and every decision to use CPNI is taken against that status and recorded.",
       {"47 CFR 64.2007(a)", "47 CFR 64.2008", "47 CFR 64.2009(a)"}});

  // Training and discipline (64.2009(b)).
  {
    std::string when = p.training_at_hire ? "upon employment" : "";
    if (p.training_interval_months > 0) {
      const std::string every = p.training_interval_months == 12
                                    ? "annually"
                                    : "every " + std::to_string(p.training_interval_months) +
                                          " months";
      when += (when.empty() ? "" : " and ") + every + " thereafter";
    }
    if (when.empty()) when = "as the carrier directs";
    out.push_back({"Training and discipline",
                   "All employees are trained as to when they are, and are not, authorized to use "
                   "CPNI, " + when +
                       ", and acknowledge the carrier's CPNI procedures. " + name +
                       " has an express disciplinary process for violations, and records each "
                       "action taken.",
                   {std::string(kTrainingCitation)}});
  }

  // Release of CPNI: telephone, online, in store, account changes, business customers.
  {
    std::string text =
        std::string(p.phone_requires_password_for_all_cpni ? "Personnel release no CPNI"
                                                           : "Personnel release no call detail "
                                                             "information") +
        " on a customer-initiated telephone call unless the customer gives a pre-established "
        "password, or the information is sent to the customer's address of record, or the "
        "carrier calls the customer's telephone number of record. Online access requires a "
        "password established without biographical or account information, and in-store "
        "access a valid government-issued photo identification. Customers are notified "
        "immediately of changes to a password, back-up question, online account or address "
        "of record, at contact information of record.";
    if (p.business_customer_alternative_authentication) {
      text += " Business customers with a dedicated account representative and a contract that "
              "addresses the protection of CPNI may agree other authentication procedures.";
    }
    out.push_back({"Safeguards on the release of CPNI", text,
                   {"47 CFR 64.2010(b)", "47 CFR 64.2010(c)", "47 CFR 64.2010(d)",
                    "47 CFR 64.2010(f)", "47 CFR 64.2010(g)"}});
  }

  // Disclosure to others (64.2007(b), 222(c)(2), third parties).
  {
    std::string text;
    if (p.jv_contractor_requires_confidentiality_agreement || p.jv_contractor_requires_opt_in) {
      text += "Before joint venturers or independent contractors receive individually "
              "identifiable CPNI, " + name + " requires ";
      if (p.jv_contractor_requires_confidentiality_agreement) {
        text += "a confidentiality agreement that ensures compliance with these procedures";
      }
      if (p.jv_contractor_requires_opt_in) {
        text += std::string(p.jv_contractor_requires_confidentiality_agreement ? " and " : "") +
                "the customer's opt-in approval";
      }
      text += ". ";
    } else {
      text += "Joint venturers and independent contractors receive CPNI only with the customer's "
              "opt-in approval and under a confidentiality agreement, as 47 CFR 64.2007(b) "
              "requires. ";
    }
    if (p.agent_requires_limited_use_certification) {
      text += "Dealers and agents acknowledge and certify that they use CPNI only for the "
              "purpose for which it was provided. ";
    }
    if (p.new_carrier_requires_written_authorization) {
      text += "CPNI is given to a new carrier only on the customer's express written "
              "authorization, except as the law otherwise requires. ";
    }
    text += p.third_parties == ThirdPartySharing::kNever
                ? name + " does not market, share or otherwise sell CPNI to any third party."
                : name + " discloses CPNI to third parties only with the customer's opt-in "
                         "approval.";
    out.push_back({"Disclosure to others", text,
                   {"47 CFR 64.2007(b)", "47 U.S.C. 222(c)(2)", "47 CFR 64.2009(c)"}});
  }

  // Campaigns and supervisory review (64.2009(c), (d)).
  {
    // The approver the policy names, as the seed words it ("The General Counsel").
    std::string approver = "a supervisor";
    if (p.outbound_marketing_approver == "general_counsel") approver = "the General Counsel";
    else if (p.outbound_marketing_approver == "compliance_officer") {
      approver = "the compliance officer";
    } else if (!p.outbound_marketing_approver.empty() && p.outbound_marketing_approver != "supervisor") {
      approver = "a member of staff in the " + p.outbound_marketing_approver + " role";
      for (char& c : approver) c = c == '_' ? ' ' : c;
    }
    out.push_back({"Marketing campaigns and supervisory review",
                   name + " keeps a record of its own and its affiliates' sales and marketing "
                          "campaigns that use CPNI, with a description of each campaign, the "
                          "specific CPNI used and the products and services offered, and of every "
                          "disclosure of or access to CPNI given to third parties, for at least " +
                       Years(p.campaign_record_years) +
                       ". Sales personnel obtain the express approval of " + approver +
                       " before any outbound marketing request for customer approval; compliance "
                       "records of that review are kept for at least " +
                       Years(p.supervisory_record_years) + ".",
                   {"47 CFR 64.2009(c)", "47 CFR 64.2009(d)"}});
  }

  // Breach notification (64.2011 in force for the year).
  {
    const BreachRules& b = rules.breach;
    std::string text;
    if (b.regime == BreachRegime::k2024) {
      text = "When a breach of customer information occurs, " + name +
             " notifies the Commission, the United States Secret Service and the Federal Bureau "
             "of Investigation within " + Days(p.breach_agency_notice) +
             " after reasonably determining it, and notifies affected customers without "
             "unreasonable delay and within " +
             Days(b.customer_deadline.value_or(p.breach_customer_deadline)) +
             ", unless law enforcement asks for a delay or no harm is reasonably likely.";
    } else {
      text = "If a breach of CPNI occurs, " + name +
             " notifies the United States Secret Service and the Federal Bureau of Investigation "
             "within " + Days(p.breach_agency_notice) +
             " after reasonably determining it, and waits a further " +
             Days(p.breach_customer_wait) +
             " after that notice before notifying affected customers, unless it determines there "
             "is an immediate risk of irreparable harm to them.";
    }
    text += " Records of breaches and notices are kept for at least " +
            Years(p.breach_record_years) + ".";
    out.push_back({"Breach of CPNI", text, {std::string(b.citation)}});
  }

  // Opt-out mechanism failures (64.2009(f)).
  out.push_back({"Failure of approval mechanisms",
                 name + " gives the Commission written notice within " +
                     Days(p.opt_mechanism_failure_notice) +
                     " of any instance where its opt-out mechanisms do not work properly to such "
                     "a degree that customers' inability to opt out is more than an anomaly.",
                 {"47 CFR 64.2009(f)"}});
  return out;
}

std::string OfficerCertificationText(std::string_view officer_name, std::string_view carrier) {
  return "I, " + std::string(officer_name) + ", certify that I am an officer of " +
         std::string(carrier) +
         ", and acting as an agent of the company, that I have personal knowledge that the "
         "company has established operating procedures that are adequate to ensure compliance "
         "with the Commission's CPNI rules. See 47 C.F.R. § 64.2001 et seq.";
}

}  // namespace proprio::rules
