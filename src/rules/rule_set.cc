// rules/rule_set.cc: the rule tables of fcc-2007 and fcc-2024, and the
// choice of the set in force at an instant.
#include "rules/rule_set.h"

#include <array>
#include <string>

#include "rules/tz.h"

namespace proprio::rules {
namespace {

constexpr CivilDate k2007 = kFcc2007Effective;

// 47 U.S.C. 222 and 47 CFR 64.2001-64.2010 as amended in 2007. Paragraphs the
// 2007 order did not change are listed with the set's date: that is when this
// version of the whole took effect.
constexpr Rule kGeneralRules[] = {
    {"statute.provide_service", "47 U.S.C. 222(c)(1)", k2007, false,
     "Without approval, CPNI only in providing the service it comes from or services "
     "necessary to it (including directories), and as required by law."},
    {"statute.customer_written_request", "47 U.S.C. 222(c)(2)", k2007, false,
     "Disclose CPNI on the customer's affirmative written request to any person the "
     "customer designates."},
    {"statute.billing", "47 U.S.C. 222(d)(1)", k2007, false,
     "Initiate, render, bill and collect for telecommunications services."},
    {"statute.fraud", "47 U.S.C. 222(d)(2)", k2007, false,
     "Protect the carrier's rights or property and users and other carriers from "
     "fraudulent, abusive or unlawful use."},
    {"statute.inbound_telemarketing", "47 U.S.C. 222(d)(3)", k2007, false,
     "Inbound telemarketing, referral or administrative services for the duration of a "
     "customer-initiated call, with the customer's approval."},
    {"statute.emergency", "47 U.S.C. 222(d)(4)", k2007, false,
     "Call location information of CMRS and IP-enabled voice users for emergency services "
     "and, in emergencies, to immediate family."},
    {"statute.cpni_definition", "47 U.S.C. 222(h)(1)", k2007, false,
     "CPNI defined: quantity, technical configuration, type, destination, location and amount "
     "of use of a telecommunications service, and the information in telephone bills."},
    {"basis_and_purpose", "47 CFR 64.2001", k2007, false,
     "Basis (47 U.S.C. 151-154, 222, 303(r)) and purpose: the subpart implements section 222."},
    {"definitions", "47 CFR 64.2003", k2007, false,
     "Definitions: CPNI, call detail, account information, address of record, opt-in and "
     "opt-out approval, communications-related services."},
    {"definitions.account_information", "47 CFR 64.2003(a)", k2007, false,
     "Account information: account number or any part of it, telephone number associated with the account, bill amount."},
    {"definitions.address_of_record", "47 CFR 64.2003(b)", k2007, false,
     "Address of record: a postal or e-mail address associated with the account for at least 30 days."},
    {"definitions.affiliate", "47 CFR 64.2003(c)", k2007, false,
     "Affiliate: as in 47 U.S.C. 153."},
    {"definitions.call_detail", "47 CFR 64.2003(d)", k2007, false,
     "Call detail information: number called or calling, and time, location or duration of calls."},
    {"definitions.communications_related", "47 CFR 64.2003(e)", k2007, false,
     "Communications-related services: telecommunications services, information services typically provided by carriers, and CPE."},
    {"definitions.customer", "47 CFR 64.2003(f)", k2007, false,
     "Customer: a person or entity to whom the carrier is currently providing service."},
    {"definitions.cpni", "47 CFR 64.2003(g)", k2007, false,
     "CPNI: as in 47 U.S.C. 222(h)(1)."},
    {"definitions.cpe", "47 CFR 64.2003(h)", k2007, false,
     "Customer premises equipment: as in 47 U.S.C. 153."},
    {"definitions.information_services", "47 CFR 64.2003(i)", k2007, false,
     "Information services typically provided by carriers (Internet access, voice mail; not retail consumer services on websites)."},
    {"definitions.lec", "47 CFR 64.2003(j)", k2007, false,
     "Local exchange carrier: as in 47 U.S.C. 153."},
    {"definitions.opt_in", "47 CFR 64.2003(k)", k2007, false,
     "Opt-in approval: affirmative, express consent after notice."},
    {"definitions.opt_out", "47 CFR 64.2003(l)", k2007, false,
     "Opt-out approval: consent assumed when the customer does not object within the waiting period after notice."},
    {"definitions.biographical", "47 CFR 64.2003(m)", k2007, false,
     "Readily available biographical information: SSN or its last four digits, mother's maiden name, home address, date of birth."},
    {"definitions.subscriber_list", "47 CFR 64.2003(n)", k2007, false,
     "Subscriber list information: as in 47 U.S.C. 222(h)(3)."},
    {"definitions.carrier", "47 CFR 64.2003(o)", k2007, false,
     "Telecommunications carrier or carrier: as in 47 U.S.C. 153, including interconnected VoIP providers."},
    {"definitions.telecommunications_service", "47 CFR 64.2003(p)", k2007, false,
     "Telecommunications service: as in 47 U.S.C. 153."},
    {"definitions.telephone_number_of_record", "47 CFR 64.2003(q)", k2007, false,
     "Telephone number of record: the number associated with the underlying service, not a contact number the customer supplied."},
    {"definitions.valid_photo_id", "47 CFR 64.2003(r)", k2007, false,
     "Valid photo ID: an unexpired government-issued means of personal identification with a photograph."},
    {"use.category_of_service", "47 CFR 64.2005(a)", k2007, false,
     "Use, disclose or permit access to CPNI to provide or market offerings among the "
     "categories of service the customer already buys, without approval."},
    {"use.affiliates.multi_category", "47 CFR 64.2005(a)(1)", k2007, false,
     "A customer of more than one category: CPNI may be shared with affiliates that "
     "provide a service offering to the customer."},
    {"use.affiliates.single_category", "47 CFR 64.2005(a)(2)", k2007, false,
     "A customer of one category: no sharing with affiliates except with approval under "
     "64.2007(b)."},
    {"use.other_category", "47 CFR 64.2005(b)", k2007, false,
     "No CPNI to market a category of service the customer does not buy, without approval."},
    {"use.cpe_information_services", "47 CFR 64.2005(b)(1)", k2007, false,
     "CMRS CPNI for CPE and information services; wireline CPNI for CPE, call answering, "
     "voice mail or messaging, voice storage and retrieval, fax store-and-forward and "
     "protocol conversion."},
    {"use.no_tracking_competitors", "47 CFR 64.2005(b)(2)", k2007, false,
     "Never use CPNI to identify or track customers who call competing providers."},
    {"use.inside_wiring", "47 CFR 64.2005(c)(1)", k2007, false,
     "Inside wiring installation, maintenance and repair."},
    {"use.cmrs_health_research", "47 CFR 64.2005(c)(2)", k2007, false,
     "CMRS providers: research on the health effects of CMRS."},
    {"use.adjunct_to_basic", "47 CFR 64.2005(c)(3)", k2007, false,
     "LECs, CMRS and interconnected VoIP providers may use CPNI to market services formerly "
     "known as adjunct-to-basic."},
    {"use.fraud_protection", "47 CFR 64.2005(d)", k2007, false,
     "Protect the carrier's rights or property, users and other carriers from fraud, abuse "
     "or unlawful use."},
    {"approval.methods", "47 CFR 64.2007(a)", k2007, false,
     "Approval may be written, oral or electronic."},
    {"approval.oral_burden", "47 CFR 64.2007(a)(1)", k2007, false,
     "A carrier relying on oral approval must prove it."},
    {"approval.duration", "47 CFR 64.2007(a)(2)", k2007, false,
     "Approval or disapproval stays in effect until the customer revokes or limits it."},
    {"approval.records", "47 CFR 64.2007(a)(3)", k2007, false,
     "Records of approval kept at least one year."},
    {"approval.opt_out_scope", "47 CFR 64.2007(b)", k2007, false,
     "Opt-out or opt-in: own marketing of communications-related services, and disclosure "
     "for it to agents and affiliates providing communications-related services; "
     "everything else not otherwise permitted needs opt-in."},
    {"approval.jv_contractor_agreement", "47 CFR 64.2007(b)(2)", k2007, false,
     "Joint venture partners and independent contractors receive CPNI only under a "
     "confidentiality agreement: use only for the purpose provided, no further disclosure, "
     "safeguards."},
    {"notice.before_solicitation", "47 CFR 64.2008(a)(1)", k2007, false,
     "Notify the customer of the right to restrict CPNI before soliciting approval."},
    {"notice.records", "47 CFR 64.2008(a)(2)", k2007, false,
     "Records of notification kept at least one year."},
    {"notice.individual", "47 CFR 64.2008(b)", k2007, false,
     "Individual notice when soliciting approval."},
    {"notice.content", "47 CFR 64.2008(c)", k2007, false,
     "Content of the notice, items (c)(1) to (c)(10)."},
    {"notice.content.informed_decision", "47 CFR 64.2008(c)(1)", k2007, false,
     "Enough information to decide; states the customer's right, and the carrier's duty, to protect CPNI."},
    {"notice.content.what_who_why", "47 CFR 64.2008(c)(2)", k2007, false,
     "The kinds of CPNI, the entities that will receive it and the purposes; the right to disapprove and to withdraw at any time."},
    {"notice.content.steps_and_no_effect", "47 CFR 64.2008(c)(3)", k2007, false,
     "The precise steps to grant or deny; denial does not affect services (a neutral statement of consequences allowed)."},
    {"notice.content.comprehensible", "47 CFR 64.2008(c)(4)", k2007, false,
     "Comprehensible and not misleading."},
    {"notice.content.legible", "47 CFR 64.2008(c)(5)", k2007, false,
     "Written notice: clearly legible, sufficiently large type, in an area readily apparent."},
    {"notice.content.translated", "47 CFR 64.2008(c)(6)", k2007, false,
     "A translated notice is translated in full."},
    {"notice.content.may_state", "47 CFR 64.2008(c)(7)", k2007, false,
     "The notice may say approval helps tailor offers and that the carrier may be compelled to disclose on the customer's written request."},
    {"notice.content.no_freeze_encouragement", "47 CFR 64.2008(c)(8)", k2007, false,
     "The notice must not encourage the customer to freeze third-party access to CPNI."},
    {"notice.content.valid_until_revoked", "47 CFR 64.2008(c)(9)", k2007, false,
     "States that approval or denial is valid until the customer revokes or limits it."},
    {"notice.content.proximate", "47 CFR 64.2008(c)(10)", k2007, false,
     "The solicitation comes close in time to the notice."},
    {"notice.opt_out.channel", "47 CFR 64.2008(d)", k2007, false,
     "Opt-out notice by written or electronic means only, not orally (except (f))."},
    {"notice.opt_out.wait", "47 CFR 64.2008(d)(1)", k2007, false,
     "Wait at least 30 days after notice before assuming opt-out approval; state the period."},
    {"notice.opt_out.wait_electronic", "47 CFR 64.2008(d)(1)(i)", k2007, false,
     "Electronic notice: the wait runs from the date sent."},
    {"notice.opt_out.wait_mail", "47 CFR 64.2008(d)(1)(ii)", k2007, false,
     "Mailed notice: the wait runs from the third day after mailing."},
    {"notice.opt_out.renewal", "47 CFR 64.2008(d)(2)", k2007, false,
     "Opt-out notices every two years."},
    {"notice.opt_out.email", "47 CFR 64.2008(d)(3)", k2007, false,
     "E-mail notices: prior express consent, reply-to-opt-out, bounced notices re-sent, "
     "clear subject line; an opt-out method at no cost, 24x7."},
    {"notice.opt_out.email.consent", "47 CFR 64.2008(d)(3)(i)", k2007, false,
     "E-mail notice only with the customer's express, verifiable, prior approval to e-mail."},
    {"notice.opt_out.email.reply", "47 CFR 64.2008(d)(3)(ii)", k2007, false,
     "The customer may reply directly to the e-mail to opt out."},
    {"notice.opt_out.email.bounced", "47 CFR 64.2008(d)(3)(iii)", k2007, false,
     "A returned e-mail notice does not count: send it again another way."},
    {"notice.opt_out.email.subject", "47 CFR 64.2008(d)(3)(iv)", k2007, false,
     "A subject line that clearly and accurately identifies the subject matter."},
    {"notice.opt_out.email.no_cost_24x7", "47 CFR 64.2008(d)(3)(v)", k2007, false,
     "An opt-out method at no additional cost, available 24 hours a day, 7 days a week."},
    {"notice.opt_in", "47 CFR 64.2008(e)", k2007, false,
     "Opt-in notice may be oral, written or electronic."},
    {"notice.one_time", "47 CFR 64.2008(f)", k2007, false,
     "Oral notice for limited one-time use during one call, for its duration."},
    {"notice.one_time.oral", "47 CFR 64.2008(f)(1)", k2007, false,
     "Oral notice may obtain limited one-time use for an inbound or outbound call, for its duration."},
    {"notice.one_time.content", "47 CFR 64.2008(f)(2)", k2007, false,
     "The content of (c), except items not relevant to the limited use, (f)(2)(i)-(iv)."},
    {"notice.one_time.omit_prior_opt_out", "47 CFR 64.2008(f)(2)(i)", k2007, false,
     "Need not say that a customer who opted out before need do nothing to keep that choice."},
    {"notice.one_time.omit_recipients", "47 CFR 64.2008(f)(2)(ii)", k2007, false,
     "Need not name affiliates or third parties when the one-time use reaches none."},
    {"notice.one_time.omit_withdrawal", "47 CFR 64.2008(f)(2)(iii)", k2007, false,
     "Need not say how to withdraw future access, if it says the approval is for one-time use."},
    {"notice.one_time.omit_steps", "47 CFR 64.2008(f)(2)(iv)", k2007, false,
     "Need not give the precise steps, if it clearly says the customer can deny access for the call."},
    {"safeguards.status_system", "47 CFR 64.2009(a)", k2007, false,
     "A system establishing approval status before CPNI is used."},
    {"safeguards.training", "47 CFR 64.2009(b)", k2007, false,
     "Train personnel; an express disciplinary process."},
    {"safeguards.campaign_records", "47 CFR 64.2009(c)", k2007, false,
     "Records of sales and marketing campaigns using CPNI and third-party disclosures, one "
     "year."},
    {"safeguards.supervisory_review", "47 CFR 64.2009(d)", k2007, false,
     "Supervisory review of outbound marketing; compliance records one year."},
    {"safeguards.certification", "47 CFR 64.2009(e)", k2007, false,
     "Annual officer certification, EB Docket 06-36, on or before March 1 for the previous "
     "year."},
    {"safeguards.opt_out_failure", "47 CFR 64.2009(f)", k2007, false,
     "Written notice to the FCC within 5 business days of opt-out mechanism failures."},
    // The paragraphs of (f) as the eCFR numbers them (recalled from the
    // published text; confirm): (1) the letter's contents, (2) owed even when
    // other opt-out methods work.
    {"safeguards.opt_out_failure.contents", "47 CFR 64.2009(f)(1)", k2007, false,
     "The notice is a letter: carrier name, mechanisms, problems, remedy and its date, "
     "state commissions notified and their action, copy of the customer notice, contact."},
    {"safeguards.opt_out_failure.other_methods", "47 CFR 64.2009(f)(2)", k2007, false,
     "The notice is owed even when the carrier offers other ways to opt out."},
    {"disclosure.safeguards", "47 CFR 64.2010(a)", k2007, false,
     "Discover and protect against pretexting; authenticate before disclosing CPNI."},
    {"disclosure.telephone", "47 CFR 64.2010(b)", k2007, false,
     "Call detail by telephone only with a password, or sent to the address of record, or "
     "by calling the telephone number of record."},
    {"disclosure.online", "47 CFR 64.2010(c)", k2007, false,
     "Online access only with a password, after authentication without readily available "
     "biographical or account information."},
    {"disclosure.in_store", "47 CFR 64.2010(d)", k2007, false,
     "In store, a valid photo ID matching the account."},
    {"disclosure.passwords", "47 CFR 64.2010(e)", k2007, false,
     "Passwords and back-up authentication without biographical or account information."},
    {"disclosure.account_change_notice", "47 CFR 64.2010(f)", k2007, false,
     "Notify the customer immediately of account changes, to the existing contact."},
    {"disclosure.business_customers", "47 CFR 64.2010(g)", k2007, false,
     "Business customers with a dedicated representative and a CPNI contract may agree "
     "other authentication."},
};

constexpr Rule kBreach2007[] = {
    {"breach.law_enforcement_first", "47 CFR 64.2011(a)", k2007, false,
     "No customer or public notice before law enforcement has been notified."},
    {"breach.agency_notice", "47 CFR 64.2011(b)", k2007, false,
     "Within 7 business days after reasonable determination, notify USSS and FBI through "
     "the central reporting facility."},
    {"breach.customer_wait", "47 CFR 64.2011(b)(1)", k2007, false,
     "No customer notice until 7 full business days have passed after the agency notice."},
    {"breach.urgent_need", "47 CFR 64.2011(b)(2)", k2007, false,
     "Extraordinarily urgent need to avoid immediate and irreparable harm: notify customers "
     "sooner only after consulting the investigating agency."},
    {"breach.agency_delay", "47 CFR 64.2011(b)(3)", k2007, false,
     "The agency may direct a delay, initially up to 30 days, extendable, in writing."},
    {"breach.customer_notice", "47 CFR 64.2011(c)", k2007, false,
     "Then notify customers."},
    {"breach.records", "47 CFR 64.2011(d)", k2007, false,
     "Records of breaches and notifications kept at least 2 years."},
    {"breach.definition", "47 CFR 64.2011(e)", k2007, false,
     "Breach: intentional access, use or disclosure of CPNI without or beyond authorization."},
};

// FCC 23-111 64.2011 (89 FR 9968, Feb. 12, 2024), "effective on an
// indefinitely delayed date". Paragraphs checked against the published text
// (eCFR / Federal Register, searched 2026-12-04):
//   (a)    "Commission and Federal Law Enforcement Notification. Except as
//          provided in paragraph (a)(3) ... no later than seven business days
//          after reasonable determination of a breach ... notify the
//          Commission, the Secret Service and the FBI through a central
//          reporting facility": the agency notice is (a), not (b)(1).
//   (a)(1) the minimum contents of that notification (i)-(vii).
//   (a)(2) the Commission or a law enforcement or national security agency
//          may direct a delay of customer notice, initially up to 30 days,
//          extendable, in writing: the delay is (a)(2), not (b)(3) or (c).
//   (a)(3) the exception for a breach of fewer than 500 customers where no
//          harm is reasonably likely, reported instead in the annual summary
//          (inside (a), not (b)(2)); the excerpt found was cut before its
//          due date, which stays "February 1" to CONFIRM.
//   (b)    customer notification (without unreasonable delay after the (a)
//          notice, within 30 days of determination; harm-based exception):
//          referred to by (a)(2) and (a)(3); not (c).
//   (c), (d) recordkeeping (2 years) and definitions: from the order's
//          Appendix A as we read it; the search did not return these
//          paragraphs' text: CONFIRM.
// Every citation of the 2024 64.2011 comes from this table (RuleSet::Cite,
// CiteBreachRule); nothing else spells its paragraphs.
constexpr Rule kBreach2024[] = {
    {"breach.agency_notice", "47 CFR 64.2011(a)", kFcc2024Effective, true,
     "Within 7 business days after reasonable determination, notify the FCC, USSS and FBI "
     "through the central reporting facility."},
    {"breach.agency_report_contents", "47 CFR 64.2011(a)(1)", kFcc2024Effective, true,
     "The notification's minimum contents: carrier contact, description, method of "
     "compromise, date range, customers affected, estimated loss, types of data."},
    {"breach.agency_delay", "47 CFR 64.2011(a)(2)", kFcc2024Effective, true,
     "The FCC or a law enforcement or national security agency may direct a delay of "
     "customer notice, initially up to 30 days, extendable, in writing."},
    {"breach.threshold", "47 CFR 64.2011(a)(3)", kFcc2024Effective, true,
     "Fewer than 500 customers affected and no harm reasonably likely: no notice under (a); "
     "report in the annual summary instead (due February 1 for the previous year; confirm)."},
    {"breach.customer_notice", "47 CFR 64.2011(b)", kFcc2024Effective, true,
     "Notify customers without unreasonable delay after the agency notice and within 30 "
     "days after reasonable determination, unless no harm is reasonably likely or an agency "
     "directs a delay."},
    {"breach.records", "47 CFR 64.2011(c)", kFcc2024Effective, true,
     "Records of breaches and notifications kept 2 years."},
    {"breach.definition", "47 CFR 64.2011(d)", kFcc2024Effective, true,
     "Breach of covered data (CPNI and PII), including inadvertent; good-faith employee "
     "acquisition not further used or disclosed is excluded."},
};

// FCC 23-95 (WC Docket 21-341, 88 FR 85794, Dec. 8, 2023) added 64.2010(h),
// SIM change protections, for wireless providers (prepaid and postpaid, and
// resellers), and amended 47 CFR 52.37 with the same protections for
// port-out requests. Effective January 8, 2024, except 64.2010(h)(2)-(6),
// (h)(8) and 52.37(c)-(e), (g) (information collections awaiting Paperwork
// Reduction Act approval, to be announced in the Federal Register); the
// Wireline Competition Bureau extended every compliance deadline until after
// that approval. The engine applies the whole of (h) from one configured
// compliance date (RuleConfig::sim_change_compliance).
//
// The paragraph numbers below follow the order of the Report and Order's
// discussion (authentication, failed attempts, notification, account locks,
// records, employee access, training) as we read it; the text of 64.2010(h)
// itself was not available here: CONFIRM (h)(1)-(h)(8) against the eCFR, as
// for 64.2009(f). The PRA-delayed set (h)(2)-(6), (h)(8) fits this reading:
// (h)(1) authentication and (h)(7) training collect no information.
// The record period (3 years) is believed, not read: CONFIRM.
// Port-outs cite "47 CFR 52.37" as a whole beside the (h) paragraph (its
// paragraphs (a)-(g) are not broken out here: CONFIRM).
constexpr CivilDate k2023 = kFcc2023SimEffective;
constexpr Rule kSimChange[] = {
    {"sim_change", "47 CFR 64.2010(h)", k2023, true,
     "SIM change protections of wireless providers (prepaid, postpaid, resellers); port-outs "
     "likewise under 47 CFR 52.37 (FCC 23-95)."},
    {"sim_change.authentication", "47 CFR 64.2010(h)(1)", k2023, true,
     "Authenticate with secure methods before a SIM change or port-out: not readily available "
     "biographical or account information, recent payment information or call detail."},
    {"sim_change.failed_attempts", "47 CFR 64.2010(h)(2)", k2023, true,
     "Procedures for failed authentication attempts reasonably designed to prevent "
     "unauthorized access (PRA-delayed)."},
    {"sim_change.notice", "47 CFR 64.2010(h)(3)", k2023, true,
     "Notify the customer immediately of every SIM change request, before it is carried out, "
     "to the contact of record, without CPNI (PRA-delayed)."},
    {"sim_change.lock", "47 CFR 64.2010(h)(4)", k2023, true,
     "Offer, at no cost, an account lock against SIM changes (and port-outs) that the customer "
     "turns on and off (PRA-delayed)."},
    {"sim_change.records", "47 CFR 64.2010(h)(5)", k2023, true,
     "Records of SIM change requests and the authentication used, kept 3 years (believed; "
     "CONFIRM) (PRA-delayed)."},
    {"sim_change.employee_access", "47 CFR 64.2010(h)(6)", k2023, true,
     "Employees handling inbound contacts cannot reach CPNI until the customer is "
     "authenticated (PRA-delayed)."},
    {"sim_change.training", "47 CFR 64.2010(h)(7)", k2023, true,
     "Train employees on SIM swap fraud and the procedures for SIM change requests."},
    {"sim_change.other", "47 CFR 64.2010(h)(8)", k2023, true,
     "A PRA-delayed duty whose text was not available here (CONFIRM against the eCFR; "
     "believed to cover methods for customers without data plans or with disabilities)."},
};

constexpr std::string_view kNames[] = {"fcc-2007", "fcc-2024"};

BreachRules Breach2007() {
  BreachRules b;
  b.regime = BreachRegime::k2007;
  b.citation = BreachRegimeTitle(BreachRegime::k2007);
  b.customer_wait = DayCount{7, DayUnit::kBusiness};
  return b;
}

BreachRules Breach2024() {
  BreachRules b;
  b.regime = BreachRegime::k2024;
  b.citation = BreachRegimeTitle(BreachRegime::k2024);
  b.notify_fcc = true;
  b.covers_pii = true;
  b.covers_inadvertent = true;
  b.customer_deadline = DayCount{30, DayUnit::kCalendar};
  b.agency_threshold_customers = 500;
  b.harm_based_customer_exception = true;
  b.annual_summary_due = MonthDay{2, 1};  // confirm against the rule text
  return b;
}

RuleSet Fcc2007() {
  RuleSet rs;
  rs.name = kNames[0];
  rs.effective = kFcc2007Effective;
  rs.source = "FCC 07-22, 72 FR 31948 (2007)";
  rs.breach = Breach2007();
  rs.rules = kGeneralRules;
  rs.breach_rules = kBreach2007;
  return rs;
}

RuleSet Fcc2024(Instant at, const RuleConfig& config) {
  RuleSet rs;
  rs.name = kNames[1];
  rs.effective = kFcc2024Effective;
  rs.source = "FCC 23-111, 89 FR 9968 (2024)";
  rs.rules = kGeneralRules;
  rs.breach_2024_effective = config.breach_2024_effective;
  bool new_breach = false;
  if (config.breach_2024_effective) {
    CivilDate d = *config.breach_2024_effective;
    if (d < kFcc2024Effective) d = kFcc2024Effective;
    rs.breach_2024_effective = d;
    new_breach = at >= FederalEffectiveInstant(d);
  }
  rs.breach = new_breach ? Breach2024() : Breach2007();
  rs.breach_rules = new_breach ? std::span<const Rule>(kBreach2024)
                               : std::span<const Rule>(kBreach2007);
  rs.sim_rules = kSimChange;
  if (config.sim_change_compliance) {
    CivilDate d = *config.sim_change_compliance;
    if (d < kFcc2023SimEffective) d = kFcc2023SimEffective;
    rs.sim_change_compliance = d;
  }
  return rs;
}

const TimeZone& Eastern() {
  static const TimeZone* zone = [] {
    Result<TimeZone> tz = TimeZone::FromPosixTz("EST5EDT,M3.2.0,M11.1.0", "US/Eastern");
    return new TimeZone(tz.ok() ? std::move(*tz) : TimeZone::Utc());
  }();
  return *zone;
}

}  // namespace

const char* DayUnitName(DayUnit unit) {
  return unit == DayUnit::kBusiness ? "business" : "calendar";
}

const char* BreachRegimeName(BreachRegime r) { return r == BreachRegime::k2024 ? "2024" : "2007"; }

std::string_view BreachRegimeTitle(BreachRegime r) {
  return r == BreachRegime::k2024 ? "47 CFR 64.2011 as amended in 2024"
                                  : "47 CFR 64.2011 (2007)";
}

std::string_view BreachRegimeTitle(std::string_view name) {
  return BreachRegimeTitle(name == "2024" ? BreachRegime::k2024 : BreachRegime::k2007);
}

std::span<const Rule> BreachRulesOf(BreachRegime r) {
  return r == BreachRegime::k2024 ? std::span<const Rule>(kBreach2024)
                                  : std::span<const Rule>(kBreach2007);
}

std::string_view CiteBreachRule(BreachRegime r, std::string_view id) {
  for (const Rule& rule : BreachRulesOf(r)) {
    if (rule.id == id) return rule.citation;
  }
  return BreachRegimeTitle(r);
}

std::string_view RuleSet::Cite(std::string_view id) const {
  if (const Rule* r = Find(id)) return r->citation;
  return breach.citation.empty() ? std::string_view("47 CFR 64.2001-64.2011") : breach.citation;
}

const Rule* RuleSet::Find(std::string_view id) const {
  for (const Rule& r : rules) {
    if (r.id == id) return &r;
  }
  for (const Rule& r : breach_rules) {
    if (r.id == id) return &r;
  }
  for (const Rule& r : sim_rules) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

bool RuleSet::SimChangeInForce(Instant at) const {
  return !sim_rules.empty() && sim_change_compliance &&
         at >= FederalEffectiveInstant(*sim_change_compliance);
}

Status ValidateRuleConfig(const RuleConfig& config) {
  if (config.sim_change_compliance) {
    const CivilDate d = *config.sim_change_compliance;
    if (!d.Valid()) {
      return Status::InvalidArgument("sim_change_compliance is not a calendar date",
                                     "sim_change_compliance");
    }
    if (d < kFcc2023SimEffective) {
      return Status::InvalidArgument("sim_change_compliance " + d.ToString() +
                                         " is before FCC 23-95 took effect (" +
                                         kFcc2023SimEffective.ToString() + ")",
                                     "sim_change_compliance");
    }
  }
  if (!config.breach_2024_effective) return Status::Ok();
  const CivilDate d = *config.breach_2024_effective;
  if (!d.Valid()) {
    return Status::InvalidArgument("breach_2024_effective is not a calendar date",
                                   "breach_2024_effective");
  }
  if (d < kFcc2024Effective) {
    return Status::InvalidArgument("breach_2024_effective " + d.ToString() +
                                       " is before the FCC 23-111 order took effect (" +
                                       kFcc2024Effective.ToString() + ")",
                                   "breach_2024_effective");
  }
  return Status::Ok();
}

Instant FederalEffectiveInstant(CivilDate date) { return Eastern().StartOfDay(date); }

RuleSet RuleSetFor(Instant at, const RuleConfig& config) {
  static const Instant k2024Start = FederalEffectiveInstant(kFcc2024Effective);
  if (at < k2024Start) return Fcc2007();
  return Fcc2024(at, config);
}

Result<RuleSet> RuleSetByName(std::string_view name, Instant at, const RuleConfig& config) {
  if (name == kNames[0]) return Fcc2007();
  if (name == kNames[1]) return Fcc2024(at, config);
  return Status::InvalidArgument(
      "unknown rule set '" + std::string(name) + "' (known: fcc-2007, fcc-2024)", "rule_set");
}

std::span<const std::string_view> RuleSetNames() { return kNames; }

std::span<const Rule> GeneralRules() { return kGeneralRules; }

std::span<const Rule> SimChangeRules() { return kSimChange; }

}  // namespace proprio::rules
