// Test fixture for the API: a real SqliteStore in a temp directory, a data_dir with a spool,
// a manual clock, a fake DNS resolver, and call() that sends one http::Request through
// Api::handle. Seed helpers write objects straight to the store (no Argon2id cost).
#pragma once
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "api/api.h"
#include "config/config.h"
#include "dkim/testing/fake_resolver.h"
#include "storage/store.h"
#include "storage/testing/temp_dir.h"

namespace postern::api::testing {

class ManualClock final : public Clock {
 public:
  Millis now_ms() const override { return now_.load(); }
  void set(Millis t) { now_.store(t); }
  void advance(Millis by) { now_.fetch_add(by); }

 private:
  std::atomic<Millis> now_{1'790'000'000'000};  // 2026-09-21
};

struct Answer {
  int status = 0;
  nlohmann::json json;  // parsed body when JSON, else null
  http::Response response;
  std::string header(const std::string& name) const;
};

// Builds a request the way http::Server does (path and query parsed from the target).
http::Request make_request(const std::string& method, const std::string& target,
                           const std::string& body = "",
                           const std::map<std::string, std::string>& headers = {});

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // key "" = no Authorization header.
  Answer call(const std::string& method, const std::string& target,
              const std::optional<nlohmann::json>& body = std::nullopt,
              const std::string& key = "<admin>",
              const std::map<std::string, std::string>& headers = {});
  Answer send(const http::Request& request);

  // A live API key of `account` ("" = admin); returns the key itself.
  std::string add_key(const std::string& name, const std::string& account);
  storage::SmtpUser add_user(const std::string& account, const std::string& username);
  storage::Domain add_domain(const std::string& account, const std::string& name);
  // A message in the spool of `account` with one queued recipient; returns its queue id.
  std::string add_queued(const std::string& account, const std::string& username);
  void add_message_event(const std::string& account, const std::string& id,
                         const std::string& status);
  void add_auth_event(const std::optional<std::string>& account, const std::string& username,
                      const std::string& result, const std::string& reason = "bad_password");
  storage::Webhook add_webhook(const std::string& account);
  void add_delivery(std::int64_t webhook_id, const std::string& status);
  std::int64_t first_delivery_id(std::int64_t webhook_id);

  storage::Store& store() { return *store_; }
  Api& api() { return *api_; }

  storage::testing::TempDir dir_;
  config::Config config_;
  dkim::testing::FakeResolver dns_;
  ManualClock clock_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<Api> api_;
  std::string admin_key_;
  std::string acme_key_;  // account key of "acme"; "globex" is the other account
};

}  // namespace postern::api::testing
