// PgStore: opening (pool, encoding check, migrations, listener), accounts, change marker.
#include "pgstore/pg_store.h"

#include "base/encoding.h"
#include "base/random.h"
#include "pgstore/migrations.h"
#include "pgstore/row_codec.h"
#include "storage/names.h"

namespace postern::pgstore {

using storage::Account;
using storage::AccountStatus;

const Clock& default_clock() {
  static const SystemClock clock;
  return clock;
}

Result<std::unique_ptr<storage::Store>> open(const std::string& url, const Clock& clock,
                                             const Options& options) {
  auto store = PgStore::open(url, clock, options);
  if (!store) return store.error();
  return std::unique_ptr<storage::Store>(std::move(store).value());
}

Result<std::unique_ptr<PgStore>> PgStore::open(const std::string& url, const Clock& clock,
                                               const Options& options) {
  auto info = ConnInfo::parse(url);
  if (!info) return info.error();
  try {
    return std::unique_ptr<PgStore>(new PgStore(std::move(info).value(), clock, options));
  } catch (const std::exception& e) {  // PgError, or a bad option (pool size 0)
    return Error{e.what()};
  }
}

PgStore::PgStore(ConnInfo info, const Clock& clock, const Options& options)
    : info_(std::move(info)), clock_(clock), origin_(hex_encode(random_bytes(8))) {
  // Every pooled session carries our origin id, which the change triggers put in their
  // NOTIFY payload (see schema.cc): the listener then skips our own changes.
  pool_ = std::make_unique<Pool>(info_, options.pool, [origin = origin_](Connection& c) {
    c.exec("SELECT set_config('postern.origin', $1, false)", {origin});
  });
  {
    auto conn = pool_->acquire();
    const std::string encoding = conn->exec("SHOW server_encoding").text(0, 0);
    if (encoding != "UTF8" && encoding != "SQL_ASCII")
      throw PgError("database " + info_.describe() + " has encoding " + encoding +
                    "; Postern needs UTF8 (CREATE DATABASE ... ENCODING 'UTF8')");
    schema_version_ = migrate(*conn, clock_.now_ms());
  }
  listener_ = std::make_unique<ChangeListener>(info_, origin_);
}

PgStore::~PgStore() = default;

// --- accounts ---

Result<Account> PgStore::create_account(const std::string& raw_name) {
  if (auto s = storage::validate_account_name(raw_name); !s) return s.error();
  const std::string name = storage::normalize_name(raw_name);
  try {
    Account a = write([&](Connection& c) {
      return account_from_row(
          c.exec("INSERT INTO accounts (name, status, suspend_reason, created_at)"
                 " VALUES ($1, 'active', '', $2)"
                 " RETURNING id, name, status, suspend_reason, created_at",
                 {name, clock_.now_ms()}),
          0);
    });
    changed();
    return a;
  } catch (const PgError& e) {
    if (e.unique_violation()) return Error{"account \"" + name + "\" already exists"};
    return Error{e.what()};
  }
}

std::optional<Account> PgStore::find_account(const std::string& name) {
  return read([&](Connection& c) -> std::optional<Account> {
    auto r = c.exec(std::string(kSelectAccount) + " WHERE name = $1",
                    {storage::normalize_name(name)});
    if (r.rows() == 0) return std::nullopt;
    return account_from_row(r, 0);
  });
}

std::vector<Account> PgStore::list_accounts() {
  return read([&](Connection& c) {
    auto r = c.exec(std::string(kSelectAccount) + " ORDER BY name");
    std::vector<Account> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(account_from_row(r, i));
    return out;
  });
}

Status PgStore::set_account_status(const std::string& raw_name, AccountStatus status,
                                   const std::string& reason) {
  const std::string name = storage::normalize_name(raw_name);
  try {
    auto n = write([&](Connection& c) {
      return c
          .exec("UPDATE accounts SET status = $1, suspend_reason = $2 WHERE name = $3",
                {to_string(status),
                 status == AccountStatus::Suspended ? reason : std::string(), name})
          .affected();
    });
    if (n == 0) return Error{"no account named \"" + name + "\""};
    changed();
    return ok_status();
  } catch (const PgError& e) {
    return Error{e.what()};
  }
}

// --- change marker ---

std::int64_t PgStore::change_marker() {
  // Both terms only grow, so their sum changes whenever either does.
  return listener_->marker() + local_changes_.load(std::memory_order_relaxed);
}

}  // namespace postern::pgstore
