#include "cli/user_settings.h"

#include <algorithm>
#include <charconv>

#include "auth/password_hash.h"
#include "policy/ip_allow_list.h"
#include "storage/names.h"

namespace postern::cli {

namespace {

std::string join_choices(std::span<const std::string_view> allowed) {
  std::string out;
  for (std::size_t i = 0; i < allowed.size(); ++i) {
    if (i > 0) out += i + 1 == allowed.size() ? " or " : ", ";
    out += allowed[i];
  }
  return out;
}

bool valid_label(std::string_view label) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
    return false;
  return std::all_of(label.begin(), label.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

Result<std::string> normalize_domain(std::string_view text) {
  std::string d = storage::normalize_name(text);
  if (!d.empty() && d.back() == '.') d.pop_back();
  bool ok = !d.empty() && d.size() <= 253 && d.find('.') != std::string::npos;
  for (std::size_t start = 0; ok && start <= d.size();) {
    std::size_t dot = std::min(d.find('.', start), d.size());
    ok = valid_label(std::string_view(d).substr(start, dot - start));
    start = dot + 1;
  }
  if (!ok)
    return Error{"invalid domain '" + std::string(text) +
                 "': expected a domain name such as example.com (IDNs in A-label form)"};
  return d;
}

}  // namespace

Result<std::string> normalize_username(std::string_view username) {
  // storage's words, shared with the Store and the HTTP API (including the '@' explanation).
  if (Status s = storage::validate_username(username); !s) return s.error();
  return storage::normalize_name(username);
}

Result<std::string> normalize_account_name(std::string_view name) {
  if (Status s = storage::validate_account_name(name); !s) return s.error();
  return storage::normalize_name(name);
}

Result<std::vector<std::string>> canonical_allow_ips(const std::vector<std::string>& entries) {
  auto list = policy::IpAllowList::parse(entries);
  if (!list) return list.error();
  return list->canonical();
}

Result<std::vector<std::string>> normalize_domains(const std::vector<std::string>& domains) {
  std::vector<std::string> out;
  for (const std::string& d : domains) {
    auto n = normalize_domain(d);
    if (!n) return n.error();
    if (std::find(out.begin(), out.end(), *n) == out.end()) out.push_back(std::move(*n));
  }
  return out;
}

Result<std::string> normalize_rate(std::string_view rate) {
  if (rate.empty() || rate == "none") return std::string();
  Error bad{"invalid rate '" + std::string(rate) +
            "': expected N/PERIOD with PERIOD s, m, h or d (e.g. 100/m, 5000/h)"};
  std::size_t slash = rate.find('/');
  if (slash == std::string_view::npos || slash + 2 != rate.size()) return bad;
  if (std::string_view("smhd").find(rate.back()) == std::string_view::npos) return bad;
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(rate.data(), rate.data() + slash, n);
  if (ec != std::errc() || p != rate.data() + slash || n < 1 || n > 1'000'000'000) return bad;
  return std::string(rate);
}

Status check_choice(std::string_view option, std::string_view value,
                    std::span<const std::string_view> allowed) {
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return ok_status();
  return Error{"invalid " + std::string(option) + " '" + std::string(value) + "': expected " +
               join_choices(allowed)};
}

Status apply_user_settings(const UserSettings& s, storage::SmtpUser& user) {
  storage::SmtpUser next = user;  // all-or-nothing: write back only when every field is valid
  if (s.allow_ips) {
    auto ips = canonical_allow_ips(*s.allow_ips);
    if (!ips) return ips.error();
    next.allow_ips = std::move(*ips);
  }
  struct Choice {
    const char* option;
    const std::optional<std::string>& value;
    std::span<const std::string_view> allowed;
    std::string& field;
  };
  const Choice choices[] = {
      {"allow_ip_mode", s.allow_ip_mode, kAllowIpModes, next.allow_ip_mode},
      {"mode", s.mode, kSenderModes, next.mode},
      {"quota_period", s.quota_period, kQuotaPeriods, next.quota_period},
      {"quota_action", s.quota_action, kQuotaActions, next.quota_action},
  };
  for (const Choice& c : choices) {
    if (!c.value) continue;
    if (Status st = check_choice(c.option, *c.value, c.allowed); !st) return st;
    c.field = *c.value;
  }
  if (s.domains) {
    auto domains = normalize_domains(*s.domains);
    if (!domains) return domains.error();
    next.domains = std::move(*domains);
  }
  if (s.quota) {
    if (*s.quota < 0) return Error{"invalid quota: must be 0 (unlimited) or more"};
    next.quota = *s.quota;
  }
  if (s.rate) {
    auto rate = normalize_rate(*s.rate);
    if (!rate) return rate.error();
    next.rate = std::move(*rate);
  }
  user = std::move(next);
  return ok_status();
}

Status set_password(storage::SmtpUser& user, const Secret& password, std::int64_t grace_seconds,
                    Millis now) {
  if (grace_seconds < 0) return Error{"invalid grace: must not be negative"};
  auto hash = auth::hash_password(password.reveal());
  if (!hash) return hash.error();
  if (grace_seconds > 0 && !user.password_hash.empty()) {
    user.previous_password_hash = std::move(user.password_hash);
    user.previous_password_until = now + grace_seconds * 1000;
  } else {
    user.previous_password_hash.clear();
    user.previous_password_until = 0;
  }
  user.password_hash = std::move(*hash);
  return ok_status();
}

}  // namespace postern::cli
