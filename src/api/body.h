// JsonBody: a request body read field by field. A body that is not JSON, or not an object, or
// a field of the wrong type is a 400; a missing required field or a field the route does not
// know (a typo would otherwise be ignored silently) is a 422, raised by finish(). Every
// accessor marks its field as known. Not thread-safe (one per request).
#pragma once
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "http/message.h"

namespace postern::api {

class JsonBody {
 public:
  // An empty body is {} when allow_empty (routes whose fields are all optional).
  static JsonBody parse(const http::Request& request, bool allow_empty = false);

  bool has(const std::string& name);  // present and not null
  // nullopt when absent or null; 400 when another type.
  std::optional<std::string> string(const std::string& name);
  std::optional<std::vector<std::string>> strings(const std::string& name);
  std::optional<std::int64_t> integer(const std::string& name);
  std::optional<bool> boolean(const std::string& name);
  // Present and null.
  bool is_null(const std::string& name);
  // 422 "<name> is required" when absent or null.
  std::string required_string(const std::string& name);

  // 422 for the first field no accessor asked for.
  void finish() const;

 private:
  explicit JsonBody(nlohmann::json doc) : doc_(std::move(doc)) {}
  const nlohmann::json* field(const std::string& name);  // nullptr when absent or null
  nlohmann::json doc_;
  std::set<std::string> known_;
};

}  // namespace postern::api
