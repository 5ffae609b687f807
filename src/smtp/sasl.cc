#include "smtp/sasl.h"

#include "base/encoding.h"

namespace postern::smtp::sasl {

std::optional<Secret> decode_response(std::string_view text) {
  if (text == "=" || text.empty()) return Secret{};
  auto decoded = base64_decode(text);
  if (!decoded) return std::nullopt;
  return Secret(std::move(*decoded));
}

std::optional<PlainCredentials> decode_plain(std::string_view text) {
  auto decoded = decode_response(text);
  if (!decoded) return std::nullopt;
  std::string_view message = decoded->reveal();
  std::size_t first = message.find('\0');
  if (first == std::string_view::npos) return std::nullopt;
  std::size_t second = message.find('\0', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  if (message.find('\0', second + 1) != std::string_view::npos) return std::nullopt;
  std::string_view authzid = message.substr(0, first);
  std::string_view username = message.substr(first + 1, second - first - 1);
  std::string_view password = message.substr(second + 1);
  if (username.empty() || password.empty()) return std::nullopt;
  if (username.size() > kMaxUsername || authzid.size() > kMaxAuthzid) return std::nullopt;
  return PlainCredentials{std::string(authzid), std::string(username),
                          Secret(std::string(password))};
}

std::optional<std::string> decode_login_username(std::string_view text) {
  auto decoded = decode_response(text);
  if (!decoded || decoded->empty() || decoded->size() > kMaxUsername) return std::nullopt;
  if (decoded->reveal().find('\0') != std::string_view::npos) return std::nullopt;
  return std::string(decoded->reveal());
}

std::optional<Secret> decode_login_password(std::string_view text) {
  auto decoded = decode_response(text);
  if (!decoded || decoded->empty()) return std::nullopt;
  if (decoded->reveal().find('\0') != std::string_view::npos) return std::nullopt;
  return decoded;
}

}  // namespace postern::smtp::sasl
