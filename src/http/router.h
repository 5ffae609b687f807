// http::Router: method + path pattern -> handler. Patterns are literal segments and {name}
// captures matching one non-empty segment: "/api/v1/smtp-users/{username}/password".
// 404 when no pattern matches the path, 405 (with Allow) when one matches but not the method.
// Pure; routes() lists every registered route (the OpenAPI coverage test reads it).
#pragma once
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "http/message.h"

namespace postern::http {

using Params = std::map<std::string, std::string>;
using Handler = std::function<Response(const Request&, const Params&)>;

struct Route {
  std::string method;
  std::string pattern;
};

class Router {
 public:
  void add(std::string method, std::string pattern, Handler handler);
  // The handler's response, or 404 / 405 {"error": ...} when no route matches.
  Response dispatch(const Request& request) const;
  std::vector<Route> routes() const;

 private:
  struct Entry {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Entry> entries_;
};

}  // namespace postern::http
