// rules/test_citations.h: the citations the test sources name, found at build
// time by src/tools/trace_scan.cc (ScanTestSource over src/**/*_test.cc and
// tests/**/*.cc) and compiled in. Defined in the generated
// test_citations.cc of the proprio_test_citations library.
#pragma once

#include <span>

#include "rules/paragraphs.h"

namespace proprio::rules {

std::span<const TestCitation> TestCitations();

}  // namespace proprio::rules
