#include "cli/options.h"

#include <openssl/crypto.h>

#include <istream>
#include <ostream>

#include "base/random.h"

namespace postern::cli {

namespace {

CLI::IsMember choices(std::span<const std::string_view> allowed) {
  return CLI::IsMember(std::vector<std::string>(allowed.begin(), allowed.end()));
}

}  // namespace

CLI::App& command_group(CLI::App& app, const std::string& name, const std::string& help) {
  auto same_name = [&name](CLI::App* sub) { return sub->get_name() == name; };
  if (auto existing = app.get_subcommands(same_name); !existing.empty()) return *existing.front();
  CLI::App* group = app.add_subcommand(name, help);
  group->require_subcommand(1);
  return *group;
}

void add_user_setting_options(CLI::App& cmd, UserSettingFlags& f) {
  f.allow_ips_opt =
      cmd.add_option("--allow-ip", f.allow_ips,
                     "Source IPv4/IPv6 address or CIDR allowed to log in (repeatable, or "
                     "comma-separated; at most 50; none = any source)")
          ->allow_extra_args(false)
          ->delimiter(',');
  f.allow_ip_mode_opt = cmd.add_option("--allow-ip-mode", f.allow_ip_mode,
                                       "enforce: refuse other sources; report: only log them")
                            ->check(choices(kAllowIpModes));
  f.mode_opt = cmd.add_option("--mode", f.mode,
                              "Sender permission: assigned domains, any account domain, or any")
                   ->check(choices(kSenderModes));
  f.domains_opt = cmd.add_option("--domain", f.domains, "Assigned sender domain (repeatable)")
                      ->allow_extra_args(false)
                      ->delimiter(',');
  f.quota_opt = cmd.add_option("--quota", f.quota, "Messages per quota period (0 = unlimited)");
  f.quota_period_opt = cmd.add_option("--quota-period", f.quota_period, "day, month or total")
                           ->check(choices(kQuotaPeriods));
  f.quota_action_opt =
      cmd.add_option("--quota-action", f.quota_action,
                     "When over quota: tempfail (452) or reject (550)")
          ->check(choices(kQuotaActions));
  f.rate_opt = cmd.add_option("--rate", f.rate,
                              "Rate limit N/PERIOD, PERIOD s|m|h|d (e.g. 100/m); 'none' clears");
}

UserSettings to_user_settings(const UserSettingFlags& f) {
  UserSettings s;
  auto given = [](const CLI::Option* o) { return o != nullptr && o->count() > 0; };
  if (given(f.allow_ips_opt)) s.allow_ips = f.allow_ips;
  if (given(f.allow_ip_mode_opt)) s.allow_ip_mode = f.allow_ip_mode;
  if (given(f.mode_opt)) s.mode = f.mode;
  if (given(f.domains_opt)) s.domains = f.domains;
  if (given(f.quota_opt)) s.quota = f.quota;
  if (given(f.quota_period_opt)) s.quota_period = f.quota_period;
  if (given(f.quota_action_opt)) s.quota_action = f.quota_action;
  if (given(f.rate_opt)) s.rate = f.rate;
  return s;
}

void add_password_options(CLI::App& cmd, PasswordFlags& f) {
  auto* from_stdin = cmd.add_flag("--password-stdin", f.from_stdin,
                                  "Read the password from one line of standard input (the "
                                  "trailing newline is not part of it)");
  auto* generate = cmd.add_flag("--generate", f.generate,
                                "Generate a 24-character password and print it once as "
                                "'password: <pw>' (the default when neither flag is given)");
  from_stdin->excludes(generate);
}

Secret read_password_line(std::istream& in) {
  std::string line;
  if (!std::getline(in, line)) throw CommandError("no password on standard input");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  Secret secret(line);
  OPENSSL_cleanse(line.data(), line.size());
  return secret;
}

NewPassword obtain_password(const PasswordFlags& f, std::istream& in) {
  if (f.from_stdin) return {read_password_line(in), false};
  return {Secret(generate_password()), true};
}

void print_generated_password(std::ostream& out, const Secret& password) {
  out << "password: " << password.reveal() << '\n';
}

}  // namespace postern::cli
