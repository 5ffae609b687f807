// `postern domain add|verify|list|remove` (interface.md, "CLI"; F9).
#include <memory>
#include <ostream>

#include "cli/cli.h"
#include "cli/domain_json.h"
#include "cli/options.h"
#include "cli/text_table.h"
#include "cli/user_settings.h"
#include "dkim/dns_records.h"
#include "dkim/domains.h"
#include "dkim/verify.h"

namespace postern::cli {
namespace {

struct DomainArgs {
  std::string account;
  std::string domain;
  bool json = false;
};

const config::Config& require_config(Context& ctx) {
  if (!ctx.config) throw CommandError("the domain commands need the configuration");
  return ctx.config();
}

std::string normalized_domain(const std::string& text) {
  return unwrap(storage::normalize_domain_name(text));
}

void print_records(Context& ctx, const storage::Domain& d, const std::string& spf_include) {
  ctx.out << "publish these DNS records (zone-file form):\n";
  for (const auto& r : dkim::records_to_publish(d, spf_include)) {
    ctx.out << r.zone_line() << '\n';
    if (r.kind == dkim::RecordKind::Spf)
      ctx.out << "  ; SPF: if " << d.name << " already has a v=spf1 record, add include:"
              << spf_include << " to it instead (only one v=spf1 record is allowed)\n";
  }
  ctx.out << "then run: postern domain verify " << d.name << '\n';
}

void add_domain(Context& ctx, const DomainArgs& a) {
  const config::Config& config = require_config(ctx);
  std::string account = unwrap(normalize_account_name(a.account));
  std::string name = normalized_domain(a.domain);
  storage::Store& store = ctx.store();
  storage::Domain d =
      unwrap(dkim::add_domain_with_keys(store, dkim::KeyStore(config.data_dir), account, name,
                                        now_ms()));
  if (a.json) {
    ctx.out << domain_to_json(d, config.spf_include).dump(2) << '\n';
    return;
  }
  ctx.out << "added domain " << d.name << " to account " << d.account << " (DKIM selectors";
  for (const auto& s : d.selectors) ctx.out << ' ' << s.selector;
  ctx.out << ")\n";
  print_records(ctx, d, config.spf_include);
}

std::string check_line(const char* what, const dkim::CheckResult& c) {
  std::string line = std::string(what) + ": " + storage::to_string(c.status) + " — " + c.detail;
  if (!c.found.empty()) line += "\n    found: " + c.found;
  if (c.status != storage::CheckStatus::Ok) line += "\n    expected: " + c.expected;
  return line;
}

void verify_domain(Context& ctx, const DomainArgs& a) {
  const config::Config& config = require_config(ctx);
  std::string name = normalized_domain(a.domain);
  storage::Store& store = ctx.store();
  auto d = store.find_domain(name);
  if (!d) throw CommandError("no such domain: " + name);
  if (!ctx.resolver) throw CommandError("no DNS resolver available");
  std::unique_ptr<dns::Resolver> resolver = ctx.resolver();
  dkim::DomainReport report = dkim::verify_domain(*d, *resolver, config.spf_include);
  const Millis now = now_ms();
  check(store.set_verification(name, report.verification(now)));
  if (a.json) {
    ctx.out << report_to_json(report, now).dump(2) << '\n';
    return;
  }
  ctx.out << check_line("SPF", report.spf) << '\n';
  for (const auto& s : report.dkim)
    ctx.out << check_line(("DKIM " + s.selector).c_str(), s.result) << '\n';
  ctx.out << check_line("DMARC", report.dmarc) << '\n';
  storage::Domain summary;
  summary.verification = report.verification(now);
  ctx.out << name << (summary.verified() ? " is verified" : " is not verified yet") << '\n';
}

void list_domains(Context& ctx, const DomainArgs& a) {
  std::optional<std::string> account;
  if (!a.account.empty()) account = unwrap(normalize_account_name(a.account));
  storage::Store& store = ctx.store();
  if (account && !store.find_account(*account)) throw CommandError("no such account: " + *account);
  std::vector<storage::Domain> domains = store.list_domains(account);
  if (a.json) {
    const std::string spf_include = ctx.config ? ctx.config().spf_include : "";
    nlohmann::json doc = nlohmann::json::array();
    for (const auto& d : domains) doc.push_back(domain_to_json(d, spf_include));
    ctx.out << doc.dump(2) << '\n';
    return;
  }
  TextTable table({"DOMAIN", "ACCOUNT", "SELECTORS", "SPF", "DKIM", "DMARC", "CHECKED"});
  for (const auto& d : domains) {
    std::string selectors;
    for (const auto& s : d.selectors) selectors += (selectors.empty() ? "" : ",") + s.selector;
    const auto& v = d.verification;
    table.add_row({d.name, d.account, selectors, storage::to_string(v.spf),
                   storage::to_string(v.dkim), storage::to_string(v.dmarc),
                   v.checked_at ? format_iso8601(v.checked_at) : "-"});
  }
  table.print(ctx.out);
}

void remove_domain(Context& ctx, const DomainArgs& a) {
  const config::Config& config = require_config(ctx);
  std::string name = normalized_domain(a.domain);
  check(dkim::remove_domain_with_keys(ctx.store(), dkim::KeyStore(config.data_dir), name));
  ctx.out << "removed domain " << name << " and its DKIM keys\n";
}

}  // namespace

void add_domain_commands(CLI::App& app, Context& ctx) {
  CLI::App* group = &command_group(app, "domain", "Manage sender domains and their DKIM keys");

  auto add_args = std::make_shared<DomainArgs>();
  CLI::App* add = group->add_subcommand(
      "add", "Add a sender domain to an account, generate its DKIM keys (RSA-2048, Ed25519) "
             "and print the DNS records to publish");
  add->add_option("ACCOUNT", add_args->account, "Account name")->required();
  add->add_option("DOMAIN", add_args->domain, "Domain name, e.g. example.com")->required();
  add->add_flag("--json", add_args->json, "One JSON document");
  add->callback([&ctx, add_args] { add_domain(ctx, *add_args); });

  auto verify_args = std::make_shared<DomainArgs>();
  CLI::App* verify =
      group->add_subcommand("verify", "Check the domain's SPF, DKIM and DMARC records in DNS");
  verify->add_option("DOMAIN", verify_args->domain, "Domain name")->required();
  verify->add_flag("--json", verify_args->json, "One JSON document");
  verify->callback([&ctx, verify_args] { verify_domain(ctx, *verify_args); });

  auto list_args = std::make_shared<DomainArgs>();
  CLI::App* list = group->add_subcommand("list", "List sender domains");
  list->add_option("--account", list_args->account, "Only this account's domains");
  list->add_flag("--json", list_args->json, "One JSON array");
  list->callback([&ctx, list_args] { list_domains(ctx, *list_args); });

  auto remove_args = std::make_shared<DomainArgs>();
  CLI::App* remove =
      group->add_subcommand("remove", "Remove a sender domain and delete its DKIM keys");
  remove->add_option("DOMAIN", remove_args->domain, "Domain name")->required();
  remove->callback([&ctx, remove_args] { remove_domain(ctx, *remove_args); });
}

}  // namespace postern::cli
