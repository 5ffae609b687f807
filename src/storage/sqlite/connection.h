// A thin RAII layer over one sqlite3 connection: cached prepared statements, typed binds and
// columns, and IMMEDIATE transactions. Failures throw SqliteError (a storage::StoreError) so
// that SqliteStore code reads straight; SqliteStore converts them to Error at its surface.
// Not thread-safe: SqliteStore serialises all use of a Connection under its mutex.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "storage/store.h"

struct sqlite3;
struct sqlite3_stmt;

namespace postern::storage::sqlite {

struct SqliteError : StoreError {
  SqliteError(const std::string& what, int extended_code)
      : StoreError(what), code(extended_code) {}
  int code;  // SQLite extended result code
  bool unique_violation() const;
};

// A cached statement borrowed for one use: reset and unbound when it goes out of scope.
class Statement {
 public:
  Statement(sqlite3_stmt* stmt, sqlite3* db) : stmt_(stmt), db_(db) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Parameters are 1-based, as in SQLite.
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view value);
  Statement& bind_null(int index);
  bool step();  // true: a row is ready; false: done
  void run();   // step to completion, ignoring rows

  // Columns are 0-based, as in SQLite.
  std::int64_t int64(int col) const;
  std::string text(int col) const;
  bool is_null(int col) const;

 private:
  sqlite3_stmt* stmt_;
  sqlite3* db_;
};

class Connection {
 public:
  // Opens (creating if needed) the database file at path.
  explicit Connection(const std::string& path);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  void exec(const std::string& sql);  // one or more statements, no parameters
  Statement prepare(const std::string& sql);  // cached by SQL text
  std::int64_t last_insert_rowid() const;
  int changes() const;  // rows changed by the last INSERT/UPDATE/DELETE
  std::int64_t pragma_int(const char* name);  // "data_version" -> PRAGMA data_version

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// BEGIN IMMEDIATE (takes the write lock up front: no deadlock on upgrade); rolls back unless
// commit() was called.
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

}  // namespace postern::storage::sqlite
