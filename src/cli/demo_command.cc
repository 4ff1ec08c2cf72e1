// proprio demo [--customers N]
#include <iostream>

#include "cli/common.h"
#include "services/demo.h"

namespace proprio::cli {

void RegisterDemo(CLI::App& app, Context& ctx) {
  auto count = std::make_shared<int>(2000);
  CLI::App* cmd = AddCommand(app, "demo",
                             "Build a demo carrier with realistic synthetic customers and staff "
                             "(all made up); does nothing if it is already there");
  cmd->add_option("--customers", *count, "how many customers to make")
      ->capture_default_str()
      ->check(CLI::Range(1, 5'000'000));
  cmd->callback([&ctx, count] {
    ctx.action = [&ctx, count] {
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());
      auto demo = services::BuildDemo(**store, *count, ctx.actor());
      if (!demo.ok()) return Fail(ctx, demo.status());
      const Carrier& c = demo->carrier;
      if (ctx.global.json) {
        PrintJson({{"carrier", c.id.value()}, {"legal_name", c.legal_name},
                   {"created", demo->created}, {"customers", demo->customers},
                   {"staff", demo->staff}, {"ledger_entries", demo->head.size},
                   {"ledger_root", ledger::HashHex(demo->head.root)}});
        return 0;
      }
      std::cout << (demo->created ? "made" : "found") << " the demo carrier " << c.id.value()
                << ": " << c.legal_name << " (Form 499 Filer ID " << c.filer_id_499 << ", "
                << c.time_zone << ")\n"
                << "  customers: " << demo->customers << "\n"
                << "  staff:     " << demo->staff << "\n"
                << "  ledger:    " << demo->head.size << " entries, root "
                << ledger::HashHex(demo->head.root) << "\n\n"
                << "try:\n"
                << "  proprio customer list --carrier " << c.id.value() << " --limit 5\n"
                << "  proprio customer show --carrier " << c.id.value() << " 1\n"
                << "  proprio audit verify\n";
      return 0;
    };
  });
}

}  // namespace proprio::cli
