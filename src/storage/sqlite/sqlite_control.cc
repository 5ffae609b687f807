// SqliteStore: the ControlStore part (API keys, webhooks, webhook deliveries, hourly stats).
// STUB: replaced by the real implementation (migration 5).
#include "storage/sqlite/sqlite_store.h"

namespace postern::storage::sqlite {

namespace {
Error todo() { return Error{"not implemented yet"}; }
}  // namespace

Result<ApiKey> SqliteStore::create_api_key(const ApiKey&) { return todo(); }
std::optional<ApiKey> SqliteStore::find_api_key_by_hash(const std::string&) { return std::nullopt; }
std::vector<ApiKey> SqliteStore::list_api_keys(const std::optional<std::string>&) { return {}; }
Status SqliteStore::revoke_api_key(const std::string&) { return todo(); }
void SqliteStore::touch_api_key(std::int64_t, Millis) {}
Result<Webhook> SqliteStore::create_webhook(const Webhook&) { return todo(); }
std::optional<Webhook> SqliteStore::find_webhook(std::int64_t) { return std::nullopt; }
std::vector<Webhook> SqliteStore::list_webhooks(const std::optional<std::string>&) { return {}; }
Status SqliteStore::remove_webhook(std::int64_t) { return todo(); }
Status SqliteStore::enqueue_webhook_deliveries(const std::vector<WebhookDelivery>&) { return todo(); }
std::vector<WebhookDelivery> SqliteStore::due_webhook_deliveries(Millis, int) { return {}; }
Status SqliteStore::update_webhook_delivery(const WebhookDelivery&) { return todo(); }
std::vector<WebhookDelivery> SqliteStore::list_webhook_deliveries(std::int64_t,
                                                                  const std::optional<std::string>&,
                                                                  int) {
  return {};
}
Status SqliteStore::redeliver_webhook_delivery(std::int64_t, Millis) { return todo(); }
std::vector<HourlyStats> SqliteStore::hourly_stats(Millis, const std::optional<std::string>&) {
  return {};
}

}  // namespace postern::storage::sqlite
