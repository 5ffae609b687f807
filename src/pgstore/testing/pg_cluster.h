// PgCluster: a throw-away PostgreSQL cluster for tests. initdb and pg_ctl run as the
// `postgres` user when the test runs as root (the server refuses root), as the current user
// otherwise; the cluster lives in a fresh temporary directory, listens on 127.0.0.1 only, on
// a free port (another one is tried when the start fails), trusts local connections and runs
// with fsync off. It is stopped (pg_ctl stop -m immediate) and its directory removed when
// the object dies — and also if the test process dies first: a watchdog process waits on a
// pipe from the test and cleans up when the pipe closes, whatever the cause.
// PgClusterEnvironment shares one cluster among the tests of a binary, started on first
// use. Thread-safe (create_database may run in parallel).
#pragma once
#include <gtest/gtest.h>
#include <sys/types.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

namespace postern::pgstore::testing {

class PgCluster {
 public:
  // Throws std::runtime_error (with the server log's tail) when the cluster cannot start.
  // `bin_dir`: where initdb and pg_ctl are; "" finds the newest /usr/lib/postgresql/*/bin.
  static std::unique_ptr<PgCluster> start(const std::string& bin_dir = "");
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;
  ~PgCluster();

  int port() const { return port_; }
  // "postgresql://postgres@127.0.0.1:PORT/DB"
  std::string url(const std::string& database) const;
  // A fresh empty database ("t_1", "t_2", ...); returns its URL. `options` are appended to
  // CREATE DATABASE (e.g. "TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US'").
  // Throws std::runtime_error.
  std::string create_database(const std::string& options = "");
  // Runs SQL (no parameters: test set-up only) on a database as the superuser. Throws.
  void exec(const std::string& database, const std::string& sql) const;
  // The first column of the first row of a query, "" when there is none. Throws.
  std::string query_value(const std::string& database, const std::string& sql) const;

 private:
  PgCluster() = default;
  bool try_start(int port);

  std::string bin_dir_;
  std::filesystem::path root_;  // temp directory: data/, log, socket
  int port_ = 0;
  bool as_postgres_ = false;    // running as root: every command through runuser
  pid_t watchdog_ = -1;
  int watchdog_pipe_ = -1;      // write end; closing it makes the watchdog clean up
  std::atomic<int> next_db_{0};
};

// Registered once per test binary (see pg_cluster.cc: AddGlobalTestEnvironment); tests call
// PgClusterEnvironment::cluster(), which starts the cluster on first use (then fails the
// calling test, not the binary, when it cannot start).
class PgClusterEnvironment : public ::testing::Environment {
 public:
  void TearDown() override;
  static PgCluster& cluster();  // throws std::runtime_error when it could not start

 private:
  static std::mutex mu_;
  static std::unique_ptr<PgCluster> cluster_;
  static std::string failure_;
};

}  // namespace postern::pgstore::testing
