// webhooks: the pure parts of webhook delivery — which events become webhooks and of what
// type, which hooks receive them, and the retry back-off. sign(), event_body() and
// retry_delay_ms() are declared in dispatcher.h and defined with these (payload.cc). No I/O;
// thread-safe.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/control_store.h"
#include "storage/message_store.h"
#include "storage/records.h"

namespace postern::webhooks {

// Every event type a webhook may subscribe to, in a stable order.
const std::vector<std::string>& event_types();
bool is_event_type(const std::string& type);

// The webhook type of a log event, or nullopt when it makes no webhook: message statuses map
// to themselves except `suppressed` (an internal step); an auth event is `auth_failed` when its
// result is "fail", nothing otherwise.
std::optional<std::string> webhook_event_type(const storage::MessageEvent& e);
std::optional<std::string> webhook_event_type(const storage::AuthEvent& e);

// Whether `hook` receives an event of `type` of `account` (nullopt: no known account, e.g. an
// AUTH with an unknown username): active, an admin hook ("" = every account) or the same
// account, and the type subscribed (an empty list subscribes to every type).
bool hook_matches(const storage::Webhook& hook, const std::string& type,
                  const std::optional<std::string>& account);

// The delay after `failed_attempts` failures (1-based) under `schedule`: schedule[n - 1], or -1
// when the schedule is exhausted (the delivery is dead).
std::int64_t retry_delay_ms(int failed_attempts, const std::vector<std::int64_t>& schedule);
// delay_ms moved by up to ±10 %: `unit` in [-1, 1] picks where (the caller draws it).
std::int64_t with_jitter(std::int64_t delay_ms, double unit);

// "https://hooks.example.com:8443/x" -> "hooks.example.com" (for logs; "" if not a URL).
std::string url_host(const std::string& url);

}  // namespace postern::webhooks
