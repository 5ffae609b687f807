#include "queue/spool.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "base/random.h"

namespace postern::queue {
namespace fs = std::filesystem;
namespace {

// File layout: one line of JSON (the envelope), "\n", then the message bytes.
std::string envelope_line(const EnvelopeRecord& e) {
  nlohmann::json j = {{"id", e.id},           {"mail_from", e.mail_from},
                      {"rcpt", e.recipients}, {"user_uuid", e.user_uuid},
                      {"username", e.username}, {"account", e.account},
                      {"ip", e.client_ip},    {"received_at", e.received_at},
                      {"size", e.size}};
  return j.dump() + "\n";
}

std::optional<EnvelopeRecord> parse_envelope(const std::string& line) {
  auto j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  EnvelopeRecord e;
  e.id = j.value("id", "");
  e.mail_from = j.value("mail_from", "");
  e.recipients = j.value("rcpt", std::vector<std::string>{});
  e.user_uuid = j.value("user_uuid", "");
  e.username = j.value("username", "");
  e.account = j.value("account", "");
  e.client_ip = j.value("ip", "");
  e.received_at = j.value("received_at", Millis{0});
  e.size = j.value("size", std::uint64_t{0});
  return e;
}

std::string io_error(const char* step, const std::string& path, int err) {
  return std::string(step) + " " + path + ": " + std::strerror(err);
}

bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

bool fsync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

bool valid_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  return true;
}

}  // namespace

std::string new_queue_id() {
  static constexpr char kB32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::uint64_t t = static_cast<std::uint64_t>(now_ms());
  std::string id(18, '0');
  for (int i = 9; i >= 0; --i) {
    id[i] = kB32[t & 31];
    t >>= 5;
  }
  std::string r = random_bytes(8);
  for (int i = 0; i < 8; ++i) id[10 + i] = kB32[static_cast<unsigned char>(r[i]) & 31];
  return id;
}

Spool::Spool(std::string dir, SpoolFaults faults) : dir_(std::move(dir)), faults_(std::move(faults)) {}

Status Spool::open() {
  std::error_code ec;
  fs::create_directories(dir_ + "/tmp", ec);
  if (ec) return Error{"cannot create " + dir_ + "/tmp: " + ec.message()};
  fs::create_directories(dir_ + "/queue", ec);
  if (ec) return Error{"cannot create " + dir_ + "/queue: " + ec.message()};
  ::chmod(dir_.c_str(), 0700);
  // Anything in tmp/ was never acknowledged (the rename comes before the 250).
  for (auto& e : fs::directory_iterator(dir_ + "/tmp", ec)) fs::remove(e.path(), ec);
  return ok_status();
}

Result<std::string> Spool::store(EnvelopeRecord envelope, const std::string& message) {
  auto failing = [&](const char* step) { return faults_.fail && faults_.fail(step); };
  if (envelope.id.empty()) envelope.id = new_queue_id();
  envelope.size = message.size();
  const std::string tmp = dir_ + "/tmp/" + envelope.id;
  const std::string final_path = dir_ + "/queue/" + envelope.id;
  const std::string head = envelope_line(envelope);

  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Error{io_error("open", tmp, errno)};
  bool ok = !failing("write") && write_all(fd, head.data(), head.size()) &&
            write_all(fd, message.data(), message.size());
  int err = errno;
  if (ok && (failing("fsync") || ::fdatasync(fd) != 0)) {
    ok = false;
    err = errno ? errno : EIO;
  }
  ::close(fd);
  if (!ok) {
    ::unlink(tmp.c_str());
    return Error{io_error("write", tmp, err ? err : EIO)};
  }
  if (failing("rename") || ::rename(tmp.c_str(), final_path.c_str()) != 0) {
    err = errno ? errno : EIO;
    ::unlink(tmp.c_str());
    return Error{io_error("rename", final_path, err)};
  }
  if (failing("dirsync") || !sync_queue_dir()) {
    // The entry may or may not survive a crash: do not acknowledge it, and take it back so
    // that a message we answered 451 for is not delivered as well.
    err = errno ? errno : EIO;
    ::unlink(final_path.c_str());
    return Error{io_error("fsync", dir_ + "/queue", err)};
  }
  return envelope.id;
}

std::vector<EnvelopeRecord> Spool::list() const {
  std::vector<EnvelopeRecord> out;
  std::error_code ec;
  for (auto& e : fs::directory_iterator(dir_ + "/queue", ec)) {
    if (auto rec = find(e.path().filename().string())) out.push_back(std::move(*rec));
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.id < b.id; });
  return out;
}

std::optional<EnvelopeRecord> Spool::find(const std::string& id) const {
  if (!valid_id(id)) return std::nullopt;
  std::ifstream in(dir_ + "/queue/" + id, std::ios::binary);
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  return parse_envelope(line);
}

Result<std::string> Spool::read_message(const std::string& id) const {
  if (!valid_id(id)) return Error{"invalid queue id"};
  // One read of the whole file, then the envelope line is cut off (the body used to be read
  // through an istreambuf_iterator, byte by byte: a top function of the T1 profile).
  const std::string path = dir_ + "/queue/" + id;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{"no message " + id};
  struct stat st{};
  std::string all;
  bool ok = ::fstat(fd, &st) == 0;
  if (ok) {
    all.resize(static_cast<std::size_t>(st.st_size));
    std::size_t got = 0;
    while (got < all.size()) {
      ssize_t n = ::read(fd, all.data() + got, all.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    all.resize(got);
  }
  ::close(fd);
  std::size_t nl = all.find('\n');
  if (!ok || nl == std::string::npos) return Error{"no message " + id};
  all.erase(0, nl + 1);
  return all;
}

Status Spool::remove(const std::string& id, bool durable) {
  if (!valid_id(id)) return Error{"invalid queue id"};
  if (::unlink((dir_ + "/queue/" + id).c_str()) != 0) return Error{"no message " + id};
  if (durable) sync_queue_dir();
  return ok_status();
}

bool Spool::sync_queue_dir() {
  std::unique_lock lock(sync_mu_);
  // Our rename is done. A sync that began before now may have missed it: we need the result
  // of a sync whose generation is greater than the latest one begun so far.
  const std::uint64_t need = sync_started_ + 1;
  for (;;) {
    if (sync_finished_ >= need) return sync_ok_;  // a later sync covers our rename too
    if (!sync_running_) break;
    sync_cv_.wait(lock);
  }
  // Leader: this sync covers every rename done before this point, ours included.
  sync_running_ = true;
  const std::uint64_t gen = ++sync_started_;
  lock.unlock();
  const bool ok = fsync_dir(dir_ + "/queue");
  lock.lock();
  sync_running_ = false;
  sync_finished_ = gen;
  sync_ok_ = ok;
  sync_cv_.notify_all();
  return ok;
}

}  // namespace postern::queue
