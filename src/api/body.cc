#include "api/body.h"

#include "api/errors.h"

namespace postern::api {
namespace {

[[noreturn]] void wrong_type(const std::string& name, const char* expected) {
  fail(400, "field '" + name + "' must be " + expected);
}

// A field name as it may be echoed: printable ASCII, bounded.
std::string printable(const std::string& name) {
  std::string out;
  for (char c : name.substr(0, 64)) {
    auto u = static_cast<unsigned char>(c);
    out += (u >= 0x20 && u < 0x7f && c != '\'') ? c : '?';
  }
  return out;
}

}  // namespace

JsonBody JsonBody::parse(const http::Request& request, bool allow_empty) {
  const bool blank = request.body.find_first_not_of(" \t\r\n") == std::string::npos;
  if (blank) {
    if (allow_empty) return JsonBody(nlohmann::json::object());
    fail(400, "the request body must be a JSON object");
  }
  nlohmann::json doc = nlohmann::json::parse(request.body, nullptr, false);
  if (doc.is_discarded()) fail(400, "the request body is not valid JSON");
  if (!doc.is_object()) fail(400, "the request body must be a JSON object");
  return JsonBody(std::move(doc));
}

const nlohmann::json* JsonBody::field(const std::string& name) {
  known_.insert(name);
  auto it = doc_.find(name);
  if (it == doc_.end() || it->is_null()) return nullptr;
  return &*it;
}

bool JsonBody::has(const std::string& name) { return field(name) != nullptr; }

bool JsonBody::is_null(const std::string& name) {
  known_.insert(name);
  auto it = doc_.find(name);
  return it != doc_.end() && it->is_null();
}

std::optional<std::string> JsonBody::string(const std::string& name) {
  const nlohmann::json* f = field(name);
  if (!f) return std::nullopt;
  if (!f->is_string()) wrong_type(name, "a string");
  return f->get<std::string>();
}

std::optional<std::vector<std::string>> JsonBody::strings(const std::string& name) {
  const nlohmann::json* f = field(name);
  if (!f) return std::nullopt;
  if (!f->is_array()) wrong_type(name, "an array of strings");
  std::vector<std::string> out;
  for (const auto& item : *f) {
    if (!item.is_string()) wrong_type(name, "an array of strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::optional<std::int64_t> JsonBody::integer(const std::string& name) {
  const nlohmann::json* f = field(name);
  if (!f) return std::nullopt;
  if (!f->is_number_integer()) wrong_type(name, "an integer");
  if (f->is_number_unsigned() && f->get<std::uint64_t>() > INT64_MAX)
    fail(422, "field '" + name + "' is too large");
  return f->get<std::int64_t>();
}

std::optional<bool> JsonBody::boolean(const std::string& name) {
  const nlohmann::json* f = field(name);
  if (!f) return std::nullopt;
  if (!f->is_boolean()) wrong_type(name, "true or false");
  return f->get<bool>();
}

std::string JsonBody::required_string(const std::string& name) {
  auto value = string(name);
  if (!value) fail(422, "field '" + name + "' is required");
  return *value;
}

void JsonBody::finish() const {
  for (const auto& [name, value] : doc_.items())
    if (!known_.count(name)) fail(422, "unknown field '" + printable(name) + "'");
}

}  // namespace postern::api
