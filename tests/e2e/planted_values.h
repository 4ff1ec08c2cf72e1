// tests/e2e/planted_values.h: the planted-value scan's own entry points, for
// its self-test (the scan itself runs by being compiled into a test binary;
// tests/e2e/planted_values.cc says what it checks).
#pragma once

#include <string>

#include "server_traces.h"

namespace proprio::testing {

// Adds `value` to the values that must never show outside the database.
void PlantValue(const std::string& value);
// Fails the running test for each planted value found in `traces`.
void ScanTracesForPlantedValues(const ServerTraces& traces);
// Fails the running test for each planted value `run` leaks.
void ScanCliRunForPlantedValues(const CliRun& run);

}  // namespace proprio::testing
