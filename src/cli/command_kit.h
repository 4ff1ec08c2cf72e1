// cli/command_kit.h: the shape most commands share: a body that returns a
// JSON answer from an open store, one printer for --json and for people, and
// the small helpers their text uses (tables with a header row, dates).
//
//   Leaf(group, ctx, "list", "List campaigns", [&] {
//     return Run(ctx, [&](store::Store& s, const services::Actor& actor) -> Result<json> {...},
//                ListText);
//   });
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/common.h"

namespace proprio::cli {

using Body = std::function<Result<nlohmann::json>(store::Store&, const services::Actor&)>;
using Text = std::function<std::string(const nlohmann::json&)>;

// Runs `body` on an open store and prints its JSON, or `text` of it. A body
// that reports "exit" in its answer sets the exit code (readiness checks).
int Run(Context& ctx, const Body& body, const Text& text);

// A subcommand whose callback hands `action` to the context to run.
CLI::App* Leaf(CLI::App* parent, Context& ctx, const std::string& name, const std::string& help,
               std::function<int()> action);

// An optional date flag: no date when empty, else YYYY-MM-DD (InvalidArgument
// naming `field`).
Result<CivilDate> DateOption(const std::string& text, const char* field);

// "-" for null or empty, the string itself, or the value's JSON.
std::string Dash(const nlohmann::json& v);

// A table with a header row; columns as wide as their widest cell.
std::string Table(const std::vector<std::string>& header,
                  const std::vector<std::vector<std::string>>& rows);

}  // namespace proprio::cli
