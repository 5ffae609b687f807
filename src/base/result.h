// Result<T>: a value or an Error, for outcomes that can fail without being exceptional.
// Error carries a human-readable message safe to show an operator (never a secret).
// Header-only, no I/O, thread-compatible.
#pragma once
#include <string>
#include <utility>
#include <variant>

namespace postern {

struct Error {
  std::string message;
};

template <class T>
class [[nodiscard]] Result {
 public:
  // Default: an error. Exists because asio::co_spawn needs default-constructible results.
  Result() : v_(Error{"no result"}) {}
  Result(T value) : v_(std::move(value)) {}          // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}      // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  const Error& error() const { return std::get<Error>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Result<void>: success or an Error.
struct Ok {};
using Status = Result<Ok>;
inline Status ok_status() { return Ok{}; }

}  // namespace postern
