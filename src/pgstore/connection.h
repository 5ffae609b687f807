// One libpq connection (RAII), typed query parameters, results and transactions. Every query
// with values goes through PQexecParams: values are never spliced into SQL text. Failures
// throw PgError (a storage::StoreError) so that PgStore code reads straight; PgStore turns
// them into Error where its interface returns one. Not thread-safe: the pool lends a
// Connection to one thread at a time.
#pragma once
#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "pgstore/conninfo.h"
#include "storage/store.h"

// libpq's handles (libpq-fe.h: typedef struct pg_conn PGconn; ...), kept out of this header.
struct pg_conn;
struct pg_result;

namespace postern::pgstore {

struct PgError : storage::StoreError {
  explicit PgError(const std::string& what, std::string sqlstate_ = {},
                   std::string constraint_ = {}, bool connection_lost_ = false)
      : StoreError(what),
        sqlstate(std::move(sqlstate_)),
        constraint(std::move(constraint_)),
        connection_lost(connection_lost_) {}
  std::string sqlstate;    // e.g. "23505"; "" when the error did not come from the server
  std::string constraint;  // the violated constraint or index, when the server names one
  bool connection_lost;    // the connection is unusable now (server gone, network)

  bool unique_violation() const { return sqlstate == "23505"; }
  bool foreign_key_violation() const { return sqlstate == "23503"; }
  // Serialisation failure or deadlock: the transaction may simply be run again.
  bool retryable() const { return sqlstate == "40001" || sqlstate == "40P01"; }
};

// A query parameter in text format. Integers are sent as int8, so "$1 = 0" never narrows a
// 64-bit value to int4; strings are left for the server to type from context. Strings are
// made valid UTF-8 (invalid sequences and NUL become U+FFFD): PostgreSQL refuses both, and
// a log line or a lookup must not fail because a client sent odd bytes.
class Param {
 public:
  template <std::integral I>
    requires(!std::same_as<I, bool>)
  Param(I value) : text_(std::to_string(value)), type_(kInt8) {}  // NOLINT
  Param(bool) = delete;  // say Param::boolean(b): a pointer must never become a bool
  Param(const char* s);                          // NOLINT
  Param(std::string_view s);                     // NOLINT
  Param(const std::string& s);                   // NOLINT
  Param(std::nullopt_t) {}                       // NOLINT: SQL NULL
  Param(const std::optional<std::string>& s);    // NOLINT: NULL when empty
  static Param boolean(bool b);

  const std::optional<std::string>& text() const { return text_; }
  unsigned type() const { return type_; }

 private:
  static constexpr unsigned kInt8 = 20, kBool = 16;  // pg_type OIDs
  Param() = default;
  std::optional<std::string> text_;
  unsigned type_ = 0;  // 0: inferred by the server
};

// The text as PostgreSQL accepts it: valid UTF-8 without NUL.
std::string valid_utf8(std::string_view s);

class PgResult {
 public:
  explicit PgResult(pg_result* res);
  int rows() const;
  bool is_null(int row, int col) const;
  std::string text(int row, int col) const;
  std::int64_t int64(int row, int col) const;  // throws PgError when not an integer
  bool boolean(int row, int col) const;
  std::int64_t affected() const;  // rows changed by an INSERT/UPDATE/DELETE

 private:
  struct Free {
    void operator()(pg_result* r) const;
  };
  std::unique_ptr<pg_result, Free> res_;
};

class Connection {
 public:
  // Connects (blocking, bounded by connect_timeout) with that application_name; `extra`
  // settings (e.g. keepalives) are added unless the URL sets them. Throws PgError.
  Connection(const ConnInfo& info, const std::string& application_name,
             std::span<const ConnInfo::Setting> extra = {});
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  PgResult exec(std::string_view sql, std::initializer_list<Param> params = {});
  PgResult exec(std::string_view sql, std::span<const Param> params);
  // Several statements without parameters (migrations). Throws PgError.
  void exec_script(const std::string& sql);

  // Usable and outside any transaction: fit to go back to the pool.
  bool idle() const;
  // Reads whatever the server sent unasked (a termination notice, EOF) without blocking;
  // false when the connection turned out to be dead.
  bool still_alive();
  pg_conn* raw() { return conn_; }

 private:
  [[noreturn]] void fail(pg_result* res, std::string_view what);
  pg_conn* conn_ = nullptr;
  const ConnInfo& info_;
};

// Runs "<head> VALUES ($1, ..., $k), (...), ... <tail>" over `values` (row after row, k =
// `columns` each), in statements of at most 500 rows; returns the rows changed in all.
// Only placeholders are spliced into the SQL; the values travel as parameters.
std::int64_t exec_values(Connection& conn, std::string_view head, std::size_t columns,
                         std::span<const Param> values, std::string_view tail = {});

// BEGIN ... COMMIT; rolls back unless commit() was called (errors on rollback are swallowed:
// a broken connection is dropped by the pool anyway).
class Transaction {
 public:
  explicit Transaction(Connection& conn);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void commit();

 private:
  Connection& conn_;
  bool done_ = false;
};

}  // namespace postern::pgstore
