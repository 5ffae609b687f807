// Test harness for the command groups: a real SqliteStore in a fresh temp file per test, and
// run() that parses one command line through CLI11 with captured stdout/stderr and given stdin.
// CommandError and CLI::ParseError propagate; error_of() turns them into their message.
#pragma once
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "base/random.h"
#include "cli/cli.h"
#include "storage/store.h"

namespace postern::cli::testing {

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("postern-cli-test-" + new_uuid());
    std::filesystem::create_directories(dir_);
    auto store = storage::open_store("sqlite:" + (dir_ / "postern.db").string());
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(store).value();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Runs `postern <argv...>` and returns what it printed on stdout.
  std::string run(const std::vector<std::string>& argv, const std::string& stdin_text = "") {
    std::ostringstream out, err;
    std::istringstream in(stdin_text);
    Context ctx{[this]() -> storage::Store& { return *store_; }, out, err, in};
    CLI::App app("postern");
    app.require_subcommand(1);
    add_account_commands(app, ctx);
    add_user_commands(app, ctx);
    add_log_commands(app, ctx);
    std::vector<std::string> args(argv.rbegin(), argv.rend());  // CLI11 wants them reversed
    app.parse(args);
    return out.str();
  }

  // The CommandError message ("usage: ..." for a CLI11 error), or "" when the command succeeded.
  std::string error_of(const std::vector<std::string>& argv, const std::string& stdin_text = "") {
    try {
      run(argv, stdin_text);
    } catch (const CommandError& e) {
      return e.what();
    } catch (const CLI::ParseError& e) {
      return std::string("usage: ") + e.what();
    }
    return "";
  }

  storage::Store& store() { return *store_; }

  storage::Account make_account(const std::string& name) {
    auto account = store_->create_account(name);
    EXPECT_TRUE(account.ok());
    return account.ok() ? account.value() : storage::Account{};
  }

  // A user written straight to the store, with a dummy hash: no Argon2id cost.
  storage::SmtpUser make_user(const storage::Account& account, const std::string& username) {
    storage::SmtpUser user;
    user.account_id = account.id;
    user.account_name = account.name;
    user.username = username;
    user.password_hash = "$dummy$";
    auto created = store_->create_user(user);
    EXPECT_TRUE(created.ok());
    return created.ok() ? created.value() : storage::SmtpUser{};
  }

  storage::SmtpUser user(const std::string& username) {
    auto found = store_->find_user(username);
    EXPECT_TRUE(found.has_value()) << username;
    return found.value_or(storage::SmtpUser{});
  }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<storage::Store> store_;
};

}  // namespace postern::cli::testing
