// Which code enforces which rule, from the command line (issue 14, part 3):
//
//   proprio rules list [--rule-set fcc-2007|fcc-2024] [--json]
//   proprio rules show 64.2008(d)(1)        also "47 CFR 64.2008(d)(1)",
//                                           "222(c)(2)", a whole section "64.2011"
//
// The table is the registry of rules/paragraphs.h (built from the rule
// tables of rules/rule_set.cc) joined with the citations the tests name,
// found at build time (rules/test_citations.h). No database is opened.
//
// Exit codes: 0 done; 2 an unknown paragraph (field "paragraph") or rule set
// (field "rule_set").
#include <algorithm>
#include <iostream>

#include "cli/common.h"
#include "rules/paragraphs.h"
#include "rules/rule_set.h"
#include "rules/test_citations.h"

namespace proprio::cli {

using nlohmann::json;

namespace {

struct RulesArgs {
  std::string rule_set;
  std::string paragraph;
};

json ParagraphToJson(const rules::Paragraph& p) {
  json sets = json::array();
  for (std::string_view s : p.rule_sets) sets.push_back(std::string(s));
  json tests = json::array();
  for (const std::string& t : rules::TestsNaming(p, rules::TestCitations())) tests.push_back(t);
  return json{{"citation", std::string(p.citation)},
              {"id", std::string(p.id)},
              {"text", p.text.empty() ? json(nullptr) : json(std::string(p.text))},
              {"summary", std::string(p.summary)},
              {"rule_sets", sets},
              {"in_force", std::string(p.in_force)},
              {"enforcement", rules::EnforcementName(p.enforcement)},
              {"where", std::string(p.where)},
              {"tests", tests}};
}

// `max_tests`: how many test names to print (the rest are counted); 0 = all.
std::string ParagraphText(const json& p, size_t max_tests) {
  std::string out = p["citation"].get<std::string>();
  if (!p["text"].is_null()) out += " (" + p["text"].get<std::string>() + " text)";
  out += "\n  " + p["summary"].get<std::string>() + "\n  rule sets: ";
  if (p["rule_sets"].empty()) {
    out += "none yet";
  } else {
    for (size_t i = 0; i < p["rule_sets"].size(); ++i) {
      out += (i > 0 ? ", " : "") + p["rule_sets"][i].get<std::string>();
    }
  }
  out += " (" + p["in_force"].get<std::string>() + ")\n";
  const std::string enforcement = p["enforcement"].get<std::string>();
  const std::string where = p["where"].get<std::string>();
  // "no code needed: ..." and "not enforced yet: ..." already say which.
  out += "  " + (where.rfind(enforcement, 0) == 0 ? where : enforcement + ": " + where) + "\n";
  const json& tests = p["tests"];
  if (tests.empty()) {
    out += "  tests: none\n";
  } else {
    out += "  tests (" + std::to_string(tests.size()) + "):\n";
    const size_t shown = max_tests == 0 ? tests.size() : std::min(max_tests, tests.size());
    for (size_t i = 0; i < shown; ++i) out += "    " + tests[i].get<std::string>() + "\n";
    if (shown < tests.size()) {
      out += "    ... and " + std::to_string(tests.size() - shown) + " more (proprio rules show " +
             p["citation"].get<std::string>().substr(p["citation"].get<std::string>().find(' ') + 1) +
             ")\n";
    }
  }
  return out;
}

int Print(Context& ctx, const json& list, size_t max_tests) {
  if (ctx.global.json) {
    PrintJson(json{{"paragraphs", list}});
    return 0;
  }
  for (const json& p : list) std::cout << ParagraphText(p, max_tests) << "\n";
  return 0;
}

int RunList(Context& ctx, const RulesArgs& a) {
  if (!a.rule_set.empty()) {
    // The same refusal (field "rule_set") as every other --rule-set.
    Result<rules::RuleSet> known = rules::RuleSetByName(a.rule_set, Instant(), {});
    if (!known.ok()) return Fail(ctx, known.status());
  }
  json list = json::array();
  for (const rules::Paragraph& p : rules::Paragraphs()) {
    if (!a.rule_set.empty() &&
        std::find(p.rule_sets.begin(), p.rule_sets.end(), a.rule_set) == p.rule_sets.end()) {
      continue;
    }
    list.push_back(ParagraphToJson(p));
  }
  return Print(ctx, list, 3);
}

int RunShow(Context& ctx, const RulesArgs& a) {
  const std::optional<std::string> citation = rules::NormalizeCitation(a.paragraph);
  if (!citation) {
    return Fail(ctx, Status::InvalidArgument(
                         "paragraph '" + a.paragraph +
                             "' is not a citation of 47 CFR 64.2001-64.2011 or 47 U.S.C. 222 "
                             "(e.g. 64.2008(d)(1), 47 CFR 64.2011(b), 222(c)(2))",
                         "paragraph"));
  }
  const std::vector<const rules::Paragraph*> found = rules::FindParagraphs(*citation);
  if (found.empty()) {
    return Fail(ctx, Status::InvalidArgument("paragraph " + *citation +
                                                 " is not in the registry (proprio rules list)",
                                             "paragraph"));
  }
  json list = json::array();
  for (const rules::Paragraph* p : found) list.push_back(ParagraphToJson(*p));
  return Print(ctx, list, 0);
}

}  // namespace

void RegisterRules(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<RulesArgs>();
  CLI::App* cmd = AddCommand(app, "rules",
                             "Which code and tests enforce each paragraph of the rules (47 CFR "
                             "64.2001-64.2011, 47 U.S.C. 222)");
  cmd->require_subcommand(1);
  CLI::App* list = AddCommand(*cmd, "list", "Every paragraph: summary, rule sets, code, tests");
  list->add_option("--rule-set", a->rule_set, "only the paragraphs of this set (fcc-2007, fcc-2024)");
  list->callback([&ctx, a] { ctx.action = [&ctx, a] { return RunList(ctx, *a); }; });
  CLI::App* show = AddCommand(*cmd, "show", "One paragraph (or a section): e.g. 64.2008(d)(1)");
  show->add_option("paragraph", a->paragraph, "the citation, e.g. 64.2008(d)(1) or 47 CFR 64.2011(b)")
      ->required();
  show->callback([&ctx, a] { ctx.action = [&ctx, a] { return RunShow(ctx, *a); }; });
}

}  // namespace proprio::cli
