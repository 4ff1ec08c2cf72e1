// Property tests of rules/decide.h over fixed-seed random requests:
//   - the seed policy (and random stricter policies) never allow what the
//     floor denies, checked on the policy logic itself (without Decide's
//     final floor re-check);
//   - every answer is well formed (reason, basis, requirements);
//   - Decide allocates nothing.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <new>
#include <random>
#include <sstream>
#include <string>

#include "rules/decide.h"

// Counts every global allocation in this test binary, so a test can assert
// that a stretch of code allocated nothing.
namespace {
std::atomic<long> g_allocations{0};
}  // namespace

void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace proprio::rules {
namespace {

constexpr int kIterations = 20000;

Policy LoadSeed() {
  std::ifstream in(std::string(PROPRIO_SOURCE_DIR) + "/policies/examples/seed-carrier.toml");
  std::ostringstream s;
  s << in.rdbuf();
  Result<Policy> p = ParsePolicy(s.str());
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? *p : FloorPolicy();
}

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  int Int(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  bool Coin(int percent) { return Int(100) < percent; }

  // Mostly valid requests; some deliberately inconsistent ones too.
  DecisionRequest Request() {
    DecisionRequest r;
    r.customer = CustomerId(Coin(98) ? 42 : 0);
    r.purpose = static_cast<Purpose>(Int(kPurposeCount));
    r.recipient.kind = static_cast<RecipientKind>(Int(kRecipientKindCount));
    r.recipient.id = Int(5);
    if (Coin(95)) {
      r.action = r.recipient.kind == RecipientKind::kCarrierItself
                     ? Action::kUse
                     : (Coin(50) ? Action::kDisclose : Action::kPermitAccess);
    } else {
      r.action = static_cast<Action>(Int(kActionCount));
    }
    if (Coin(30)) {
      r.purpose = Purpose::kCustomerAccountAccess;
      r.recipient.kind = RecipientKind::kCustomer;
      r.action = Action::kDisclose;
    }
    r.cpni = CpniSet::FromBits(static_cast<uint32_t>(Int(1 << kCpniCategoryCount)));
    const ServiceCategory telecom[] = {ServiceCategory::kLocal, ServiceCategory::kInterexchange,
                                       ServiceCategory::kCmrs,
                                       ServiceCategory::kInterconnectedVoip};
    r.service_category = Coin(97) ? telecom[Int(4)]
                                  : static_cast<ServiceCategory>(Int(kServiceCategoryCount));
    r.offering = static_cast<Offering>(Int(kOfferingCount));
    r.context.flags = ContextFlags::FromBits(static_cast<uint32_t>(Int(1 << kContextFlagCount)));
    // Agreements and certifications are registry facts (ValidateRequest
    // refuses them as flags): mostly leave them out so most requests are valid.
    if (Coin(90)) {
      const uint32_t registry = (1u << static_cast<int>(ContextFlag::kConfidentialityAgreement)) |
                                (1u << static_cast<int>(ContextFlag::kLimitedUseCertified));
      r.context.flags = ContextFlags::FromBits(r.context.flags.bits() & ~registry);
    }
    r.context.channel = static_cast<AccessChannel>(Int(kAccessChannelCount));
    if (Coin(40)) r.context.call_id = Coin(50) ? "call-1" : "call-2";
    r.at = Instant::FromSeconds(1700000000 + Int(100000000));
    return r;
  }

  CustomerFacts Facts(const DecisionRequest& r) {
    CustomerFacts f;
    f.customer = CustomerId(Coin(98) ? 42 : 43);
    f.services = ServiceSet(static_cast<uint32_t>(Int(1 << kServiceCategoryCount)));
    f.type = Coin(20) ? CustomerType::kBusiness : CustomerType::kResidential;
    f.business_cpni_contract = f.type == CustomerType::kBusiness && Coin(50);
    auto scopes = [&] { return ScopeSet::FromBits(static_cast<uint32_t>(Int(1 << 6))); };
    f.approval.opt_in = scopes();
    f.approval.disapproved = scopes() - f.approval.opt_in;
    f.approval.opt_out = (scopes() & kOptOutScopes) - f.approval.disapproved;
    f.approval.opt_out_pending = (scopes() & kOptOutScopes) - f.approval.opt_out;
    if (Coin(40)) {
      f.approval.one_time_call = CallIdHash("call-1");
      f.approval.one_time_scopes = scopes();
      f.approval.one_time_from = r.at + (Coin(80) ? -1000 : 1000);
      f.approval.one_time_until = r.at + (Coin(80) ? 1000 : -1);
    }
    // The registry's facts about the recipient (64.2007(b), (b)(2)).
    f.recipient.on_record = Coin(70);
    f.recipient.kind = static_cast<PartnerKind>(Int(kPartnerKindCount));
    f.recipient.today = CivilDate{2024, 1, 1}.AddDays(Int(1000));
    f.recipient.agreement.on_record = Coin(60);
    f.recipient.agreement.effective_on = CivilDate{2023, 6, 1}.AddDays(Int(1000));
    if (Coin(50)) f.recipient.agreement.expires_on = f.recipient.agreement.effective_on.AddDays(Int(800));
    f.recipient.agreement.use_only_for_purpose = Coin(90);
    f.recipient.agreement.no_further_disclosure = Coin(90);
    f.recipient.agreement.safeguards = Coin(90);
    f.recipient.certification.on_record = Coin(60);
    f.recipient.certification.signed_on = CivilDate{2023, 6, 1}.AddDays(Int(1000));
    f.written_authorization_on_record = Coin(50);
    return f;
  }

  // A random policy at least as strict as the floor.
  Policy StricterPolicy() {
    Policy p = FloorPolicy();
    p.name = "random";
    p.version = 1 + Int(1000);
    p.approval_mode = Coin(50) ? ApprovalMode::kOptInOnly : ApprovalMode::kFloor;
    p.uses_without_approval =
        PurposeSet::FromBits(static_cast<uint32_t>(rng_())) & kDiscretionaryCarveOuts;
    p.third_parties = Coin(50) ? ThirdPartySharing::kNever : ThirdPartySharing::kFloor;
    p.new_carrier_requires_written_authorization = Coin(50);
    p.jv_contractor_requires_confidentiality_agreement = Coin(50);
    p.jv_contractor_requires_opt_in = Coin(50);
    p.agent_requires_limited_use_certification = Coin(50);
    p.dealer_requires_limited_use_certification = Coin(50);
    p.phone_requires_password_for_all_cpni = Coin(50);
    p.business_customer_alternative_authentication = Coin(50);
    EXPECT_TRUE(ValidatePolicy(p).ok());
    return p;
  }

 private:
  std::mt19937_64 rng_;
};

std::string Describe(const DecisionRequest& r) {
  std::string s = std::string(ActionName(r.action)) + " " + std::string(PurposeName(r.purpose)) +
                  " -> " + std::string(RecipientKindName(r.recipient.kind)) + " from " +
                  ServiceCategoryName(r.service_category) + " offering " +
                  std::string(OfferingName(r.offering)) + " channel " +
                  std::string(AccessChannelName(r.context.channel)) + " flags";
  for (int i = 0; i < kContextFlagCount; ++i) {
    if (r.context.flags.Has(static_cast<ContextFlag>(i))) {
      s += " " + std::string(ContextFlagName(static_cast<ContextFlag>(i)));
    }
  }
  return s;
}

void ExpectWellFormed(const Decision& d, const DecisionRequest& r) {
  ASSERT_FALSE(d.reason.empty()) << Describe(r);
  ASSERT_TRUE(d.reason.starts_with(d.allowed ? "Allowed" : "Denied"))
      << d.reason << " " << Describe(r);
  if (d.allowed) {
    ASSERT_FALSE(d.basis.empty()) << Describe(r);
    ASSERT_TRUE(d.requirements.empty()) << Describe(r);
  }
  for (const Requirement& q : d.requirements) {
    ASSERT_LT(static_cast<int>(q.kind), kRequirementKindCount);
    const bool approval = q.kind == RequirementKind::kOptInApproval ||
                          q.kind == RequirementKind::kOptOutOrOptInApproval;
    ASSERT_EQ(q.has_scope, approval);
  }
}

TEST(DecidePropertyTest, SeedPolicyNeverAllowsWhatTheFloorDenies) {
  const Policy seed = LoadSeed();
  const RuleSet rs = RuleSetFor(Instant::FromSeconds(1750000000), {});
  Generator gen(20130206);
  int floor_allowed = 0, seed_allowed = 0, stricter = 0;
  for (int i = 0; i < kIterations; ++i) {
    const DecisionRequest r = gen.Request();
    const CustomerFacts f = gen.Facts(r);
    const Decision floor = Decide(r, f, rs, FloorPolicy());
    const Decision unchecked = internal::DecideUnchecked(r, f, rs, seed);
    ExpectWellFormed(floor, r);
    ExpectWellFormed(unchecked, r);
    ASSERT_FALSE(unchecked.allowed && !floor.allowed)
        << "seed allows what the floor denies: " << Describe(r) << "\nfloor: " << floor.reason;
    // Under the floor, the re-check changes nothing.
    const Decision floor_unchecked = internal::DecideUnchecked(r, f, rs, FloorPolicy());
    ASSERT_EQ(floor_unchecked.allowed, floor.allowed);
    floor_allowed += floor.allowed;
    seed_allowed += unchecked.allowed;
    stricter += floor.allowed && !unchecked.allowed;
  }
  // The generator reaches both outcomes and the policy matters.
  EXPECT_GT(floor_allowed, kIterations / 20);
  EXPECT_GT(seed_allowed, kIterations / 50);
  EXPECT_GT(stricter, kIterations / 50);
}

TEST(DecidePropertyTest, RandomStricterPoliciesNeverAllowWhatTheFloorDenies) {
  const RuleSet rs = RuleSetFor(Instant::FromSeconds(1750000000), {});
  Generator gen(64200);
  for (int p = 0; p < 50; ++p) {
    const Policy policy = gen.StricterPolicy();
    for (int i = 0; i < kIterations / 20; ++i) {
      const DecisionRequest r = gen.Request();
      const CustomerFacts f = gen.Facts(r);
      const Decision floor = Decide(r, f, rs, FloorPolicy());
      const Decision d = internal::DecideUnchecked(r, f, rs, policy);
      ExpectWellFormed(d, r);
      ASSERT_FALSE(d.allowed && !floor.allowed)
          << "policy " << p << " allows what the floor denies: " << Describe(r);
    }
  }
}

TEST(DecidePropertyTest, ValidRequestsNeverGetTheMalformedAnswer) {
  const RuleSet rs = RuleSetFor(Instant::FromSeconds(1750000000), {});
  Generator gen(7);
  int valid = 0;
  for (int i = 0; i < kIterations; ++i) {
    const DecisionRequest r = gen.Request();
    if (!ValidateRequest(r).ok()) continue;
    ++valid;
    CustomerFacts f = gen.Facts(r);
    f.customer = r.customer;
    const Decision d = Decide(r, f, rs, FloorPolicy());
    ASSERT_EQ(d.reason.find("incomplete or inconsistent"), std::string_view::npos)
        << Describe(r);
  }
  EXPECT_GT(valid, kIterations / 10);
}

TEST(DecidePropertyTest, DecideDoesNotAllocate) {
  const Policy seed = LoadSeed();
  const RuleSet rs = RuleSetFor(Instant::FromSeconds(1750000000), {});
  Generator gen(99);
  std::vector<std::pair<DecisionRequest, CustomerFacts>> inputs;
  for (int i = 0; i < 2000; ++i) {
    DecisionRequest r = gen.Request();
    r.context.call_id = i % 2 ? "call-1" : "";  // short ids, no heap in the request itself
    CustomerFacts f = gen.Facts(r);
    inputs.emplace_back(std::move(r), f);
  }
  (void)Decide(inputs[0].first, inputs[0].second, rs, seed);  // warm statics
  const long before = g_allocations.load();
  int allowed = 0;
  for (const auto& [r, f] : inputs) {
    allowed += Decide(r, f, rs, seed).allowed;
    allowed += Decide(r, f, rs, FloorPolicy()).allowed;
  }
  EXPECT_EQ(g_allocations.load() - before, 0);
  EXPECT_GT(allowed, 0);
}

}  // namespace
}  // namespace proprio::rules
