#include "cli/command_kit.h"

#include <iostream>
#include <sstream>

namespace proprio::cli {

using nlohmann::json;

int Run(Context& ctx, const Body& body, const Text& text) {
  auto store = ctx.OpenStore();
  if (!store.ok()) return Fail(ctx, store.status());
  Result<json> out = body(**store, ctx.actor());
  if (!out.ok()) return Fail(ctx, out.status());
  int code = 0;
  if (out->is_object() && out->contains("exit")) {
    code = (*out)["exit"].get<int>();
    out->erase("exit");
  }
  if (ctx.global.json) {
    PrintJson(*out);
  } else {
    std::cout << text(*out);
  }
  return code;
}

CLI::App* Leaf(CLI::App* parent, Context& ctx, const std::string& name, const std::string& help,
               std::function<int()> action) {
  CLI::App* cmd = AddCommand(*parent, name, help);
  cmd->callback([&ctx, action] { ctx.action = std::move(action); });
  return cmd;
}

Result<CivilDate> DateOption(const std::string& text, const char* field) {
  if (text.empty()) return CivilDate{};
  auto d = CivilDate::Parse(text);
  if (!d.ok() || !d->Valid()) {
    return Status::InvalidArgument(std::string(field) + ": '" + text + "' is not a date YYYY-MM-DD",
                                   field);
  }
  return *d;
}

std::string Dash(const json& v) {
  if (v.is_null()) return "-";
  if (v.is_string()) return v.get<std::string>().empty() ? "-" : v.get<std::string>();
  return v.dump();
}

std::string Table(const std::vector<std::string>& header,
                  const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(header.size());
  for (size_t i = 0; i < header.size(); ++i) width[i] = header[i].size();
  for (const auto& r : rows) {
    for (size_t i = 0; i < r.size() && i < width.size(); ++i) width[i] = std::max(width[i], r[i].size());
  }
  std::ostringstream out;
  auto line = [&](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size(); ++i) {
      out << cells[i];
      if (i + 1 < cells.size()) out << std::string(width[i] - cells[i].size() + 2, ' ');
    }
    out << "\n";
  };
  line(header);
  for (const auto& r : rows) line(r);
  return out.str();
}

}  // namespace proprio::cli
