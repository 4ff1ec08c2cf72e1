// End-to-end tests of marketing campaigns (47 CFR 64.2009(c), (d)) through
// the built binary, on SQLite and on PostgreSQL: the review flow draft ->
// submitted -> approved -> running -> completed with a ledger entry for each
// step naming who and why; approval refused to the author and to a role the
// carrier's policy does not name; no audience before approval; dates out of
// order refused naming the field with nothing written; the audience counted
// by reason on a known fixture; the CSV export and its one ledger entry with
// the file's SHA-256.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_backend_test.h"

namespace proprio::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Capture(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  pclose(p);
  return out;
}

std::string Unhex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    if (!isxdigit(static_cast<unsigned char>(hex[i]))) break;
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

// The approver the carrier's policy names (the seed's: the General Counsel).
constexpr char kPolicy[] =
    "name = \"Campaign test\"\nversion = 1\n[safeguards]\n"
    "outbound_marketing_approver = \"general_counsel\"\n";

class CliCampaignTest : public CliBackendTest {
 protected:
  CliCampaignTest() : CliBackendTest("cli_campaign") {}
  // The canonical encoding of ledger entry `seq` of carrier 1 (open tail).
  std::string Entry(int64_t seq) {
    const std::string sql = "SELECT " + std::string(pg_db_.empty() ? "hex(entry)" : "encode(entry, 'hex')") +
                            " FROM ledger_entries WHERE carrier_id = 1 AND seq = " +
                            std::to_string(seq);
    const std::string cmd =
        pg_db_.empty() ? "sqlite3 '" + dir_ + "/p.db' \"" + sql + "\""
                       : "psql -At -d '" + db_[1] + "' -c \"" + sql + "\"";
    return Unhex(Capture(cmd));
  }
  void Fixture() {
    ASSERT_EQ(Run({"carrier", "add", "--name", "Example Tel, Inc.", "--filer-id", "825160",
                   "--time-zone", "America/New_York", "--signatory", "Dana Whitfield:CFO"})
                  .exit_code,
              0);
    std::ofstream(dir_ + "/policy.toml") << kPolicy;
    ASSERT_EQ(Run({"policy", "set", "--carrier", "1", "policy.toml"}).exit_code, 0);
    for (const auto& [name, role] : std::vector<std::pair<std::string, std::string>>{
             {"Jordan Pike", "marketing"},          // staff 1: the author
             {"Marcus Oyelaran", "general_counsel"},  // staff 2: the approver
             {"Tom Becker", "supervisor"}}) {       // staff 3: not the policy's approver
      RunJson({"staff", "add", "--carrier", "1", "--name", name, "--role", role});
    }
    // Customers 1-5, local service; 1 and 2 also wireless. Marketing wireless
    // (cmrs) with local-service CPNI: 1 and 2 within the relationship
    // (64.2005(a)); 3 approved by opt-in; 4 and 5 without approval.
    const std::vector<std::pair<std::string, std::string>> customers = {
        {"A-1", "local;cmrs"}, {"A-2", "local;cmrs"}, {"A-3", "local"}, {"A-4", "local"},
        {"A-5", "local"}};
    int n = 0;
    for (const auto& [account, services] : customers) {
      RunJson({"customer", "add", "--carrier", "1", "--account", account, "--name",
               "Customer " + account, "--phone", "(407) 555-01" + std::to_string(10 + n++),
               "--street", "1 Main St", "--city", "Longwood", "--state", "FL", "--zip", "32750",
               "--services", services});
    }
    RunJson({"consent", "record", "--carrier", "1", "--customer", "3", "--kind",
             "opt_in_granted", "--scope", "own_marketing_comm_related", "--at",
             "2026-01-05T15:00:00Z", "--document-id", "FORM-3", "--notice-in-contact"});
  }
  std::vector<std::string> Add(const std::string& starts, const std::string& ends) {
    return {"campaign", "add", "--carrier", "1", "--name", "Wireless upgrade", "--description",
            "Offer wireless plans to local customers", "--cpni", "call_detail,usage",
            "--offering", "cmrs", "--products", "Wireless family plan", "--channel", "telephone",
            "--starts", starts, "--ends", ends, "--owner", "1"};
  }
  json Step(const std::string& step, int64_t id, const std::string& staff, int want = 0,
            const std::string& note = "") {
    std::vector<std::string> args = {"campaign", step, "--carrier", "1", "--campaign",
                                     std::to_string(id), "--staff", staff};
    if (!note.empty()) args.insert(args.end(), {"--note", note});
    return RunJson(args, want);
  }
  void Scenario();
};

void CliCampaignTest::Scenario() {
  Fixture();
  if (HasFatalFailure()) return;

  // Dates out of order: refused naming the field, nothing written.
  json bad = RunJson(Add("2030-03-31", "2030-01-01"), 2);
  EXPECT_EQ(bad["error"]["field"], "ends_on") << bad.dump();
  EXPECT_TRUE(RunJson({"campaign", "list", "--carrier", "1"})["campaigns"].empty());

  json c = RunJson(Add("2030-01-01", "2030-03-31"));
  const int64_t id = c["id"].get<int64_t>();
  EXPECT_EQ(c["state"], "draft");
  EXPECT_EQ(c["owner"], 1);
  EXPECT_EQ(c["cpni"], json({"call_detail", "usage"}));
  std::string added = Entry(c["ledger_seq"].get<int64_t>());
  EXPECT_NE(added.find("campaign.added"), std::string::npos);
  EXPECT_NE(added.find("47 CFR 64.2009(c)"), std::string::npos);

  // No audience before approval (64.2009(d)).
  json early = RunJson({"campaign", "audience", "--carrier", "1", "--campaign", std::to_string(id)}, 6);
  EXPECT_EQ(early["error"]["field"], "state");
  EXPECT_NE(early["error"]["message"].get<std::string>().find("64.2009(d)"), std::string::npos);

  EXPECT_EQ(Step("submit", id, "1")["state"], "submitted");
  // The author may not approve; nor may a role the policy does not name.
  json own = Step("approve", id, "1", 7);
  EXPECT_EQ(own["error"]["field"], "reviewer");
  json sup = Step("approve", id, "3", 7);
  EXPECT_EQ(sup["error"]["field"], "reviewer");
  EXPECT_NE(sup["error"]["message"].get<std::string>().find("general_counsel"), std::string::npos)
      << sup.dump();
  EXPECT_EQ(RunJson({"campaign", "show", "--carrier", "1", "--campaign", std::to_string(id)})
                ["campaign"]["state"],
            "submitted");

  json approved = Step("approve", id, "2", 0, "Scripts reviewed; opt-in list only where needed");
  EXPECT_EQ(approved["state"], "approved");
  EXPECT_EQ(approved["reviewer"], 2);
  std::string entry = Entry(approved["ledger_seq"].get<int64_t>());
  EXPECT_NE(entry.find("campaign.approve"), std::string::npos);
  EXPECT_NE(entry.find("\"by\":2"), std::string::npos) << entry;
  EXPECT_NE(entry.find("Scripts reviewed"), std::string::npos);
  EXPECT_NE(entry.find("47 CFR 64.2009(d)"), std::string::npos);

  // The audience on the fixture: 3 reached, 2 excluded, counted by reason.
  json a = RunJson({"campaign", "audience", "--carrier", "1", "--campaign", std::to_string(id),
                    "--at", "2030-01-02T15:00:00Z"});
  EXPECT_EQ(a["customers"], 5);
  EXPECT_EQ(a["reached"], 3);
  EXPECT_EQ(a["excluded"], 2);
  int64_t allowed_within = 0, allowed_opt_in = 0, denied = 0;
  for (const auto& r : a["reasons"]) {
    const std::string basis = r["basis"];
    if (r["allowed"] == true && basis.find("64.2005(a)") != std::string::npos) {
      allowed_within += r["customers"].get<int64_t>();
    } else if (r["allowed"] == true) {
      allowed_opt_in += r["customers"].get<int64_t>();
    } else {
      denied += r["customers"].get<int64_t>();
      EXPECT_NE(basis.find("64.2007"), std::string::npos) << basis;
    }
  }
  EXPECT_EQ(allowed_within, 2) << a.dump();
  EXPECT_EQ(allowed_opt_in, 1) << a.dump();
  EXPECT_EQ(denied, 2) << a.dump();

  // The export: the CSV as written, one record and one ledger entry with its SHA-256.
  json ex = RunJson({"campaign", "audience", "--carrier", "1", "--campaign", std::to_string(id),
                     "--at", "2030-01-02T15:00:00Z", "--out", "audience.csv"});
  const std::string csv = ReadFile(dir_ + "/audience.csv");
  EXPECT_EQ(csv,
            "customer,account_number,name,telephone\n"
            "1,\"A-1\",\"Customer A-1\",\"+14075550110\"\n"
            "2,\"A-2\",\"Customer A-2\",\"+14075550111\"\n"
            "3,\"A-3\",\"Customer A-3\",\"+14075550112\"\n");
  const std::string sha = ex["sha256"];
  EXPECT_EQ(Capture("sha256sum '" + dir_ + "/audience.csv' | cut -c1-64"), sha + "\n");
  json shown = RunJson({"campaign", "show", "--carrier", "1", "--campaign", std::to_string(id)});
  ASSERT_EQ(shown["records"].size(), 1u);
  EXPECT_EQ(shown["records"][0]["kind"], "export");
  EXPECT_EQ(shown["records"][0]["details"]["sha256"], sha);
  EXPECT_EQ(shown["records"][0]["details"]["reached"], 3);
  std::string exported = Entry(shown["records"][0]["ledger_seq"].get<int64_t>());
  EXPECT_NE(exported.find("campaign.audience_exported"), std::string::npos);
  EXPECT_NE(exported.find(sha), std::string::npos);
  // One entry for the export, not one per customer.
  EXPECT_EQ(Entry(shown["records"][0]["ledger_seq"].get<int64_t>() + 1), "");

  EXPECT_EQ(Step("start", id, "1")["state"], "running");
  json result = RunJson({"campaign", "result", "--carrier", "1", "--campaign", std::to_string(id),
                         "--summary", "Called 3, 1 took the plan", "--contacted", "3",
                         "--accepted", "1"});
  EXPECT_EQ(result["kind"], "result");
  json done = Step("complete", id, "1");
  EXPECT_EQ(done["state"], "completed");
  EXPECT_NE(Entry(done["ledger_seq"].get<int64_t>()).find("keep_records_until"),
            std::string::npos);

  // A rejection says why.
  json c2 = RunJson(Add("2030-04-01", "2030-04-30"));
  const int64_t id2 = c2["id"].get<int64_t>();
  Step("submit", id2, "1");
  EXPECT_EQ(Step("reject", id2, "2", 2)["error"]["field"], "note");
  json rejected = Step("reject", id2, "2", 0, "Channel not covered by the notice");
  EXPECT_EQ(rejected["state"], "rejected");
  EXPECT_EQ(RunJson({"campaign", "audience", "--carrier", "1", "--campaign",
                     std::to_string(id2)},
                    6)["error"]["field"],
            "state");
  EXPECT_EQ(RunJson({"campaign", "show", "--carrier", "1", "--campaign", "99"}, 4)["error"]["field"],
            "campaign");

  RunResult verify = Run({"audit", "verify", "--carrier", "1"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

TEST_F(CliCampaignTest, c64_2009_d_ReviewAudienceAndExportOnSqlite) { Scenario(); }

TEST_F(CliCampaignTest, c64_2009_d_ReviewAudienceAndExportOnPostgres) {
  if (!UsePostgres()) GTEST_SKIP() << "no PostgreSQL fixture (run through ctest)";
  Scenario();
}

}  // namespace
}  // namespace proprio::testing
