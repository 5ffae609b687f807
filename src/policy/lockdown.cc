#include "policy/lockdown.h"

#include <algorithm>

#include "policy/lockdown_record.h"
#include "smtp/replies.h"

namespace postern::policy {
namespace {

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

}  // namespace

DomainLockdown::DomainLockdown(dns::Resolver& resolver) : resolver_(resolver) {}

Decision DomainLockdown::check(DataContext& ctx) {
  const storage::SmtpUser& user = ctx.submission.user;
  const std::string uuid = lower(user.uuid), username = lower(user.username);
  std::vector<std::string> seen;
  std::string notes;
  for (const HeaderAddress& a : ctx.header_from) {
    if (a.domain_literal || std::find(seen.begin(), seen.end(), a.domain) != seen.end()) continue;
    seen.push_back(a.domain);
    auto answer = resolver_.txt("_postern." + a.domain);
    if (answer.rcode == dns::Rcode::ServFail || answer.rcode == dns::Rcode::Timeout) {
      notes += (notes.empty() ? "" : "; ") + ("lockdown lookup for " + a.domain + " failed");
      continue;
    }
    bool locked = false, listed = false;
    for (const std::string& txt : answer.records) {
      auto ids = parse_lockdown_record(txt);
      if (!ids) continue;
      locked = true;
      listed = listed || std::find_if(ids->begin(), ids->end(), [&](const std::string& id) {
                           return id == uuid || id == username;
                         }) != ids->end();
    }
    if (locked && !listed) {
      std::string ref = new_ref();
      return Decision::refuse(smtp::replies::lockdown_blocked(a.domain, ref), "lockdown",
                              "ref " + ref + ": _postern." + a.domain + " does not list " +
                                  user.username + " (" + user.uuid + ")");
    }
  }
  Decision d = Decision::accept();
  d.detail = notes;
  return d;
}

}  // namespace postern::policy
