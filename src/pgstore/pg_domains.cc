// PgStore: sender domains and their DKIM selectors (DomainStore).
#include "pgstore/pg_store.h"
#include "storage/names.h"

namespace postern::pgstore {

using storage::Domain;

namespace {

constexpr const char* kSelectDomain =
    "SELECT d.id, a.name, d.name, d.spf_status, d.dkim_status, d.dmarc_status, d.checked_at,"
    " d.created_at FROM domains d JOIN accounts a ON a.id = d.account_id";

storage::CheckStatus status_of(const std::string& text) {
  return storage::parse_check_status(text).value_or(storage::CheckStatus::Unchecked);
}

// Rsa before Ed25519 (the order signatures are produced in), then by selector name.
void load_selectors(Connection& c, Domain& d) {
  auto r = c.exec(
      "SELECT selector, algorithm, public_key, created_at FROM dkim_selectors"
      " WHERE domain_id = $1 ORDER BY algorithm DESC, selector",
      {d.id});
  for (int i = 0; i < r.rows(); ++i) {
    auto algorithm = storage::parse_dkim_algorithm(r.text(i, 1));
    if (!algorithm) continue;  // written by a newer Postern: not ours to use
    d.selectors.push_back({r.text(i, 0), *algorithm, r.text(i, 2), r.int64(i, 3)});
  }
}

std::vector<Domain> select_domains(Connection& c, const std::string& where,
                                   std::initializer_list<Param> params) {
  auto r = c.exec(std::string(kSelectDomain) + where, params);
  std::vector<Domain> out;
  for (int i = 0; i < r.rows(); ++i) {
    Domain d;
    d.id = r.int64(i, 0);
    d.account = r.text(i, 1);
    d.name = r.text(i, 2);
    d.verification.spf = status_of(r.text(i, 3));
    d.verification.dkim = status_of(r.text(i, 4));
    d.verification.dmarc = status_of(r.text(i, 5));
    d.verification.checked_at = r.int64(i, 6);
    d.created_at = r.int64(i, 7);
    out.push_back(std::move(d));
  }
  for (Domain& d : out) load_selectors(c, d);
  return out;
}

std::optional<Domain> first(std::vector<Domain> found) {
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::string lower(const std::string& name) {
  auto n = storage::normalize_domain_name(name);
  return n ? n.value() : name;
}

}  // namespace

Result<Domain> PgStore::add_domain(const std::string& account, const std::string& raw_name,
                                   const std::vector<storage::DkimSelector>& selectors) {
  auto name = storage::normalize_domain_name(raw_name);
  if (!name) return name.error();
  try {
    return write([&](Connection& c) -> Result<Domain> {
      Transaction tx(c);
      auto acct = c.exec("SELECT id FROM accounts WHERE name = $1",
                         {storage::normalize_name(account)});
      if (acct.rows() == 0) return Error{"no such account: " + account};
      const Millis now = clock_.now_ms();
      const std::int64_t id =
          c.exec("INSERT INTO domains (account_id, name, created_at) VALUES ($1, $2, $3)"
                 " RETURNING id",
                 {acct.int64(0, 0), *name, now})
              .int64(0, 0);
      for (const storage::DkimSelector& s : selectors)
        c.exec("INSERT INTO dkim_selectors (domain_id, selector, algorithm, public_key,"
               " created_at) VALUES ($1, $2, $3, $4, $5)",
               {id, s.selector, to_string(s.algorithm), s.public_key,
                s.created_at ? s.created_at : now});
      auto added = select_domains(c, " WHERE d.id = $1", {id});
      tx.commit();
      return added.at(0);
    });
  } catch (const PgError& e) {
    if (e.unique_violation()) return Error{"domain " + *name + " already exists"};
    return Error{e.what()};
  }
}

std::optional<Domain> PgStore::find_domain(const std::string& name) {
  return read([&](Connection& c) {
    return first(select_domains(c, " WHERE d.name = $1", {lower(name)}));
  });
}

std::vector<Domain> PgStore::list_domains(const std::optional<std::string>& account) {
  return read([&](Connection& c) {
    if (account)
      return select_domains(c, " WHERE a.name = $1 ORDER BY d.name",
                            {storage::normalize_name(*account)});
    return select_domains(c, " ORDER BY d.name", {});
  });
}

Status PgStore::remove_domain(const std::string& name) {
  try {
    auto n = write([&](Connection& c) {
      return c.exec("DELETE FROM domains WHERE name = $1", {lower(name)}).affected();
    });
    if (n == 0) return Error{"no such domain: " + name};
    return ok_status();
  } catch (const PgError& e) {
    return Error{e.what()};
  }
}

std::optional<Domain> PgStore::domain_of_account(const std::string& account,
                                                 const std::string& name) {
  return read([&](Connection& c) {
    return first(select_domains(c, " WHERE d.name = $1 AND a.name = $2",
                                {lower(name), storage::normalize_name(account)}));
  });
}

Status PgStore::set_verification(const std::string& name, const storage::DomainVerification& v) {
  try {
    auto n = write([&](Connection& c) {
      return c
          .exec("UPDATE domains SET spf_status = $1, dkim_status = $2, dmarc_status = $3,"
                " checked_at = $4 WHERE name = $5",
                {to_string(v.spf), to_string(v.dkim), to_string(v.dmarc), v.checked_at,
                 lower(name)})
          .affected();
    });
    if (n == 0) return Error{"no such domain: " + name};
    return ok_status();
  } catch (const PgError& e) {
    return Error{e.what()};
  }
}

}  // namespace postern::pgstore
