// store/store.h: Proprio's persistence, one interface over two backends.
//
// A Store is opened on SQLite (the embedded default, a file) or PostgreSQL (a
// libpq URL). Opening applies pending migrations and refuses a database whose
// schema is newer than this program. Nothing about either backend leaks above
// this header: callers see domain types, Status and Result.
//
// Writes go through Transact(): the function runs inside one transaction and
// everything it did commits together, durably, before Transact returns OK; on
// any error nothing is written. Every change of compliance state appends a
// ledger entry in the same transaction (Tx::Append).
//
// Thread-safety: a Store is safe to share. Write transactions are serialised
// on one connection; read transactions run concurrently on a small pool of
// further connections (SQLite in WAL mode lets readers and the writer proceed
// together), each seeing a consistent committed snapshot.
//
//   ASSIGN_OR_RETURN(auto store, Store::Open(StoreOptions::Sqlite("proprio.db")));
//   RETURN_IF_ERROR(store->Transact([&](Tx& tx) -> Status {
//     ASSIGN_OR_RETURN(CustomerId id, tx.InsertCustomer(customer));
//     return tx.Append({...}).status();
//   }));
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/domain.h"
#include "core/status.h"
#include "ledger/merkle.h"
#include "ledger/proof.h"
#include "ledger/verify.h"
#include "store/access_records.h"
#include "store/auth_records.h"
#include "store/breach_records.h"
#include "store/campaign_records.h"
#include "store/certification_records.h"
#include "store/consent_records.h"
#include "store/partner_records.h"
#include "store/sim_records.h"

namespace proprio::store {

namespace internal {
class Connection;
}

// The schema version this program brings: the number of its last migration
// (store/migrations/NNNN_name.sql). Adding a migration file is all it takes.
int LatestSchemaVersion();

struct StoreOptions {
  std::string sqlite_path = "proprio.db";
  std::string postgres_url;  // when set, PostgreSQL is used instead of SQLite

  // Connections for concurrent readers, opened as needed up to this many.
  int max_readers = 4;

  static StoreOptions Sqlite(std::string path) { return {std::move(path), {}, 4}; }
  static StoreOptions Postgres(std::string url) { return {{}, std::move(url), 4}; }
};

// One change of compliance state, as the caller describes it. Tx::Append
// turns it into a chained ledger entry.
struct LedgerEvent {
  CarrierId carrier;
  Instant at;
  std::string actor;    // "staff:12", "cli", "import"
  std::string type;     // "customer.created"
  std::string subject;  // "customer:42"
  std::string body;     // JSON object without personal data ("{}" when empty)
  std::optional<std::string> payload;  // personal data, stored beside the chain
  Instant retain_until;  // the payload may be erased from this instant on
};

struct AppendResult {
  int64_t seq = 0;
  ledger::Hash hash{};
};

struct CustomerPage {
  std::vector<Customer> customers;
  std::optional<CustomerId> next;  // cursor for the next page, if any
};

struct StaffPage {
  std::vector<Staff> staff;
  std::optional<StaffId> next;  // cursor for the next page, if any
};

struct TokenPage {
  std::vector<TokenRecord> tokens;
  std::optional<int64_t> next;  // cursor (a token id) for the next page, if any
};

// A page of a list read in the order of an increasing key (an id; a policy's
// version): at most the limit asked for (1 to 1000; InvalidArgument, field
// limit, otherwise), and the key the next page starts after, none on the last
// page.
template <typename T>
struct Page {
  std::vector<T> items;
  std::optional<int64_t> next;
};

class Tx {
 public:
  Tx(const Tx&) = delete;
  Tx& operator=(const Tx&) = delete;

  // Carriers. Filer IDs are unique (AlreadyExists otherwise).
  Result<CarrierId> InsertCarrier(const Carrier& c);
  Result<Carrier> GetCarrier(CarrierId id);
  Result<std::optional<Carrier>> FindCarrierByFilerId(const std::string& filer_id);
  Result<std::vector<Carrier>> ListCarriers();

  // Customers. REQUIRES: the customer passed NormalizeCustomer().
  // Account numbers are unique per carrier (AlreadyExists, field account_number).
  Result<CustomerId> InsertCustomer(const Customer& c);
  // As InsertCustomer, but a taken account number gives nullopt instead of an
  // error, so a bulk import can report it as a bad row and go on.
  Result<std::optional<CustomerId>> InsertCustomerIfNew(const Customer& c);
  // NotFound unless the customer belongs to `carrier`.
  Result<Customer> GetCustomer(CarrierId carrier, CustomerId id);
  Result<std::optional<Customer>> FindCustomerByAccount(CarrierId carrier,
                                                        const std::string& account_number);
  // The carrier's customers with `e164` (normalised) among their numbers of
  // record, by id, at most `limit`: the customer_phones primary key
  // (carrier_id, e164, customer_id), then each customer by id.
  Result<std::vector<Customer>> FindCustomersByPhone(CarrierId carrier, const std::string& e164,
                                                     int limit);
  // Customers by id, after `after` (exclusive), at most `limit`.
  Result<CustomerPage> ListCustomers(CarrierId carrier, CustomerId after, int limit);
  Result<int64_t> CountCustomers(CarrierId carrier);
  // Which of `accounts` already exist for the carrier.
  Result<std::vector<std::string>> ExistingAccounts(CarrierId carrier,
                                                    const std::vector<std::string>& accounts);

  Result<StaffId> InsertStaff(const Staff& s);
  Result<std::vector<Staff>> ListStaff(CarrierId carrier);
  // The carrier's staff by id, after `after` (exclusive), at most `limit`
  // (1 to 1000; InvalidArgument, field limit, otherwise).
  Result<StaffPage> ListStaff(CarrierId carrier, StaffId after, int limit);

  // Ledger. Appends chain to the carrier's head; the head is written before
  // the transaction commits.
  Result<AppendResult> Append(const LedgerEvent& event);
  Result<ledger::Head> LedgerHead(CarrierId carrier);
  // Reads the carrier's rows in order into `verifier`'s report.
  Result<ledger::VerifyReport> VerifyLedger(CarrierId carrier);
  Result<ledger::InclusionProof> ProveEntry(CarrierId carrier, int64_t seq);
  // Seals up to `max_blocks` complete runs of entries still stored one per
  // row (appended before schema 0007) into blocks; returns how many. Runs a
  // tampered tail leaves unsealable are skipped (audit verify reports them).
  Result<int64_t> SealStoredRuns(CarrierId carrier, int64_t max_blocks);
  // Reads entry `seq` (decoded) and its payload if still stored.
  Result<std::pair<ledger::Entry, std::optional<std::string>>> ReadEntry(CarrierId carrier,
                                                                          int64_t seq);
  // Erases the payload of entry `seq` once its retention has ended (at `now`)
  // and appends the erasure entry. FailedPrecondition before retain_until.
  Result<AppendResult> ErasePayload(CarrierId carrier, int64_t seq, Instant now,
                                    const std::string& actor, const std::string& reason);

  // Runs `fn` under a savepoint: if it fails, what it wrote is undone and the
  // rest of the transaction goes on. Used by group commit to isolate requests.
  Status Isolated(const std::function<Status(Tx&)>& fn);

  // ---- staff credentials, sessions, tokens, idempotency (tx_access.cc) ----
  // Accounts: logins are unique (AlreadyExists, field login); one per staff.
  Result<AccountId> InsertAccount(const AccountRecord& a);
  Result<std::optional<AccountRecord>> FindAccountByLogin(const std::string& login);
  Result<std::optional<AccountRecord>> FindAccountByStaff(StaffId staff);
  Result<AccountRecord> GetAccount(AccountId id);
  Result<int64_t> CountAccounts();
  Status SetAccountPassword(AccountId id, const std::string& password_hash);
  Status SetAccountLogin(AccountId id, const std::string& login);
  Status RecordSignInOutcome(AccountId id, int64_t failed_attempts, Instant locked_until);
  // Carriers an account may act for besides its staff member's own.
  Status AddAccountCarrier(AccountId id, CarrierId carrier, Instant at);
  Result<std::vector<CarrierId>> AccountCarriers(AccountId id);
  Result<Staff> GetStaff(StaffId id);
  // Tokens: looked up by the SHA-256 of their text.
  Result<int64_t> InsertToken(const TokenRecord& t);
  Result<std::optional<TokenRecord>> FindToken(const std::string& token_hash);
  Result<std::optional<TokenRecord>> GetToken(int64_t id);
  Result<std::vector<TokenRecord>> ListTokens(AccountId account);
  // The account's tokens by id, after `after` (exclusive), at most `limit`
  // (1 to 1000; InvalidArgument, field limit, otherwise).
  Result<TokenPage> ListTokens(AccountId account, int64_t after, int limit);
  Status RevokeToken(int64_t id, Instant at);
  // Idempotency-Key claims and answers.
  Result<std::optional<IdempotencyRecord>> FindIdempotency(CarrierId carrier, AccountId account,
                                                            const std::string& key);
  // Inserts `r` as it is (a pending claim or an answer); does nothing when
  // the key already has a row.
  Status InsertIdempotency(const IdempotencyRecord& r);
  // Claims the key of `r` (REQUIRES: r.pending()): inserts `r` unless the
  // key already has a row. nullopt: this call claimed it; otherwise the row
  // that was there (a claim or an answer). Two concurrent claims of a key,
  // from any process, are decided by the table's primary key.
  Result<std::optional<IdempotencyRecord>> ClaimIdempotency(const IdempotencyRecord& r);
  // Writes the answer (status, content_type, body) of `r` into the pending
  // claim of r.claimed_by. NotFound when there is no such pending claim.
  Status CompleteIdempotency(const IdempotencyRecord& r);
  // Deletes the pending claim of `claimed_by` on the key (nothing when there is none).
  Status ReleaseIdempotency(CarrierId carrier, AccountId account, const std::string& key,
                            const std::string& claimed_by);
  // Replaces a customer's mutable fields and numbers of record.
  // REQUIRES: the customer passed NormalizeCustomer(). NotFound unless it
  // belongs to c.carrier; AlreadyExists (field account_number) on a taken one.
  Status UpdateCustomer(const Customer& c);
  // 64.2003(f): marks the customer closed (a former customer) at `closed_at`;
  // the record and everything about it is kept. FailedPrecondition when the
  // customer is unknown or already closed. UpdateCustomer leaves it as is.
  Status CloseCustomer(CarrierId carrier, CustomerId id, Instant closed_at);
  // Entries over all carriers' ledgers (metrics).
  Result<int64_t> LedgerEntriesTotal();

  // ---- consent, notices, policies, decisions (tx_consent.cc) ----
  // Approval events: inserted with their ledger entry's seq; read back in the
  // order the status folds them (event instant, then id).
  Result<int64_t> InsertApprovalEvent(const ApprovalEventRow& e);
  Result<std::vector<ApprovalEventRow>> ListApprovalEvents(CarrierId carrier, CustomerId customer);
  // The customer's events by id (the order they were recorded), after `after`.
  Result<Page<ApprovalEventRow>> ListApprovalEvents(CarrierId carrier, CustomerId customer,
                                                    int64_t after, int limit);
  // Every approval event of the carrier in (customer, instant, id) order.
  Status ScanApprovalEvents(CarrierId carrier,
                            const std::function<Status(const ApprovalEventRow&)>& fn);
  // Events recorded by ledger entries after `after_seq`, in ledger order.
  Result<std::vector<ApprovalEventRow>> ApprovalEventsAfter(CarrierId carrier, int64_t after_seq);
  // Decision facts of customers with id > `after`, in id order (at most `limit`).
  Result<std::vector<CustomerFactsRow>> CustomerFactsAfter(CarrierId carrier, CustomerId after,
                                                           int limit);
  Result<std::optional<CustomerFactsRow>> GetCustomerFacts(CarrierId carrier, CustomerId id);
  // Notice templates: names are unique per carrier (AlreadyExists, field name).
  Result<int64_t> InsertNoticeTemplate(const NoticeTemplateRow& t);
  Result<std::optional<NoticeTemplateRow>> GetNoticeTemplate(CarrierId carrier, int64_t id);
  Result<std::vector<NoticeTemplateRow>> ListNoticeTemplates(CarrierId carrier);
  Result<Page<NoticeTemplateRow>> ListNoticeTemplates(CarrierId carrier, int64_t after, int limit);
  Result<int64_t> InsertNoticeSend(const NoticeSendRow& n);
  Status SetNoticeSendOutcome(int64_t notice_id, int64_t customers, int64_t ledger_seq);
  Status InsertNoticeRecipient(int64_t notice_id, CustomerId customer, int64_t ledger_seq);
  // True when the customer was sent a notice (any kind) at or before `by`
  // (64.2008(a)(1)).
  Result<bool> NoticeSentBy(CarrierId carrier, CustomerId customer, Instant by);
  // Carrier policies: (carrier, version) is unique (AlreadyExists, field version).
  Status InsertPolicy(const PolicyRow& p);
  // The highest version, or nullopt (the floor).
  Result<std::optional<PolicyRow>> CurrentPolicy(CarrierId carrier);
  Result<std::optional<PolicyRow>> GetPolicy(CarrierId carrier, int64_t version);
  Result<std::vector<PolicyRow>> ListPolicies(CarrierId carrier);
  // By version, after version `after`; the page's key is the version.
  Result<Page<PolicyRow>> ListPolicies(CarrierId carrier, int64_t after, int limit);
  // The decision log.
  Result<int64_t> InsertDecision(const DecisionRow& d);
  Result<std::optional<DecisionRow>> GetDecision(CarrierId carrier, int64_t id);
  // Types and subjects of the carrier's ledger entries after `after_seq`, in
  // order, at most `limit` (projections follow the ledger with this).
  Result<std::vector<LedgerMark>> LedgerMarksAfter(CarrierId carrier, int64_t after_seq, int limit);

  // ---- breaches (tx_breach.cc) ----
  // Cases: NotFound unless the case belongs to `carrier`. List: `carrier`
  // invalid = every carrier; `state` "" = any ("open", "closed").
  Result<int64_t> InsertBreachCase(const BreachCaseRow& c);
  Result<BreachCaseRow> GetBreachCase(CarrierId carrier, int64_t id);
  Result<std::vector<BreachCaseRow>> ListBreachCases(CarrierId carrier, const std::string& state);
  // One carrier's cases (`carrier` valid) by id, after `after`.
  Result<Page<BreachCaseRow>> ListBreachCases(CarrierId carrier, const std::string& state,
                                              int64_t after, int limit);
  // Writes the mutable fields: description, discovered_how, method, contact,
  // affected_count, harm, state, closed_at, retain_until, erased_at, ledger_seq.
  Status UpdateBreachCase(const BreachCaseRow& c);
  Status AddBreachAffected(CarrierId carrier, int64_t case_id, CustomerId customer, Instant at);
  Result<std::vector<CustomerId>> ListBreachAffected(CarrierId carrier, int64_t case_id);
  Result<int64_t> InsertBreachAction(const BreachActionRow& a);
  Result<std::vector<BreachActionRow>> ListBreachActions(CarrierId carrier, int64_t case_id);
  Status SetBreachActionDetails(CarrierId carrier, int64_t action_id, const std::string& details);

  // ---- certification records (tx_certification.cc) ----
  // Courses: AlreadyExists (field "version") for a title and version the
  // carrier has. Get: NotFound unless the course belongs to `carrier`.
  Result<int64_t> InsertTrainingCourse(const TrainingCourseRow& c);
  Result<TrainingCourseRow> GetTrainingCourse(CarrierId carrier, int64_t id);
  Result<std::vector<TrainingCourseRow>> ListTrainingCourses(CarrierId carrier);
  // Records: Get is NotFound unless the record is `carrier`'s and of `kind`.
  // Update writes category, status, details and ledger_seq.
  Result<int64_t> InsertComplianceRecord(const ComplianceRecordRow& r);
  Result<ComplianceRecordRow> GetComplianceRecord(CarrierId carrier, const std::string& kind,
                                                  int64_t id);
  Status UpdateComplianceRecord(const ComplianceRecordRow& r);
  // By occurred_on then id; a page starts after record id `after`.
  Result<Page<ComplianceRecordRow>> ListComplianceRecords(const ComplianceRecordFilter& filter,
                                                          int64_t after, int limit);
  // Counts by (category, status), from the index alone.
  Result<std::vector<ComplianceCount>> CountComplianceRecords(const ComplianceRecordFilter& filter);
  // Each staff member's latest record of `kind` (training completions):
  // staff id -> occurred_on.
  Result<std::map<int64_t, std::string>> LatestRecordByStaff(CarrierId carrier,
                                                             const std::string& kind);
  // The staff who completed a course covering `topic` (training_courses.topics).
  Result<std::set<int64_t>> StaffTrainedOn(CarrierId carrier, const std::string& topic);
  // Certifications. Get: NotFound unless `carrier`'s. List: `year` 0 = all,
  // newest first. Sign: FailedPrecondition when the year already has a signed
  // filing (the unique index), NotFound for an unknown id.
  Result<int64_t> InsertCertification(const CertificationRow& c);
  Result<CertificationRow> GetCertification(CarrierId carrier, int64_t id);
  Result<std::vector<CertificationRow>> ListCertifications(CarrierId carrier, int64_t year);
  // Writes state "signed", signed_at, signed_by, the re-rendered document, pdf
  // and pdf_sha256, and ledger_seq.
  Status SignCertification(const CertificationRow& c);
  Status SetCertificationLedgerSeq(CarrierId carrier, int64_t id, int64_t ledger_seq);

  // ---- campaigns (tx_campaigns.cc) ----
  // Get: NotFound (field "campaign") unless `carrier`'s. Update writes every
  // mutable column (description to state, review, completed_on, updated_at,
  // ledger_seq). List: newest first, `state` "" = all; a page starts below
  // campaign id `before` (0: from the newest).
  Result<int64_t> InsertCampaign(const CampaignRow& c);
  Result<CampaignRow> GetCampaign(CarrierId carrier, int64_t id);
  Status UpdateCampaign(const CampaignRow& c);
  Result<Page<CampaignRow>> ListCampaigns(CarrierId carrier, const std::string& state,
                                          int64_t before, int limit);
  Result<int64_t> InsertCampaignRecord(const CampaignRecordRow& r);
  Status SetCampaignRecordLedgerSeq(CarrierId carrier, int64_t id, int64_t ledger_seq);
  // A campaign's records in the order they were made.
  Result<std::vector<CampaignRecordRow>> ListCampaignRecords(CarrierId carrier,
                                                             int64_t campaign_id);

  // ---- partners and new-carrier authorizations (tx_partners.cc) ----
  // Insert/Update: AlreadyExists (field "name") for a name the carrier's
  // other partner has. Get: NotFound (field "partner") unless `carrier`'s.
  // Update writes every mutable column. List: by id ascending, `kind` "" =
  // all; a page starts after partner id `after` (0: from the first).
  Result<int64_t> InsertPartner(const PartnerRow& p);
  Result<PartnerRow> GetPartner(CarrierId carrier, int64_t id);
  Status UpdatePartner(const PartnerRow& p);
  Result<Page<PartnerRow>> ListPartners(CarrierId carrier, const std::string& kind, int64_t after,
                                        int limit);
  // AlreadyExists (field "document") for a document already on record for
  // the customer; FailedPrecondition for an unknown customer.
  Result<int64_t> InsertNewCarrierAuthorization(const NewCarrierAuthorizationRow& a);
  Status SetNewCarrierAuthorizationLedgerSeq(CarrierId carrier, int64_t id, int64_t ledger_seq);
  Result<std::optional<NewCarrierAuthorizationRow>> FindNewCarrierAuthorization(
      CarrierId carrier, CustomerId customer, const std::string& document_id);
  Result<std::vector<NewCarrierAuthorizationRow>> ListNewCarrierAuthorizations(CarrierId carrier,
                                                                               CustomerId customer);
  // ---- SIM change and port-out requests (tx_sim.cc) ----
  // Requests: Get is NotFound (field "request") unless `carrier`'s and
  // `customer`'s. List: the customer's, newest first; a page starts below
  // request id `before` (0: from the newest). Failed attempts: the instants of
  // the customer's requests that counted as failed attempts at or after `since`.
  Result<int64_t> InsertSimRequest(const SimRequestRow& r);
  Status SetSimRequestLedgerSeq(CarrierId carrier, int64_t id, int64_t ledger_seq);
  Result<SimRequestRow> GetSimRequest(CarrierId carrier, CustomerId customer, int64_t id);
  Result<Page<SimRequestRow>> ListSimRequests(CarrierId carrier, CustomerId customer,
                                              int64_t before, int limit);
  Result<std::vector<Instant>> SimFailedAttemptsSince(CarrierId carrier, CustomerId customer,
                                                      Instant since);
  // 64.2010(h)(2): the instants of the customer's failed authentication
  // checks at or after `since`: a wrong password, back-up answer, online
  // password or reset code, or a photo ID refused (verification_steps).
  Result<std::vector<Instant>> FailedAuthenticationChecksSince(CarrierId carrier,
                                                               CustomerId customer, Instant since);
  // True when a notice of `change_kind` was queued for the customer at or
  // after `since` (account_notifications).
  Result<bool> NoticeQueuedSince(CarrierId carrier, CustomerId customer,
                                 const std::string& change_kind, Instant since);
  // True when a SIM change or port-out request was made in verification
  // session `session_id` (the contact is a SIM contact: 64.2010(h)).
  Result<bool> SimRequestInSession(CarrierId carrier, int64_t session_id);
  // The lock: a customer without a row is unlocked (nullopt). Put upserts.
  Result<std::optional<SimLockRow>> GetSimLock(CarrierId carrier, CustomerId customer);
  Status PutSimLock(const SimLockRow& l);

  // ---- customer authentication and notifications (tx_auth.cc) ----
  // Secrets (kind 0 password, 1 back-up): one per customer and kind; an
  // upsert replaces the previous one.
  Status UpsertCustomerSecret(const CustomerSecretRow& s);
  Result<std::optional<CustomerSecretRow>> GetCustomerSecret(CarrierId carrier,
                                                             CustomerId customer, int kind);
  // Failures, lockouts, previous contact data; a customer without a row
  // reads as all zero.
  Result<CustomerAuthStateRow> GetCustomerAuthState(CarrierId carrier, CustomerId customer);
  Status PutCustomerAuthState(const CustomerAuthStateRow& s);
  // Online accounts: logins are unique per carrier (AlreadyExists, field login).
  Status UpsertOnlineAccount(const OnlineAccountRow& a);
  Result<std::optional<OnlineAccountRow>> GetOnlineAccount(CarrierId carrier, CustomerId customer);
  Result<std::optional<OnlineAccountRow>> FindOnlineAccountByLogin(CarrierId carrier,
                                                                   const std::string& login);
  // Verification sessions and their steps. Get: NotFound unless the session
  // belongs to `carrier`. Update writes expires_at, closed_at, flags,
  // failures, stated_call_detail and ledger_seq.
  Result<int64_t> InsertVerificationSession(const VerificationSessionRow& s);
  Result<VerificationSessionRow> GetVerificationSession(CarrierId carrier, int64_t id);
  Result<std::optional<VerificationSessionRow>> FindVerificationSessionByToken(
      CarrierId carrier, const std::string& token_hash);
  Status UpdateVerificationSession(const VerificationSessionRow& s);
  Result<int64_t> InsertVerificationStep(const VerificationStepRow& s);
  Result<std::vector<VerificationStepRow>> ListVerificationSteps(CarrierId carrier,
                                                                 int64_t session_id);
  // Failed steps at or after `since` with the calling number, actor or
  // customer id `key`.
  Result<FailureTally> TallyFailures(CarrierId carrier, FailureKey by, const std::string& key,
                                     Instant since);
  // One-time reset codes (unused and unexpired at `now`).
  Result<int64_t> InsertResetCode(const ResetCodeRow& c);
  Result<std::vector<ResetCodeRow>> ListLiveResetCodes(CarrierId carrier, CustomerId customer,
                                                       Instant now);
  Status UpdateResetCode(const ResetCodeRow& c);
  // Pretexting flags. List: `state` "" = any; `to` epoch = no upper bound.
  Result<int64_t> InsertPretextingFlag(const PretextingFlagRow& f);
  Result<std::optional<PretextingFlagRow>> FindOpenPretextingFlag(CarrierId carrier,
                                                                  const std::string& kind,
                                                                  const std::string& key);
  Result<PretextingFlagRow> GetPretextingFlag(CarrierId carrier, int64_t id);
  Status UpdatePretextingFlag(const PretextingFlagRow& f);
  Result<std::vector<PretextingFlagRow>> ListPretextingFlags(CarrierId carrier,
                                                             const std::string& state,
                                                             Instant from, Instant to);
  Result<Page<PretextingFlagRow>> ListPretextingFlags(CarrierId carrier, const std::string& state,
                                                      int64_t after, int limit);
  // Notification settings and the outbox. Claim marks due notifications of
  // the channel family (mail, or the webhook's) as sending until
  // `lease_until` and returns them; a lapsed lease makes one due again.
  Result<std::optional<NotificationSettingsRow>> GetNotificationSettings(CarrierId carrier);
  Status PutNotificationSettings(const NotificationSettingsRow& s);
  Result<int64_t> InsertNotification(const NotificationRow& n);
  Result<NotificationRow> GetNotification(CarrierId carrier, int64_t id);
  Result<std::vector<NotificationRow>> ListNotifications(CarrierId carrier,
                                                         const NotificationFilter& filter);
  Result<std::vector<NotificationRow>> ClaimDueNotifications(CarrierId carrier, bool mail,
                                                             Instant now, Instant lease_until,
                                                             int limit);
  // Writes state, attempts, next_attempt_at, lease_until, last_error,
  // delivered_at, message and ledger_seq.
  Status UpdateNotification(const NotificationRow& n);
  // `carrier` invalid: over every carrier.
  Result<NotificationBacklog> GetNotificationBacklog(CarrierId carrier, Instant now);
  Result<std::vector<CarrierId>> CarriersWithPendingNotifications();

 private:
  friend class Store;
  explicit Tx(internal::Connection& conn) : conn_(conn) {}
  Status FlushHeads();

  struct HeadState {
    ledger::CompactTree tree;
    ledger::Hash last_hash{};
    bool dirty = false;
  };
  Result<HeadState*> LoadHead(CarrierId carrier);
  // Moves entries first_seq .. first_seq + ledger::kBlockEntries - 1 from the
  // open tail into one sealed block (ledger/block.h); leaves them where they
  // are (false) when the tail does not hold exactly those entries.
  Result<bool> SealBlock(CarrierId carrier, int64_t first_seq);
  // Every stored entry with lo <= seq < hi, in sequence order, from sealed
  // blocks and rows alike: `seq` is the block's first_seq plus the entry's
  // place in it, or the row's sequence column. The views last for the call.
  // `on_block`, if given, sees each block's bytes before its entries (whose
  // views lie inside them), and an empty view before a run of rows.
  using StoredEntryFn =
      std::function<Status(int64_t seq, std::string_view bytes, std::string_view hash)>;
  using StoredBlockFn = std::function<void(std::string_view block)>;
  Status ForEachStoredEntry(CarrierId carrier, int64_t lo, int64_t hi, const StoredEntryFn& fn,
                            const StoredBlockFn& on_block = nullptr);

  internal::Connection& conn_;
  std::map<CarrierId, HeadState> heads_;
};

class Store {
 public:
  // Opens the database, creating it (SQLite) and applying pending migrations.
  // FailedPrecondition when the schema is newer than LatestSchemaVersion().
  static Result<std::unique_ptr<Store>> Open(const StoreOptions& options);
  ~Store();

  // Runs `fn` in one write transaction; commits when it returns OK.
  Status Transact(const std::function<Status(Tx&)>& fn);
  // Runs `fn` in one read-only transaction (a consistent snapshot), on a
  // reader connection; it must not write.
  Status Read(const std::function<Status(Tx&)>& fn);

  // Checks that the database answers (for readiness probes).
  Status Ping();

  int schema_version() const { return schema_version_; }
  const char* backend_name() const;
  // Reads are served from a file by this process (SQLite): microseconds, no
  // network round trip, so a caller may run them where it must not block long.
  bool reads_are_local() const;

 private:
  Store(StoreOptions options, std::unique_ptr<internal::Connection> conn, int version);
  // Runs `fn` in one transaction on `conn`. `*lost_at_begin` is set when
  // BEGIN failed because the connection was lost: nothing ran, so the caller
  // may run `fn` again on a new connection.
  static Status RunIn(internal::Connection& conn, bool write, const std::function<Status(Tx&)>& fn,
                      bool* lost_at_begin);
  // RunIn on the writer connection (write_mu_ held), replacing it when it
  // was lost (a PostgreSQL restart): a lost connection is never reused.
  Status RunOnWriter(bool write, const std::function<Status(Tx&)>& fn);
  Result<std::unique_ptr<internal::Connection>> OpenConnection() const;
  Result<std::unique_ptr<internal::Connection>> AcquireReader();
  void ReleaseReader(std::unique_ptr<internal::Connection> conn);

  const StoreOptions options_;
  std::mutex write_mu_;
  std::unique_ptr<internal::Connection> writer_;
  std::mutex readers_mu_;
  std::condition_variable reader_free_;
  std::vector<std::unique_ptr<internal::Connection>> idle_readers_;
  int open_readers_ = 0;
  int schema_version_;
};

// Applies migrations; exposed for tests. Returns the version now in force.
Result<int> Migrate(internal::Connection& conn);

}  // namespace proprio::store
