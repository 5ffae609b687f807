// queue::Spool: the durable on-disk queue of accepted messages (one file per message).
// Invariant (STYLE rule 7): store() returns a queue id only after the file's bytes and its
// directory entry are on stable storage: write tmp/ID, fsync it, rename into queue/, fsync
// queue/. A crash before the rename leaves only tmp/ debris (removed at start-up); after it,
// a complete message. Blocking: call from the blocking pool. Thread-safe.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/time.h"

namespace postern::queue {

struct EnvelopeRecord {
  std::string id;
  std::string mail_from;
  std::vector<std::string> recipients;
  std::string user_uuid;
  std::string username;
  std::string account;
  std::string client_ip;
  Millis received_at = 0;
  std::uint64_t size = 0;  // message bytes (headers added by Postern included)
};

struct SpoolFaults {
  // Test hook: when set and it returns true, the named step ("write", "fsync", "rename",
  // "dirsync") fails as an I/O error would.
  std::function<bool(const char* step)> fail;
};

// A time-ordered, URL-safe queue id: 10 chars of milliseconds + 8 random, Crockford base32.
std::string new_queue_id();

class Spool {
 public:
  explicit Spool(std::string dir, SpoolFaults faults = {});
  // Creates the directories and removes tmp/ leftovers of a crash. Error if unusable.
  Status open();
  // Makes the message durable. `message` is the full RFC 5322 message, CRLF line endings.
  Result<std::string> store(EnvelopeRecord envelope, const std::string& message);
  std::vector<EnvelopeRecord> list() const;
  std::optional<EnvelopeRecord> find(const std::string& id) const;
  Result<std::string> read_message(const std::string& id) const;
  Status remove(const std::string& id);
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  SpoolFaults faults_;
};

}  // namespace postern::queue
