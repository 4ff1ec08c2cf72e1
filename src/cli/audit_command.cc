// proprio audit verify | seal | head | proof | check-proof
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/common.h"
#include "ledger/block.h"

namespace proprio::cli {
namespace {

nlohmann::json ReportToJson(const ledger::VerifyReport& r) {
  nlohmann::json problems = nlohmann::json::array();
  for (const auto& p : r.problems) {
    problems.push_back({{"kind", ledger::ProblemKindName(p.kind)}, {"entry", p.entry},
                        {"detail", p.detail}});
  }
  return {{"carrier", r.carrier.value()}, {"valid", r.valid}, {"entries", r.entries},
          {"payloads_checked", r.payloads_checked}, {"payloads_erased", r.payloads_erased},
          {"root", ledger::HashHex(r.root)}, {"problems", problems}};
}

// `carrier` (NotFound when there is none) or, when 0, every carrier.
Result<std::vector<CarrierId>> CarriersToAudit(store::Tx& tx, int64_t carrier) {
  std::vector<CarrierId> ids;
  if (carrier) {
    RETURN_IF_ERROR(tx.GetCarrier(CarrierId(carrier)).status());
    ids.push_back(CarrierId(carrier));
    return ids;
  }
  ASSIGN_OR_RETURN(auto carriers, tx.ListCarriers());
  for (const Carrier& c : carriers) ids.push_back(c.id);
  return ids;
}

}  // namespace

void RegisterAudit(CLI::App& app, Context& ctx) {
  CLI::App* group = AddCommand(app, "audit", "Verify the tamper-evident ledger and prove entries");
  group->require_subcommand(1);

  auto verify_carrier = std::make_shared<int64_t>(0);
  CLI::App* verify_cmd = AddCommand(*group, "verify",
                                "Check every entry, link and payload of the ledger (all carriers, "
                                "or one). Exit 8 when it does not verify.");
  verify_cmd->add_option("--carrier", *verify_carrier, "only this carrier");
  verify_cmd->callback([&ctx, verify_carrier] {
    ctx.action = [&ctx, verify_carrier] {
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());
      std::vector<ledger::VerifyReport> reports;
      Status st = (*store)->Read([&](store::Tx& tx) -> Status {
        ASSIGN_OR_RETURN(std::vector<CarrierId> ids, CarriersToAudit(tx, *verify_carrier));
        for (CarrierId id : ids) {
          ASSIGN_OR_RETURN(ledger::VerifyReport r, tx.VerifyLedger(id));
          reports.push_back(std::move(r));
        }
        return Status::Ok();
      });
      if (!st.ok()) return Fail(ctx, st);
      bool all_valid = true;
      nlohmann::json out = nlohmann::json::array();
      for (const auto& r : reports) {
        all_valid = all_valid && r.valid;
        if (ctx.global.json) {
          out.push_back(ReportToJson(r));
          continue;
        }
        if (r.valid) {
          std::cout << "carrier " << r.carrier.value() << ": valid, " << r.entries
                    << " entries, " << r.payloads_checked << " payloads checked";
          if (r.payloads_erased) std::cout << ", " << r.payloads_erased << " erased on record";
          std::cout << ", root " << ledger::HashHex(r.root) << "\n";
        } else {
          std::cout << "carrier " << r.carrier.value() << ": INVALID\n";
          for (const auto& p : r.problems) {
            std::cout << "  entry " << p.entry << ": " << ledger::ProblemKindName(p.kind) << ": "
                      << p.detail << "\n";
          }
        }
      }
      if (ctx.global.json) PrintJson({{"valid", all_valid}, {"carriers", out}});
      if (reports.empty() && !ctx.global.json) std::cout << "no carriers: nothing to verify\n";
      return all_valid ? 0 : 8;
    };
  });

  auto seal_carrier = std::make_shared<int64_t>(0);
  CLI::App* seal_cmd = AddCommand(
      *group, "seal",
      "Pack entries still stored one per row (ledgers from before schema 7) into sealed "
      "blocks of 64, as new appends are; only where they are stored changes");
  seal_cmd->add_option("--carrier", *seal_carrier, "only this carrier");
  seal_cmd->callback([&ctx, seal_carrier] {
    ctx.action = [&ctx, seal_carrier] {
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());
      std::vector<CarrierId> ids;
      Status st = (*store)->Read([&](store::Tx& tx) -> Status {
        ASSIGN_OR_RETURN(ids, CarriersToAudit(tx, *seal_carrier));
        return Status::Ok();
      });
      if (!st.ok()) return Fail(ctx, st);
      nlohmann::json out = nlohmann::json::array();
      for (CarrierId id : ids) {
        int64_t blocks = 0;
        // Short transactions, so that appends of a running server wait little.
        for (int64_t sealed = -1; sealed != 0;) {
          st = (*store)->Transact([&](store::Tx& tx) -> Status {
            ASSIGN_OR_RETURN(sealed, tx.SealStoredRuns(id, 256));
            return Status::Ok();
          });
          if (!st.ok()) return Fail(ctx, st);
          blocks += sealed;
        }
        out.push_back({{"carrier", id.value()}, {"blocks_sealed", blocks}});
        if (!ctx.global.json) {
          std::cout << "carrier " << id.value() << ": " << blocks << " blocks sealed ("
                    << blocks * ledger::kBlockEntries << " entries)\n";
        }
      }
      if (ctx.global.json) PrintJson({{"carriers", out}});
      return 0;
    };
  });

  auto head_carrier = std::make_shared<int64_t>(0);
  CLI::App* head_cmd = AddCommand(*group, "head",
                              "Print a carrier's ledger size and Merkle root, to publish or keep "
                              "as the trusted root for check-proof");
  head_cmd->add_option("--carrier", *head_carrier, "carrier id")->required();
  head_cmd->callback([&ctx, head_carrier] {
    ctx.action = [&ctx, head_carrier] {
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());
      ledger::Head h;
      Status st = (*store)->Read([&](store::Tx& tx) -> Status {
        RETURN_IF_ERROR(tx.GetCarrier(CarrierId(*head_carrier)).status());
        ASSIGN_OR_RETURN(h, tx.LedgerHead(CarrierId(*head_carrier)));
        return Status::Ok();
      });
      if (!st.ok()) return Fail(ctx, st);
      if (ctx.global.json) {
        PrintJson({{"carrier", *head_carrier}, {"entries", h.size},
                   {"root", ledger::HashHex(h.root)}});
      } else {
        std::cout << "carrier " << *head_carrier << ": " << h.size << " entries, root "
                  << ledger::HashHex(h.root) << "\n";
      }
      return 0;
    };
  });

  struct ProofArgs {
    int64_t carrier = 0;
    int64_t entry = 0;
    std::string out;
  };
  auto pargs = std::make_shared<ProofArgs>();
  CLI::App* proof_cmd = AddCommand(*group, "proof",
                               "Print an inclusion proof of one entry as JSON (checkable "
                               "without the database by 'audit check-proof')");
  proof_cmd->add_option("--carrier", pargs->carrier, "carrier id")->required();
  proof_cmd->add_option("--entry", pargs->entry, "entry number (1-based)")->required();
  proof_cmd->add_option("--out", pargs->out, "write the proof to this file instead of stdout");
  proof_cmd->callback([&ctx, pargs] {
    ctx.action = [&ctx, pargs] {
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());
      ledger::InclusionProof p;
      Status st = (*store)->Read([&](store::Tx& tx) -> Status {
        RETURN_IF_ERROR(tx.GetCarrier(CarrierId(pargs->carrier)).status());
        ASSIGN_OR_RETURN(p, tx.ProveEntry(CarrierId(pargs->carrier), pargs->entry));
        return Status::Ok();
      });
      if (!st.ok()) return Fail(ctx, st);
      if (pargs->out.empty()) {
        std::cout << p.ToJson() << "\n";
      } else {
        std::ofstream f(pargs->out, std::ios::trunc);
        f << p.ToJson() << "\n";
        if (!f) return Fail(ctx, Status::InvalidArgument("cannot write '" + pargs->out + "'", "out"));
        std::cerr << "proof of entry " << pargs->entry << " written to " << pargs->out
                  << " (root " << ledger::HashHex(p.root) << ")\n";
      }
      return 0;
    };
  });

  struct CheckArgs {
    std::string file;
    std::string root;
  };
  auto cargs = std::make_shared<CheckArgs>();
  CLI::App* check_cmd = AddCommand(*group, "check-proof",
                               "Check an inclusion proof against a trusted root, without any "
                               "database. Exit 0 valid, 8 invalid.");
  check_cmd->add_option("file", cargs->file, "the proof JSON file ('-' for stdin)")->required();
  check_cmd->add_option("--root", cargs->root, "the trusted Merkle root, 64 hex digits")->required();
  check_cmd->callback([&ctx, cargs] {
    ctx.action = [&ctx, cargs] {
      ledger::Hash root;
      if (!ledger::ParseHashHex(cargs->root, &root)) {
        return Fail(ctx, Status::InvalidArgument("--root must be 64 hex digits", "root"));
      }
      std::stringstream text;
      if (cargs->file == "-") {
        text << std::cin.rdbuf();
      } else {
        std::ifstream f(cargs->file);
        if (!f) return Fail(ctx, Status::NotFound("cannot open '" + cargs->file + "'"));
        text << f.rdbuf();
      }
      auto proof = ledger::InclusionProof::FromJson(text.str());
      if (!proof.ok()) return Fail(ctx, proof.status());
      const ledger::ProofCheck check_result = ledger::CheckProof(*proof, root);
      if (ctx.global.json) {
        nlohmann::json out = {{"valid", check_result.valid}, {"reason", check_result.reason},
                              {"carrier", proof->carrier.value()}, {"entry", proof->entry},
                              {"tree_size", proof->tree_size}};
        if (check_result.valid) {
          out["type"] = check_result.entry.type;
          out["at"] = check_result.entry.at.ToRfc3339();
        }
        PrintJson(out);
      } else if (check_result.valid) {
        std::cout << "valid: entry " << proof->entry << " (" << check_result.entry.type << ", "
                  << check_result.entry.at.ToRfc3339() << ", by " << check_result.entry.actor
                  << ") is in the ledger of carrier " << proof->carrier.value()
                  << " with root " << cargs->root << "\n";
      } else {
        std::cout << "INVALID: " << check_result.reason << "\n";
      }
      return check_result.valid ? 0 : 8;
    };
  });
}

}  // namespace proprio::cli
