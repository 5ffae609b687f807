#include "api/user_body.h"

namespace postern::api {

cli::UserSettings user_settings_of(JsonBody& body) {
  cli::UserSettings settings;
  settings.allow_ips = body.strings("allow_ips");
  settings.allow_ip_mode = body.string("allow_ip_mode");
  settings.mode = body.string("mode");
  settings.domains = body.strings("domains");
  settings.quota = body.integer("quota");
  settings.quota_period = body.string("quota_period");
  settings.quota_action = body.string("quota_action");
  settings.rate = body.is_null("rate") ? std::optional<std::string>("") : body.string("rate");
  return settings;
}

}  // namespace postern::api
