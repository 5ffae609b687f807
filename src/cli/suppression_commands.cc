// `postern suppression add|remove|list|import|export` (F14): the per-account suppression list.
// CSV: a header line "address,reason,created_at", then one address per line (created_at in
// ISO 8601). Import is idempotent: addresses already listed are left as they are.
#include <fstream>
#include <memory>
#include <ostream>
#include <sstream>

#include "cli/cli.h"
#include "cli/csv.h"
#include "cli/json_output.h"
#include "cli/options.h"
#include "cli/text_table.h"
#include "mail/address.h"
#include "policy/scheduled_at.h"

namespace postern::cli {
namespace {

struct SuppressionArgs {
  std::string account, address, reason = "manual", file;
  bool json = false;
};

std::string checked_account(storage::Store& store, const std::string& name) {
  std::string account = unwrap(normalize_account_name(name));
  if (!store.find_account(account)) throw CommandError("no such account: " + account);
  return account;
}

std::string checked_address(const std::string& text) {
  std::string_view a(text);
  if (a.size() >= 2 && a.front() == '<' && a.back() == '>') a = a.substr(1, a.size() - 2);
  auto parsed = mail::parse_mailbox(a, true);
  if (!parsed || parsed->is_null())
    throw CommandError("invalid email address '" + text.substr(0, 100) + "'");
  return parsed->str();
}

void add_address(Context& ctx, const SuppressionArgs& a) {
  std::string account = checked_account(ctx.store(), a.account);
  std::string address = checked_address(a.address);
  bool added = unwrap(ctx.store().add_suppression(account, address, a.reason));
  ctx.out << (added ? "suppressed " : "already suppressed: ") << address << " (account "
          << account << ")\n";
}

void remove_address(Context& ctx, const SuppressionArgs& a) {
  std::string account = checked_account(ctx.store(), a.account);
  if (!unwrap(ctx.store().remove_suppression(account, a.address)))
    throw CommandError(a.address + " is not on the suppression list of account " + account);
  ctx.out << "removed " << a.address << " from the suppression list of account " << account
          << '\n';
}

void list_addresses(Context& ctx, const SuppressionArgs& a) {
  std::string account = checked_account(ctx.store(), a.account);
  auto rows = unwrap(ctx.store().list_suppressions(account));
  if (a.json) {
    nlohmann::json doc = nlohmann::json::array();
    for (const auto& r : rows)
      doc.push_back({{"address", r.address}, {"reason", r.reason},
                     {"created_at", time_or_null(r.created_at)}});
    ctx.out << doc.dump(2) << '\n';
    return;
  }
  TextTable table({"ADDRESS", "REASON", "CREATED"});
  for (const auto& r : rows)
    table.add_row({r.address, r.reason, r.created_at ? format_iso8601(r.created_at) : "-"});
  table.print(ctx.out);
}

// Records of the CSV as Suppressions; the header line is optional. Errors name the line.
std::vector<storage::Suppression> read_rows(const std::string& text) {
  auto records = unwrap(parse_csv(text));
  std::vector<storage::Suppression> rows;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    if (i == 0 && r[0] == "address") continue;
    const std::string where = "record " + std::to_string(i + 1) + ": ";
    storage::Suppression s;
    try {
      s.address = checked_address(r[0]);
    } catch (const CommandError& e) {
      throw CommandError(where + e.what());
    }
    s.reason = r.size() > 1 && !r[1].empty() ? r[1] : "import";
    if (r.size() > 2 && !r[2].empty()) {
      auto t = policy::parse_scheduled_at(r[2]);
      if (!t) throw CommandError(where + "invalid created_at '" + r[2] + "' (ISO 8601 expected)");
      s.created_at = *t;
    }
    rows.push_back(std::move(s));
  }
  return rows;
}

void import_csv(Context& ctx, const SuppressionArgs& a) {
  std::string account = checked_account(ctx.store(), a.account);
  std::ifstream in(a.file);
  if (!in) throw CommandError("cannot read " + a.file);
  std::stringstream text;
  text << in.rdbuf();
  auto rows = read_rows(text.str());
  auto added = unwrap(ctx.store().import_suppressions(account, rows));
  ctx.out << "imported " << added << " new of " << rows.size() << " addresses into account "
          << account << '\n';
}

void write_csv(std::ostream& out, const std::vector<storage::Suppression>& rows) {
  out << csv_line({"address", "reason", "created_at"});
  for (const auto& r : rows)
    out << csv_line({r.address, r.reason, r.created_at ? format_iso8601(r.created_at) : ""});
}

void export_csv(Context& ctx, const SuppressionArgs& a) {
  std::string account = checked_account(ctx.store(), a.account);
  auto rows = unwrap(ctx.store().list_suppressions(account));
  if (a.file.empty() || a.file == "-") {
    write_csv(ctx.out, rows);
    return;
  }
  std::ofstream out(a.file, std::ios::trunc);
  if (!out) throw CommandError("cannot write " + a.file);
  write_csv(out, rows);
  out.close();
  if (!out) throw CommandError("cannot write " + a.file);
  ctx.out << "exported " << rows.size() << " addresses to " << a.file << '\n';
}

using Handler = void (*)(Context&, const SuppressionArgs&);

struct Command {
  const char* name;
  const char* help;
  Handler handler;
  bool address, reason, json, file_required, file_optional;
};

constexpr Command kCommands[] = {
    {"add", "Suppress an address: RCPT TO it answers 550 5.1.1 [SUPPRESSED]", add_address, true, true,
     false, false, false},
    {"remove", "Take an address off the suppression list", remove_address, true, false, false, false,
     false},
    {"list", "List the suppressed addresses of an account", list_addresses, false, false, true, false,
     false},
    {"import", "Add the addresses of a CSV file (address[,reason[,created_at]]); idempotent",
     import_csv, false, false, false, true, false},
    {"export", "Write the list as CSV (address,reason,created_at) to FILE or stdout", export_csv,
     false, false, false, false, true},
};

}  // namespace

void add_suppression_commands(CLI::App& app, Context& ctx) {
  CLI::App* group = &command_group(app, "suppression",
                                   "Manage the suppression lists of accounts (F14)");
  for (const Command& c : kCommands) {
    auto args = std::make_shared<SuppressionArgs>();
    CLI::App* cmd = group->add_subcommand(c.name, c.help);
    cmd->add_option("ACCOUNT", args->account, "Account name")->required();
    if (c.address) cmd->add_option("ADDRESS", args->address, "Email address")->required();
    if (c.reason) cmd->add_option("--reason", args->reason, "Why (default: manual)");
    if (c.json) cmd->add_flag("--json", args->json, "One JSON array");
    if (c.file_required) cmd->add_option("FILE", args->file, "CSV file")->required();
    if (c.file_optional) cmd->add_option("FILE", args->file, "CSV file (default: stdout)");
    cmd->callback([&ctx, args, handler = c.handler] { handler(ctx, *args); });
  }
}

}  // namespace postern::cli
