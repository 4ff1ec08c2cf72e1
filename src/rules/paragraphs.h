// rules/paragraphs.h: which code enforces which paragraph, and which tests
// name it (47 U.S.C. 222 as the engine cites it, 47 CFR 64.2001-64.2011 under
// every rule set, and 64.2010(h) of 2023).
//
// The registry is built from the rule tables of rules/rule_set.cc (the one
// place citations and summaries are spelled) plus, per rule id, where it is
// enforced. The tests' citations are found at build time by scanning the
// test sources (src/tools/trace_scan.cc, with ScanTestSource below) and
// compiled in as a table (rules/test_citations.h); TraceProblems joins the
// two, and rules_trace_test fails on any problem.
//
//   for (const Paragraph& p : Paragraphs()) ...
//   std::optional<std::string> c = NormalizeCitation("47 CFR 64.2008(d)(1)");
//
// Pure: no I/O.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace proprio::rules {

enum class Enforcement {
  kEnforced,      // code checks it: `where` names the files and functions
  kNoCodeNeeded,  // a definition or statement of purpose: `where` says so
  kNotEnforced,   // not enforced yet: `where` says why
};
const char* EnforcementName(Enforcement e);  // "enforced" | "no code needed" | "not enforced yet"

struct Paragraph {
  std::string_view id;        // the rule id of rule_set.cc, e.g. "notice.opt_out.wait"
  std::string_view citation;  // e.g. "47 CFR 64.2008(d)(1)" (from the rule table)
  std::string_view summary;   // one line (from the rule table)
  // Which text: "" for a paragraph with one text; "2007" or "2024" for the
  // two texts of 64.2011; "2023" for 64.2010(h) (FCC 23-95).
  std::string_view text;
  // The rule sets that carry it ("fcc-2007", "fcc-2024"); empty when none
  // does yet. `in_force` says when, in words.
  std::vector<std::string_view> rule_sets;
  std::string_view in_force;
  Enforcement enforcement = Enforcement::kEnforced;
  std::string_view where;
};

// Every paragraph, in the order of the rule tables: 47 U.S.C. 222, 64.2001-
// 64.2010, 64.2011 (2007), 64.2011 (2024), 64.2010(h) (2023).
const std::vector<Paragraph>& Paragraphs();

// "64.2008(d)(1)", "47 CFR 64.2008(d)(1)", "47 C.F.R. § 64.2008(d)(1)",
// "222(c)(2)", "47 U.S.C. 222(c)(2)", "§ 222(c)(2)" -> the registry's form
// ("47 CFR 64.2008(d)(1)", "47 U.S.C. 222(c)(2)"). Empty when `text` is not a
// citation of a section of 47 CFR Part 64 Subpart U or of 47 U.S.C. 222.
std::optional<std::string> NormalizeCitation(std::string_view text);

// True when `ancestor` is `citation` or a paragraph that contains it
// ("47 CFR 64.2008" contains "47 CFR 64.2008(d)(1)").
bool CitationContains(std::string_view ancestor, std::string_view citation);

// The paragraphs `citation` (normalized) names exactly; if none, those it
// contains (a section or a parent paragraph). Empty when neither.
std::vector<const Paragraph*> FindParagraphs(std::string_view citation);

// One citation found in a test source.
struct TestCitation {
  std::string_view citation;  // normalized: "47 CFR 64.2008(d)(1)"
  std::string_view file;      // "src/rules/decide_test.cc"
  std::string_view test;      // "DecideTest.c64_2008_d_2_LapsedOptOut..."
};

// The same, owning its text (what the scanner produces).
struct ScannedCitation {
  std::string citation;
  std::string test;
  friend bool operator==(const ScannedCitation&, const ScannedCitation&) = default;
};

// The citations a test source names, each with the test it appears in:
// "Suite.Name" for TEST/TEST_F/TEST_P bodies, "Prefix/Suite" for an
// INSTANTIATE_TEST_SUITE_P, "(shared cases)" for text before the first test
// (parameter tables and helpers). Found in strings and comments
// ("64.2008(d)(1)", "47 U.S.C. 222(c)(2)", "64.2008(d)(1)(i)-(ii)" gives both)
// and in identifiers (test names: c64_2008_d_1_..., Cfr64_2003f...,
// c222_c_2_...). A range of sections ("64.2001-64.2011") names none of them.
// Sorted, without duplicates.
std::vector<ScannedCitation> ScanTestSource(std::string_view text);

// What is wrong with the join of the registry and the tests' citations, one
// line each: an enforced paragraph that no test names (a test naming a
// paragraph it contains counts), a test citation that names no paragraph of
// the registry (a section or a parent of registered paragraphs is fine).
std::vector<std::string> TraceProblems(std::span<const Paragraph> paragraphs,
                                       std::span<const TestCitation> citations);

// The tests that name `p` (or a paragraph it contains): "file: test".
std::vector<std::string> TestsNaming(const Paragraph& p, std::span<const TestCitation> citations);

}  // namespace proprio::rules
