#include "webhooks/payload.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "base/time.h"
#include "events/auth_log.h"
#include "events/message_log.h"
#include "webhooks/dispatcher.h"

namespace postern::webhooks {
namespace {

std::string hex(const unsigned char* data, std::size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 0xf];
  }
  return out;
}

// Bodies are signed byte for byte, so they are serialised once; invalid UTF-8 from a client
// (a MAIL FROM, a username) is replaced rather than failing the whole event.
std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json or_null(const std::string& s) {
  return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
}

}  // namespace

std::string sign(const std::string& secret, const std::string& timestamp, const std::string& body) {
  std::string message = timestamp + "." + body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
            reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len))
    throw std::runtime_error("HMAC-SHA256 failed");
  return hex(mac, len);
}

std::string event_body(const storage::MessageEvent& e) {
  nlohmann::json j = {{"type", webhook_event_type(e).value_or(e.status)},
                      {"time", format_iso8601(e.time)},
                      {"account", or_null(e.account)},
                      {"data", events::message_event_json(e)}};
  return dump(j);
}

std::string event_body(const storage::AuthEvent& e) {
  nlohmann::json j = {{"type", e.result == "fail" ? "auth_failed" : "auth_ok"},
                      {"time", format_iso8601(e.time)},
                      {"account", e.account ? nlohmann::json(*e.account) : nlohmann::json(nullptr)},
                      {"data", events::auth_event_json(e)}};
  return dump(j);
}

std::int64_t retry_delay_ms(int failed_attempts) {
  return retry_delay_ms(failed_attempts, Settings{}.schedule_ms);
}

std::int64_t retry_delay_ms(int failed_attempts, const std::vector<std::int64_t>& schedule) {
  if (failed_attempts < 1 || static_cast<std::size_t>(failed_attempts) > schedule.size()) return -1;
  return schedule[static_cast<std::size_t>(failed_attempts - 1)];
}

std::int64_t with_jitter(std::int64_t delay_ms, double unit) {
  unit = std::clamp(unit, -1.0, 1.0);
  return delay_ms +
         static_cast<std::int64_t>(std::llround(static_cast<double>(delay_ms) * 0.1 * unit));
}

const std::vector<std::string>& event_types() {
  static const std::vector<std::string> types{"accepted", "delivered", "deferred",   "bounced",
                                              "expired",  "rejected",  "auth_failed"};
  return types;
}

bool is_event_type(const std::string& type) {
  const auto& types = event_types();
  return std::find(types.begin(), types.end(), type) != types.end();
}

std::optional<std::string> webhook_event_type(const storage::MessageEvent& e) {
  if (e.status == "auth_failed" || !is_event_type(e.status)) return std::nullopt;
  return e.status;
}

std::optional<std::string> webhook_event_type(const storage::AuthEvent& e) {
  if (e.result == "fail") return std::string("auth_failed");
  return std::nullopt;
}

bool hook_matches(const storage::Webhook& hook, const std::string& type,
                  const std::optional<std::string>& account) {
  if (!hook.active) return false;
  if (!hook.account.empty() && (!account || *account != hook.account)) return false;
  return hook.events.empty() ||
         std::find(hook.events.begin(), hook.events.end(), type) != hook.events.end();
}

std::string url_host(const std::string& url) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return "";
  std::string rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = rest.rfind('@'); at != std::string::npos)
    rest = rest.substr(at + 1);  // no userinfo
  if (!rest.empty() && rest[0] == '[') return rest.substr(0, rest.find(']') + 1);
  return rest.substr(0, rest.find(':'));
}

}  // namespace postern::webhooks
