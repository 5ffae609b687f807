// The connection settings of a "postgresql://" store URL, parsed once by libpq itself
// (PQconninfoParse, so every libpq URI feature works: several hosts, sslmode, ...), and the
// redaction of its password from messages. Neither the URL nor the password ever appears in
// an Error. Immutable after parse; thread-safe.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace postern::pgstore {

class ConnInfo {
 public:
  struct Setting {
    std::string keyword, value;
  };

  // Accepts "postgresql://..." and "postgres://..." (libpq's URI syntax).
  static Result<ConnInfo> parse(const std::string& url);

  // The settings the URL gives (keyword order as libpq lists them).
  const std::vector<Setting>& settings() const { return settings_; }
  std::optional<std::string> get(std::string_view keyword) const;
  // `text` with every occurrence of the password replaced by "***".
  std::string redact(std::string text) const;
  // "user@host:port/dbname" with what the URL says (empty parts left out): safe to log.
  std::string describe() const;

 private:
  std::vector<Setting> settings_;
  std::string password_;
};

}  // namespace postern::pgstore
