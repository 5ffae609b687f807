// SqliteStore: sender domains and their DKIM selectors (DomainStore).
#include <functional>

#include "storage/names.h"
#include "storage/sqlite/sqlite_store.h"

namespace postern::storage::sqlite {
namespace {

constexpr const char* kSelectDomain =
    "SELECT d.id, a.name, d.name, d.spf_status, d.dkim_status, d.dmarc_status, d.checked_at,"
    " d.created_at FROM domains d JOIN accounts a ON a.id = d.account_id";

CheckStatus status_of(const std::string& text) {
  return parse_check_status(text).value_or(CheckStatus::Unchecked);
}

Domain domain_from_row(const Statement& row) {
  Domain d;
  d.id = row.int64(0);
  d.account = row.text(1);
  d.name = row.text(2);
  d.verification.spf = status_of(row.text(3));
  d.verification.dkim = status_of(row.text(4));
  d.verification.dmarc = status_of(row.text(5));
  d.verification.checked_at = row.int64(6);
  d.created_at = row.int64(7);
  return d;
}

// Rsa before Ed25519 (the order signatures are produced in), then by selector name.
void load_selectors(Connection& conn, Domain& d) {
  auto stmt = conn.prepare(
      "SELECT selector, algorithm, public_key, created_at FROM dkim_selectors"
      " WHERE domain_id = ? ORDER BY algorithm DESC, selector");
  stmt.bind(1, d.id);
  while (stmt.step()) {
    auto algorithm = parse_dkim_algorithm(stmt.text(1));
    if (!algorithm) continue;  // written by a newer Postern: not ours to use
    d.selectors.push_back({stmt.text(0), *algorithm, stmt.text(2), stmt.int64(3)});
  }
}

std::vector<Domain> select_domains(Connection& conn, const std::string& where,
                                   const std::function<void(Statement&)>& bind) {
  auto stmt = conn.prepare(std::string(kSelectDomain) + where);
  bind(stmt);
  std::vector<Domain> out;
  while (stmt.step()) out.push_back(domain_from_row(stmt));
  for (Domain& d : out) load_selectors(conn, d);
  return out;
}

std::string lower(const std::string& name) {
  auto n = normalize_domain_name(name);
  return n ? n.value() : name;
}

}  // namespace

Result<Domain> SqliteStore::add_domain(const std::string& account, const std::string& raw_name,
                                       const std::vector<DkimSelector>& selectors) {
  auto name = normalize_domain_name(raw_name);
  if (!name) return name.error();
  std::lock_guard lock(mu_);
  try {
    Transaction tx(*conn_);
    auto acct = conn_->prepare("SELECT id FROM accounts WHERE name = ?");
    acct.bind(1, normalize_name(account));
    if (!acct.step()) return Error{"no such account: " + account};
    const std::int64_t account_id = acct.int64(0);
    const Millis now = clock_.now_ms();
    conn_->prepare("INSERT INTO domains (account_id, name, created_at) VALUES (?, ?, ?)")
        .bind(1, account_id)
        .bind(2, *name)
        .bind(3, now)
        .run();
    const std::int64_t id = conn_->last_insert_rowid();
    for (const DkimSelector& s : selectors) {
      conn_->prepare("INSERT INTO dkim_selectors (domain_id, selector, algorithm, public_key,"
                     " created_at) VALUES (?, ?, ?, ?, ?)")
          .bind(1, id)
          .bind(2, s.selector)
          .bind(3, to_string(s.algorithm))
          .bind(4, s.public_key)
          .bind(5, s.created_at ? s.created_at : now)
          .run();
    }
    auto added = select_domains(*conn_, " WHERE d.id = ?",
                                [&](Statement& st) { st.bind(1, id); });
    tx.commit();
    return added.at(0);
  } catch (const SqliteError& e) {
    if (e.unique_violation()) return Error{"domain " + *name + " already exists"};
    return Error{e.what()};
  }
}

std::optional<Domain> SqliteStore::find_domain(const std::string& name) {
  std::lock_guard lock(mu_);
  auto found = select_domains(*conn_, " WHERE d.name = ?",
                              [&](Statement& st) { st.bind(1, lower(name)); });
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::vector<Domain> SqliteStore::list_domains(const std::optional<std::string>& account) {
  std::lock_guard lock(mu_);
  if (account)
    return select_domains(*conn_, " WHERE a.name = ? ORDER BY d.name",
                          [&](Statement& st) { st.bind(1, normalize_name(*account)); });
  return select_domains(*conn_, " ORDER BY d.name", [](Statement&) {});
}

Status SqliteStore::remove_domain(const std::string& name) {
  std::lock_guard lock(mu_);
  try {
    conn_->prepare("DELETE FROM domains WHERE name = ?").bind(1, lower(name)).run();
    if (conn_->changes() == 0) return Error{"no such domain: " + name};
    return ok_status();
  } catch (const SqliteError& e) {
    return Error{e.what()};
  }
}

std::optional<Domain> SqliteStore::domain_of_account(const std::string& account,
                                                     const std::string& name) {
  std::lock_guard lock(mu_);
  auto found = select_domains(*conn_, " WHERE d.name = ? AND a.name = ?", [&](Statement& st) {
    st.bind(1, lower(name)).bind(2, normalize_name(account));
  });
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

Status SqliteStore::set_verification(const std::string& name, const DomainVerification& v) {
  std::lock_guard lock(mu_);
  try {
    conn_->prepare("UPDATE domains SET spf_status = ?, dkim_status = ?, dmarc_status = ?,"
                   " checked_at = ? WHERE name = ?")
        .bind(1, to_string(v.spf))
        .bind(2, to_string(v.dkim))
        .bind(3, to_string(v.dmarc))
        .bind(4, v.checked_at)
        .bind(5, lower(name))
        .run();
    if (conn_->changes() == 0) return Error{"no such domain: " + name};
    return ok_status();
  } catch (const SqliteError& e) {
    return Error{e.what()};
  }
}

}  // namespace postern::storage::sqlite
