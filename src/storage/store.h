// storage::Store: the repository interface every other module uses for accounts, SMTP users
// and the auth log. Implementations: SqliteStore (storage/sqlite/), later PostgreSQL.
// Implementations are thread-safe: any method may be called from any thread.
#pragma once
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "base/result.h"
#include "storage/control_store.h"
#include "storage/domain_store.h"
#include "storage/message_store.h"
#include "storage/policy_store.h"
#include "storage/records.h"

namespace postern::storage {

// Thrown by the methods that cannot return an Error (find_*, list_*, query_*, change_marker)
// when the database itself fails (I/O error, still locked after the busy timeout). Callers
// at a session boundary answer with a temporary failure (454/451), never with a 535.
struct StoreError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The whole store: accounts, users and the auth log here; domains, policy state and the
// message log / delivery state, and the control plane (API keys, webhooks, stats) in the
// interfaces it extends (one header each).
class Store : public DomainStore, public PolicyStore, public MessageStore, public ControlStore {
 public:
  ~Store() override = default;

  // Accounts. Names: [a-z0-9][a-z0-9._-]{0,63}; create fails (Error) when it exists.
  virtual Result<Account> create_account(const std::string& name) = 0;
  virtual std::optional<Account> find_account(const std::string& name) = 0;
  virtual std::vector<Account> list_accounts() = 0;
  virtual Status set_account_status(const std::string& name, AccountStatus status,
                                    const std::string& reason) = 0;

  // SMTP users. create_user fills id, uuid (if empty), version, timestamps and returns the row.
  // A username is unique among users that are not deleted.
  virtual Result<SmtpUser> create_user(const SmtpUser& user) = 0;
  // The live (active/disabled) user of that name; if none, the most recently deleted one.
  // Case-insensitive (usernames are stored lower-case).
  virtual std::optional<SmtpUser> find_user(const std::string& username) = 0;
  virtual std::optional<SmtpUser> find_user_by_uuid(const std::string& uuid) = 0;
  // Writes every mutable field of `user` (matched by id) and bumps version and updated_at.
  virtual Status update_user(const SmtpUser& user) = 0;
  // Users that are not deleted, ordered by username; `account` (a name) narrows the list.
  virtual std::vector<SmtpUser> list_users(const std::optional<std::string>& account) = 0;
  // Best effort (errors are swallowed): does not bump version, so it never invalidates caches.
  virtual void record_login(std::int64_t user_id, Millis when) = 0;

  // Auth log, newest first.
  virtual Status append_auth_events(std::span<const AuthEvent> events) = 0;
  virtual std::vector<AuthEvent> query_auth_events(const AuthEventFilter& filter) = 0;

  // A value that changes whenever another process has committed a change (SQLite:
  // PRAGMA data_version), or when this Store changed an account or a user itself. Auth events
  // and record_login do not count. Polled by the server to drop caches.
  virtual std::int64_t change_marker() = 0;
};

// Opens the store named by a URL: "sqlite:PATH" (created and migrated if absent).
Result<std::unique_ptr<Store>> open_store(const std::string& url);

}  // namespace postern::storage
