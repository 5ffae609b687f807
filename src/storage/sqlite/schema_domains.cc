#include "storage/sqlite/migrations.h"

namespace postern::storage::sqlite {

// Migration 3: sender domains and their DKIM selectors. A domain name is unique across all
// accounts (one owner); removing an account with domains is refused (RESTRICT); selectors
// go with their domain (CASCADE). Only public keys are stored: private keys are files.
const char* const kDomainsSchema = R"sql(
CREATE TABLE domains (
  id            INTEGER PRIMARY KEY,
  account_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,
  name          TEXT NOT NULL UNIQUE,
  spf_status    TEXT NOT NULL DEFAULT 'unchecked',
  dkim_status   TEXT NOT NULL DEFAULT 'unchecked',
  dmarc_status  TEXT NOT NULL DEFAULT 'unchecked',
  checked_at    INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL
);
CREATE INDEX domains_account ON domains (account_id, name);

CREATE TABLE dkim_selectors (
  domain_id   INTEGER NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
  selector    TEXT NOT NULL,
  algorithm   TEXT NOT NULL,
  public_key  TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (domain_id, selector)
) WITHOUT ROWID;
)sql";

}  // namespace postern::storage::sqlite
