// PgStore: the shared rate counters (PolicyStore::try_add_rate), one call of the
// postern_try_add_rate function of migration 2 (schema_rates.cc): one round trip and one
// transaction, row locks taken in key order and held only while the function runs.
#include "pgstore/pg_store.h"

namespace postern::pgstore {
namespace {

// A PostgreSQL array literal of strings, {"a","b\"c"}: each element quoted, with its double
// quotes and backslashes escaped; sent as one text parameter and cast to TEXT[] by the query.
std::string text_array(std::span<const storage::RateLimitKey> limits) {
  std::string out = "{";
  for (const auto& limit : limits) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char c : limit.key) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

template <class Field>
std::string int_array(std::span<const storage::RateLimitKey> limits, Field field) {
  std::string out = "{";
  for (const auto& limit : limits) {
    if (out.size() > 1) out += ',';
    out += std::to_string(field(limit));
  }
  return out + "}";
}

}  // namespace

Result<std::optional<std::size_t>> PgStore::try_add_rate(
    std::span<const storage::RateLimitKey> limits, Millis now) {
  using Refused = std::optional<std::size_t>;
  if (limits.empty()) return Refused{};
  const std::string keys = text_array(limits);
  const std::string maxes = int_array(limits, [](const auto& l) { return l.max; });
  const std::string windows = int_array(limits, [](const auto& l) { return l.window; });
  try {
    const std::int64_t refused = write([&](Connection& c) {
      return c
          .exec("SELECT postern_try_add_rate($1::text[], $2::bigint[], $3::bigint[], $4)",
                {keys, maxes, windows, now})
          .int64(0, 0);
    });
    if (refused < 0) return Refused{};
    if (static_cast<std::size_t>(refused) >= limits.size())
      return Error{"postern_try_add_rate returned an index out of range"};
    return Refused{static_cast<std::size_t>(refused)};
  } catch (const PgError& e) {
    return Error{e.what()};
  }
}

}  // namespace postern::pgstore
