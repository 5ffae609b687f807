#include "pgstore/connection.h"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <charconv>
#include <vector>

namespace postern::pgstore {
namespace {

// Defaults a URL may override, then settings it may not.
constexpr const char* kDefaults[][2] = {{"connect_timeout", "5"}};
constexpr const char* kForced[][2] = {{"client_encoding", "UTF8"}};

std::string field(const PGresult* res, int code) {
  const char* v = res ? PQresultErrorField(res, code) : nullptr;
  return v ? v : "";
}

// Length of the valid UTF-8 sequence at s[i] (1-4), or 0 when it is not one (RFC 3629:
// no overlongs, no surrogates, nothing past U+10FFFF).
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  std::size_t n = c < 0x80 ? 1 : (c >= 0xC2 && c <= 0xDF) ? 2 : (c >= 0xE0 && c <= 0xEF) ? 3
                               : (c >= 0xF0 && c <= 0xF4)  ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((b(k) & 0xC0) != 0x80) return 0;
  if (n == 3 && c == 0xE0 && b(1) < 0xA0) return 0;  // overlong
  if (n == 3 && c == 0xED && b(1) >= 0xA0) return 0;  // surrogate
  if (n == 4 && c == 0xF0 && b(1) < 0x90) return 0;  // overlong
  if (n == 4 && c == 0xF4 && b(1) >= 0x90) return 0;  // past U+10FFFF
  return n;
}

}  // namespace

std::string valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && s[i] != '\0' && static_cast<unsigned char>(s[i]) < 0x80) ++i;
  if (i == s.size()) return std::string(s);  // plain ASCII: the common case
  std::string out(s.substr(0, i));
  while (i < s.size()) {
    std::size_t n = s[i] == '\0' ? 0 : utf8_sequence(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

// --- Param ---

Param::Param(const char* s) : text_(valid_utf8(s)) {}
Param::Param(std::string_view s) : text_(valid_utf8(s)) {}
Param::Param(const std::string& s) : text_(valid_utf8(s)) {}
Param::Param(const std::optional<std::string>& s) {
  if (s) text_ = valid_utf8(*s);
}
Param Param::boolean(bool b) {
  Param p;
  p.text_ = b ? "true" : "false";
  p.type_ = kBool;
  return p;
}

// --- PgResult ---

void PgResult::Free::operator()(pg_result* r) const { PQclear(r); }

PgResult::PgResult(pg_result* res) : res_(res) {}

int PgResult::rows() const { return PQntuples(res_.get()); }

bool PgResult::is_null(int row, int col) const { return PQgetisnull(res_.get(), row, col) != 0; }

std::string PgResult::text(int row, int col) const {
  return std::string(PQgetvalue(res_.get(), row, col),
                     static_cast<std::size_t>(PQgetlength(res_.get(), row, col)));
}

std::int64_t PgResult::int64(int row, int col) const {
  const char* v = PQgetvalue(res_.get(), row, col);
  const char* end = v + PQgetlength(res_.get(), row, col);
  std::int64_t out = 0;
  auto [ptr, ec] = std::from_chars(v, end, out);
  if (ec != std::errc() || ptr != end)
    throw PgError("postgresql: column " + std::to_string(col) + " is not an integer");
  return out;
}

bool PgResult::boolean(int row, int col) const {
  return PQgetlength(res_.get(), row, col) > 0 && PQgetvalue(res_.get(), row, col)[0] == 't';
}

std::int64_t PgResult::affected() const {
  const char* n = PQcmdTuples(res_.get());
  std::int64_t out = 0;
  std::from_chars(n, n + std::char_traits<char>::length(n), out);
  return out;
}

// --- Connection ---

Connection::Connection(const ConnInfo& info, const std::string& application_name,
                       std::span<const ConnInfo::Setting> extra)
    : info_(info) {
  std::vector<const char*> keys, values;
  auto add = [&](const char* k, const char* v) {
    keys.push_back(k);
    values.push_back(v);
  };
  for (const auto& d : kDefaults) add(d[0], d[1]);
  add("application_name", application_name.c_str());
  for (const auto& s : extra) add(s.keyword.c_str(), s.value.c_str());
  for (const auto& s : info.settings()) add(s.keyword.c_str(), s.value.c_str());  // URL wins
  for (const auto& f : kForced) add(f[0], f[1]);
  add(nullptr, nullptr);
  // Repeated keywords: libpq keeps the last non-empty value.
  conn_ = PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/0);
  if (conn_ == nullptr) throw PgError("postgresql: out of memory", {}, {}, true);
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(conn_);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    PQfinish(conn_);
    conn_ = nullptr;
    throw PgError(info.redact("cannot connect to PostgreSQL (" + info.describe() + "): " + msg),
                  {}, {}, true);
  }
}

Connection::~Connection() {
  if (conn_) PQfinish(conn_);
}

void Connection::fail(pg_result* res, std::string_view what) {
  PgResult owned(res);  // freed on the way out
  std::string primary = field(res, PG_DIAG_MESSAGE_PRIMARY);
  if (primary.empty()) {
    // No server error (connection trouble): libpq's own words.
    primary = PQerrorMessage(conn_);
    while (!primary.empty() && (primary.back() == '\n' || primary.back() == ' '))
      primary.pop_back();
  }
  // Only the primary message: DETAIL may quote row values.
  const bool lost = PQstatus(conn_) != CONNECTION_OK;
  throw PgError(info_.redact("postgresql: " + primary + (what.empty() ? "" : " (") +
                             std::string(what) + (what.empty() ? "" : ")")),
                field(res, PG_DIAG_SQLSTATE), field(res, PG_DIAG_CONSTRAINT_NAME), lost);
}

PgResult Connection::exec(std::string_view sql, std::initializer_list<Param> params) {
  return exec(sql, std::span<const Param>(params.begin(), params.size()));
}

PgResult Connection::exec(std::string_view sql, std::span<const Param> params) {
  std::vector<Oid> types;
  std::vector<const char*> values;
  types.reserve(params.size());
  values.reserve(params.size());
  for (const Param& p : params) {
    types.push_back(p.type());
    values.push_back(p.text() ? p.text()->c_str() : nullptr);
  }
  const std::string text(sql);
  PGresult* res = PQexecParams(conn_, text.c_str(), static_cast<int>(params.size()),
                               types.data(), values.data(), nullptr, nullptr, /*text*/ 0);
  const ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail(res, {});
  return PgResult(res);
}

void Connection::exec_script(const std::string& sql) {
  PGresult* res = PQexec(conn_, sql.c_str());
  const ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail(res, {});
  PQclear(res);
}

bool Connection::idle() const {
  return PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE;
}

bool Connection::still_alive() {
  if (PQstatus(conn_) != CONNECTION_OK) return false;
  pollfd p{PQsocket(conn_), POLLIN, 0};
  // Something may have arrived while the connection sat idle: a FATAL notice before the
  // server closed it, then EOF; or a harmless notice. Read until nothing is pending.
  for (int i = 0; i < 4 && ::poll(&p, 1, 0) > 0; ++i) {
    if (PQconsumeInput(conn_) == 0) return false;
    while (PGnotify* n = PQnotifies(conn_)) PQfreemem(n);
  }
  return PQstatus(conn_) == CONNECTION_OK;
}

std::int64_t exec_values(Connection& conn, std::string_view head, std::size_t columns,
                         std::span<const Param> values, std::string_view tail) {
  if (columns == 0 || values.size() % columns != 0)
    throw PgError("exec_values: " + std::to_string(values.size()) + " values for " +
                  std::to_string(columns) + " columns");
  const std::size_t rows_per_statement = std::min<std::size_t>(500, 65535 / columns);
  std::int64_t changed = 0;
  for (std::size_t start = 0; start < values.size();) {
    const std::size_t rows = std::min(rows_per_statement, (values.size() - start) / columns);
    std::string sql(head);
    sql += " VALUES ";
    for (std::size_t r = 0; r < rows; ++r) {
      sql += r ? ", (" : "(";
      for (std::size_t c = 0; c < columns; ++c)
        sql += (c ? ", $" : "$") + std::to_string(r * columns + c + 1);
      sql += ")";
    }
    sql += " ";
    sql += tail;
    changed += conn.exec(sql, values.subspan(start, rows * columns)).affected();
    start += rows * columns;
  }
  return changed;
}

// --- Transaction ---

Transaction::Transaction(Connection& conn) : conn_(conn) { conn_.exec("BEGIN"); }

Transaction::~Transaction() {
  if (done_) return;
  try {
    conn_.exec("ROLLBACK");
  } catch (const PgError&) {
    // The connection is broken or still in a transaction: the pool will not reuse it.
  }
}

void Transaction::commit() {
  conn_.exec("COMMIT");
  done_ = true;
}

}  // namespace postern::pgstore
