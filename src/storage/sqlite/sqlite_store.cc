#include "storage/sqlite/sqlite_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "storage/names.h"
#include "storage/sqlite/migrations.h"
#include "storage/sqlite/row_codec.h"

namespace postern::storage::sqlite {
namespace {

// Creates the parent directory and an empty file with mode 0600. open() applies the umask
// to its mode argument, hence the explicit fchmod. An existing file is left as it is.
Status create_file_0600(const std::string& path) {
  std::filesystem::path p(path);
  std::error_code ec;
  if (p.has_parent_path()) {
    std::filesystem::create_directories(p.parent_path(), ec);
    if (ec) return Error{"cannot create directory " + p.parent_path().string() + ": " +
                         ec.message()};
  }
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return ok_status();
    return Error{"cannot create " + path + ": " + std::strerror(errno)};
  }
  int rc = ::fchmod(fd, 0600);
  int saved = errno;
  ::close(fd);
  if (rc != 0) return Error{"cannot chmod " + path + ": " + std::strerror(saved)};
  return ok_status();
}

}  // namespace

const Clock& SqliteStore::default_clock() {
  static const SystemClock clock;
  return clock;
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path,
                                                       const Clock& clock) {
  if (path.empty()) return Error{"empty SQLite database path"};
  if (path != ":memory:") {
    if (auto s = create_file_0600(path); !s) return s.error();
  }
  try {
    auto conn = std::make_unique<Connection>(path);
    // busy_timeout first: switching to WAL and migrating may wait for another process.
    conn->exec("PRAGMA busy_timeout = 5000");
    conn->exec("PRAGMA journal_mode = WAL");
    conn->exec("PRAGMA synchronous = NORMAL");
    conn->exec("PRAGMA foreign_keys = ON");
    int version = migrate(*conn, clock.now_ms());
    return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(conn), clock, version));
  } catch (const SqliteError& e) {
    return Error{std::string(e.what()) + " (" + path + ")"};
  }
}

SqliteStore::SqliteStore(std::unique_ptr<Connection> conn, const Clock& clock, int version)
    : conn_(std::move(conn)), clock_(clock), schema_version_(version) {}

// --- accounts ---

Result<Account> SqliteStore::create_account(const std::string& raw_name) {
  if (auto s = validate_account_name(raw_name); !s) return s.error();
  const std::string name = normalize_name(raw_name);
  std::lock_guard lock(mu_);
  try {
    conn_->prepare("INSERT INTO accounts (name, status, suspend_reason, created_at)"
                   " VALUES (?, 'active', '', ?)")
        .bind(1, name)
        .bind(2, clock_.now_ms())
        .run();
    ++local_changes_;
    auto stmt = conn_->prepare(
        "SELECT id, name, status, suspend_reason, created_at FROM accounts WHERE id = ?");
    stmt.bind(1, conn_->last_insert_rowid());
    if (!stmt.step()) return Error{"account \"" + name + "\" vanished after insert"};
    return account_from_row(stmt);
  } catch (const SqliteError& e) {
    if (e.unique_violation()) return Error{"account \"" + name + "\" already exists"};
    return Error{e.what()};
  }
}

std::optional<Account> SqliteStore::find_account(const std::string& name) {
  std::lock_guard lock(mu_);
  auto stmt = conn_->prepare(
      "SELECT id, name, status, suspend_reason, created_at FROM accounts WHERE name = ?");
  stmt.bind(1, normalize_name(name));
  if (!stmt.step()) return std::nullopt;
  return account_from_row(stmt);
}

std::vector<Account> SqliteStore::list_accounts() {
  std::lock_guard lock(mu_);
  auto stmt = conn_->prepare(
      "SELECT id, name, status, suspend_reason, created_at FROM accounts ORDER BY name");
  std::vector<Account> out;
  while (stmt.step()) out.push_back(account_from_row(stmt));
  return out;
}

Status SqliteStore::set_account_status(const std::string& raw_name, AccountStatus status,
                                       const std::string& reason) {
  const std::string name = normalize_name(raw_name);
  std::lock_guard lock(mu_);
  try {
    conn_->prepare("UPDATE accounts SET status = ?, suspend_reason = ? WHERE name = ?")
        .bind(1, to_string(status))
        .bind(2, status == AccountStatus::Suspended ? reason : std::string())
        .bind(3, name)
        .run();
    if (conn_->changes() == 0) return Error{"no account named \"" + name + "\""};
    ++local_changes_;
    return ok_status();
  } catch (const SqliteError& e) {
    return Error{e.what()};
  }
}

// --- change marker ---

std::int64_t SqliteStore::change_marker() {
  std::lock_guard lock(mu_);
  // Both terms only grow, so their sum changes whenever either does.
  return conn_->pragma_int("data_version") + local_changes_;
}

}  // namespace postern::storage::sqlite
