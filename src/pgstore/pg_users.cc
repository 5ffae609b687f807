// PgStore: SMTP users and their assigned domains.
#include <algorithm>

#include "base/random.h"
#include "pgstore/pg_store.h"
#include "pgstore/row_codec.h"
#include "storage/names.h"

namespace postern::pgstore {

using storage::SmtpUser;
using storage::UserStatus;

namespace {

// The user as the Store keeps it: lower-case username, lower-case de-duplicated domains.
SmtpUser normalized(const SmtpUser& in) {
  SmtpUser u = in;
  u.username = storage::normalize_name(u.username);
  u.account_name = storage::normalize_name(u.account_name);
  std::vector<std::string> domains;
  for (const auto& d : u.domains) {
    std::string lower = storage::normalize_name(d);
    if (!lower.empty() && std::find(domains.begin(), domains.end(), lower) == domains.end())
      domains.push_back(std::move(lower));
  }
  u.domains = std::move(domains);
  return u;
}

Error write_error(const PgError& e, const SmtpUser& u) {
  if (e.unique_violation()) {
    if (e.constraint.find("uuid") != std::string::npos)
      return Error{"an SMTP user with uuid " + u.uuid + " already exists"};
    return Error{"SMTP user \"" + u.username + "\" already exists"};
  }
  return Error{e.what()};
}

std::vector<SmtpUser> users_of(const PgResult& r) {
  std::vector<SmtpUser> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(user_from_row(r, i));
  return out;
}

std::optional<SmtpUser> first_user(const PgResult& r) {
  if (r.rows() == 0) return std::nullopt;
  return user_from_row(r, 0);
}

// Replaces the user's assigned domains (inside the caller's transaction).
void store_domains(Connection& c, std::int64_t user_id, const std::vector<std::string>& domains) {
  c.exec("DELETE FROM user_domains WHERE user_id = $1", {user_id});
  for (const auto& d : domains)
    c.exec("INSERT INTO user_domains (user_id, domain) VALUES ($1, $2) ON CONFLICT DO NOTHING",
           {user_id, d});
}

}  // namespace

Result<SmtpUser> PgStore::create_user(const SmtpUser& input) {
  SmtpUser u = normalized(input);
  if (auto s = storage::validate_user(u); !s) return s.error();
  if (u.status == UserStatus::Deleted) return Error{"cannot create a deleted SMTP user"};
  if (u.uuid.empty()) u.uuid = new_uuid();
  try {
    auto created = write([&](Connection& c) -> Result<SmtpUser> {
      Transaction tx(c);
      auto account = c.exec("SELECT id FROM accounts WHERE id = $1 OR ($1 = 0 AND name = $2)",
                            {u.account_id, u.account_name});
      if (account.rows() == 0)
        return Error{u.account_id ? "no account with id " + std::to_string(u.account_id)
                                  : "no account named \"" + u.account_name + "\""};
      const std::int64_t account_id = account.int64(0, 0);
      const Millis now = clock_.now_ms();
      const std::int64_t id =
          c.exec("INSERT INTO smtp_users (uuid, account_id, username, password_hash,"
                 " previous_password_hash, previous_password_until, status, allow_ips,"
                 " allow_ip_mode, mode, quota, quota_period, quota_action, rate, version,"
                 " created_at, updated_at)"
                 " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1, $15,"
                 " $15) RETURNING id",
                 {u.uuid, account_id, u.username, u.password_hash, u.previous_password_hash,
                  u.previous_password_until, to_string(u.status), to_json_array(u.allow_ips),
                  u.allow_ip_mode, u.mode, u.quota, u.quota_period, u.quota_action, u.rate, now})
              .int64(0, 0);
      store_domains(c, id, u.domains);
      auto row = first_user(c.exec(std::string(kSelectUser) + " WHERE u.id = $1", {id}));
      tx.commit();
      if (!row) return Error{"SMTP user \"" + u.username + "\" vanished after insert"};
      return std::move(*row);
    });
    if (created) changed();
    return created;
  } catch (const PgError& e) {
    return write_error(e, u);
  }
}

std::optional<SmtpUser> PgStore::find_user(const std::string& username) {
  return read([&](Connection& c) {
    // The live user first; else the most recently deleted one.
    return first_user(c.exec(std::string(kSelectUser) +
                                 " WHERE lower(u.username) = $1"
                                 " ORDER BY (u.status = 'deleted'), u.deleted_at DESC, u.id DESC"
                                 " LIMIT 1",
                             {storage::normalize_name(username)}));
  });
}

std::optional<SmtpUser> PgStore::find_user_by_uuid(const std::string& uuid) {
  return read([&](Connection& c) {
    return first_user(c.exec(std::string(kSelectUser) + " WHERE u.uuid = $1", {uuid}));
  });
}

Status PgStore::update_user(const SmtpUser& input) {
  SmtpUser u = normalized(input);
  if (auto s = storage::validate_user(u); !s) return s.error();
  try {
    auto status = write([&](Connection& c) -> Status {
      Transaction tx(c);
      // deleted_at is stamped once, when the status first becomes 'deleted'.
      auto n = c.exec("UPDATE smtp_users SET username = $1, password_hash = $2,"
                      " previous_password_hash = $3, previous_password_until = $4, status = $5,"
                      " allow_ips = $6, allow_ip_mode = $7, mode = $8, quota = $9,"
                      " quota_period = $10, quota_action = $11, rate = $12,"
                      " version = version + 1, updated_at = $13,"
                      " deleted_at = CASE WHEN $5 <> 'deleted' THEN 0"
                      "   WHEN deleted_at = 0 THEN $13 ELSE deleted_at END"
                      " WHERE id = $14",
                      {u.username, u.password_hash, u.previous_password_hash,
                       u.previous_password_until, to_string(u.status),
                       to_json_array(u.allow_ips), u.allow_ip_mode, u.mode, u.quota,
                       u.quota_period, u.quota_action, u.rate, clock_.now_ms(), u.id})
                   .affected();
      if (n == 0) return Error{"no SMTP user with id " + std::to_string(u.id)};
      store_domains(c, u.id, u.domains);
      tx.commit();
      return ok_status();
    });
    if (status) changed();
    return status;
  } catch (const PgError& e) {
    return write_error(e, u);
  }
}

std::vector<SmtpUser> PgStore::list_users(const std::optional<std::string>& account) {
  return read([&](Connection& c) {
    const std::string base = std::string(kSelectUser) + " WHERE u.status <> 'deleted'";
    if (account)
      return users_of(c.exec(base + " AND a.name = $1 ORDER BY u.username, u.id",
                             {storage::normalize_name(*account)}));
    return users_of(c.exec(base + " ORDER BY u.username, u.id"));
  });
}

void PgStore::record_login(std::int64_t user_id, Millis when) {
  try {
    write([&](Connection& c) {
      c.exec("UPDATE smtp_users SET last_login_at = greatest(last_login_at, $1) WHERE id = $2",
             {when, user_id});
      return 0;
    });
  } catch (const storage::StoreError&) {
    // Best effort: a busy database must not turn a good login into a failure.
  }
}

}  // namespace postern::pgstore
