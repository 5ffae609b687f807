// The API's error answers: {"error": "<message>"} with a status (docs/api.md "Errors").
// Handlers throw api::Failure (via fail()); the route wrapper (routes.cc) turns it into the
// response, so a handler reads top to bottom. Messages are for operators and never hold a
// secret: they come from validation, which never echoes passwords or keys.
#pragma once
#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>

#include "base/result.h"
#include "http/message.h"

namespace postern::api {

struct Failure : std::runtime_error {
  Failure(int status, const std::string& message) : std::runtime_error(message), status(status) {}
  int status;
};

[[noreturn]] void fail(int status, const std::string& message);

// The value of a Result, or a Failure with `status` and the Error's message.
template <class T>
T value_or_fail(Result<T> result, int status) {
  if (!result) fail(status, result.error().message);
  return std::move(result).value();
}
inline void check_or_fail(const Status& status, int code) {
  if (!status) fail(code, status.error().message);
}

http::Response json_response(int status, const nlohmann::json& body);
http::Response error_response(int status, const std::string& message);
http::Response no_content();

}  // namespace postern::api
