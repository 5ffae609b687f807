#include "pgstore/testing/pg_cluster.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

extern char** environ;

namespace postern::pgstore::testing {
namespace {

namespace fs = std::filesystem;

// Runs argv (no shell) with stdin from /dev/null and stdout+stderr appended to `log`, in a
// session of its own (so a terminal's Ctrl-C reaches only the test). Returns the child's pid.
pid_t spawn(const std::vector<std::string>& argv, const std::string& log, int stdin_fd = -1,
            int close_fd = -1) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (stdin_fd >= 0)
    posix_spawn_file_actions_adddup2(&fa, stdin_fd, 0);
  else
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  if (close_fd >= 0) posix_spawn_file_actions_addclose(&fa, close_fd);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, args[0], &fa, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) throw std::runtime_error("cannot run " + argv[0] + ": " + std::strerror(rc));
  return pid;
}

int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string tail_of(const fs::path& file, std::size_t max = 2000) {
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  return s.size() > max ? s.substr(s.size() - max) : s;
}

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("cannot find a free port");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

// The newest /usr/lib/postgresql/<version>/bin that has initdb.
std::string find_bin_dir() {
  int best = -1;
  std::string dir;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) continue;
    if (!fs::exists(entry.path() / "bin" / "initdb")) continue;
    if (int v = std::stoi(name); v > best) {
      best = v;
      dir = (entry.path() / "bin").string();
    }
  }
  if (dir.empty())
    throw std::runtime_error(
        "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (apt-get install "
        "postgresql; scripts/install-deps.sh test)");
  return dir;
}

struct PgConn {
  explicit PgConn(const std::string& url) : conn(PQconnectdb(url.c_str())) {
    if (PQstatus(conn) != CONNECTION_OK)
      throw std::runtime_error(std::string("test cluster: ") + PQerrorMessage(conn));
  }
  ~PgConn() { PQfinish(conn); }
  std::string run(const std::string& sql) const {
    PGresult* res = PQexec(conn, sql.c_str());
    const auto st = PQresultStatus(res);
    std::string out;
    if (st == PGRES_TUPLES_OK && PQntuples(res) > 0) out = PQgetvalue(res, 0, 0);
    std::string err = PQresultErrorMessage(res);
    PQclear(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
      throw std::runtime_error("test cluster: " + sql + ": " + err);
    return out;
  }
  PGconn* conn;
};

}  // namespace

std::unique_ptr<PgCluster> PgCluster::start(const std::string& bin_dir) {
  std::unique_ptr<PgCluster> c(new PgCluster());
  c->bin_dir_ = bin_dir.empty() ? find_bin_dir() : bin_dir;
  std::string pattern = (fs::temp_directory_path() / "postern-pg-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr)
    throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
  c->root_ = pattern;
  c->as_postgres_ = ::geteuid() == 0;
  if (c->as_postgres_) {
    const passwd* pw = ::getpwnam("postgres");
    if (pw == nullptr || ::chown(c->root_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      fs::remove_all(c->root_);
      throw std::runtime_error("running as root needs a `postgres` user to own the test cluster");
    }
  }
  const std::string data = (c->root_ / "data").string();
  const std::string log = (c->root_ / "commands.log").string();
  std::vector<std::string> prefix;
  if (c->as_postgres_) prefix = {"/usr/sbin/runuser", "-u", "postgres", "--"};
  auto command = [&](std::initializer_list<std::string> args) {
    std::vector<std::string> argv = prefix;
    argv.insert(argv.end(), args);
    return argv;
  };

  // The watchdog first, so that the directory goes away whatever happens next.
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  std::vector<std::string> watchdog = {
      "/bin/sh", "-c",
      "cat >/dev/null; root=$1; shift; \"$@\" >/dev/null 2>&1; rm -rf \"$root\"",
      "pg-watchdog", c->root_.string()};
  for (auto& a : command({c->bin_dir_ + "/pg_ctl", "stop", "-D", data, "-m", "immediate", "-w"}))
    watchdog.push_back(a);
  c->watchdog_ = spawn(watchdog, "/dev/null", fds[0]);
  ::close(fds[0]);
  c->watchdog_pipe_ = fds[1];

  const auto initdb = command({c->bin_dir_ + "/initdb", "-D", data, "-U", "postgres", "-A",
                               "trust", "-E", "UTF8", "--no-locale", "--no-sync"});
  if (wait_for(spawn(initdb, log)) != 0)
    throw std::runtime_error("initdb failed:\n" + tail_of(log));
  for (int attempt = 0; attempt < 5; ++attempt)
    if (c->try_start(free_port())) return c;
  throw std::runtime_error("the test PostgreSQL cluster did not start:\n" +
                           tail_of(c->root_ / "server.log"));
}

bool PgCluster::try_start(int port) {
  std::vector<std::string> argv;
  if (as_postgres_) argv = {"/usr/sbin/runuser", "-u", "postgres", "--"};
  // pg_ctl hands -o to a shell: the only values spliced are a number and our mkdtemp path.
  const std::string options = "-c listen_addresses=127.0.0.1 -p " + std::to_string(port) +
                              " -c unix_socket_directories='" + root_.string() +
                              "' -c fsync=off -c full_page_writes=off"
                              " -c synchronous_commit=off -c max_connections=300";
  argv.insert(argv.end(), {bin_dir_ + "/pg_ctl", "start", "-D", (root_ / "data").string(), "-l",
                           (root_ / "server.log").string(), "-w", "-t", "60", "-o", options});
  if (wait_for(spawn(argv, (root_ / "commands.log").string())) != 0) return false;
  port_ = port;
  return true;
}

PgCluster::~PgCluster() {
  // The watchdog stops the server and removes the directory once its pipe closes.
  if (watchdog_pipe_ >= 0) ::close(watchdog_pipe_);
  if (watchdog_ > 0) wait_for(watchdog_);
}

std::string PgCluster::url(const std::string& database) const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

std::string PgCluster::create_database(const std::string& options) {
  const std::string name = "t_" + std::to_string(++next_db_);
  exec("postgres", "CREATE DATABASE " + name + (options.empty() ? "" : " " + options));
  return url(name);
}

void PgCluster::exec(const std::string& database, const std::string& sql) const {
  PgConn(url(database)).run(sql);
}

std::string PgCluster::query_value(const std::string& database, const std::string& sql) const {
  return PgConn(url(database)).run(sql);
}

// --- the shared cluster ---

std::mutex PgClusterEnvironment::mu_;
std::unique_ptr<PgCluster> PgClusterEnvironment::cluster_;
std::string PgClusterEnvironment::failure_;

void PgClusterEnvironment::TearDown() {
  std::lock_guard lock(mu_);
  cluster_.reset();
}

PgCluster& PgClusterEnvironment::cluster() {
  std::lock_guard lock(mu_);
  if (cluster_) return *cluster_;
  if (!failure_.empty()) throw std::runtime_error(failure_);  // tried once already
  try {
    cluster_ = PgCluster::start();
  } catch (const std::exception& e) {
    failure_ = e.what();
    throw;
  }
  return *cluster_;
}

namespace {
[[maybe_unused]] ::testing::Environment* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new PgClusterEnvironment);
}  // namespace

}  // namespace postern::pgstore::testing
