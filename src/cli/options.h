// CLI11 option helpers shared by the command groups: the user-setting flags of `user add` and
// `user set`, the password source flags, and turning Result/Status into CommandError.
// Flag structs are owned by the command's callback (shared_ptr) and read after parsing.
#pragma once
#include <CLI/CLI.hpp>

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/secret.h"
#include "cli/cli.h"
#include "cli/user_settings.h"

namespace postern::cli {

template <class T>
T unwrap(Result<T> result) {
  if (!result) throw CommandError(result.error().message);
  return std::move(result).value();
}
inline void check(const Status& status) {
  if (!status) throw CommandError(status.error().message);
}

// The subcommand `name` of app, created (requiring one subcommand) if absent, so that other
// modules can add to the same group (e.g. `log messages` beside `log auth`).
CLI::App& command_group(CLI::App& app, const std::string& name, const std::string& help);

// --allow-ip, --allow-ip-mode, --mode, --domain, --quota, --quota-period, --quota-action, --rate.
struct UserSettingFlags {
  std::vector<std::string> allow_ips, domains;
  std::string allow_ip_mode, mode, quota_period, quota_action, rate;
  std::int64_t quota = 0;
  CLI::Option *allow_ips_opt = nullptr, *allow_ip_mode_opt = nullptr, *mode_opt = nullptr,
              *domains_opt = nullptr, *quota_opt = nullptr, *quota_period_opt = nullptr,
              *quota_action_opt = nullptr, *rate_opt = nullptr;
};
void add_user_setting_options(CLI::App& cmd, UserSettingFlags& flags);
// Only the options given on the command line are set.
UserSettings to_user_settings(const UserSettingFlags& flags);

// --password-stdin | --generate (the default when neither is given).
struct PasswordFlags {
  bool from_stdin = false;
  bool generate = false;
};
void add_password_options(CLI::App& cmd, PasswordFlags& flags);

struct NewPassword {
  Secret secret;
  bool generated = false;  // the caller prints it once, after the store accepted it
};
NewPassword obtain_password(const PasswordFlags& flags, std::istream& in);
// One line; the trailing "\n" (and a "\r" before it) is not part of the password.
Secret read_password_line(std::istream& in);
// The one place a password is ever printed: "password: <pw>" on its own line.
void print_generated_password(std::ostream& out, const Secret& password);

}  // namespace postern::cli
