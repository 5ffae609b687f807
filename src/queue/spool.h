// queue::Spool: the durable on-disk queue of accepted messages (one file per message).
// Invariant (STYLE rule 7): store() returns a queue id only after the file's bytes and its
// directory entry are on stable storage: write tmp/ID, fsync it, rename into queue/, fsync
// queue/. A crash before the rename leaves only tmp/ debris (removed at start-up); after it,
// a complete message. Blocking: call from the blocking pool. Thread-safe.
// Group commit: concurrent store() calls share one fsync of queue/ (the first caller to find
// no sync running starts one that covers every rename made before it began; the others wait
// for it), so N messages arriving together cost N file fsyncs (batched by the journal) and
// about one directory fsync, and none returns before its own entry is durable.
#pragma once
#include <cstdint>
#include <condition_variable>
#include <functional>
#include <mutex>
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
  // `durable` = false skips the fsync of queue/: for a delivered message, whose file coming
  // back after a crash is harmless (the scheduler's reconciliation removes it again).
  Status remove(const std::string& id, bool durable = true);
  const std::string& dir() const { return dir_; }

 private:
  // Waits until queue/ has been fsynced by a sync that started after the caller's rename.
  bool sync_queue_dir();

  std::string dir_;
  SpoolFaults faults_;
  // Group commit of the queue/ directory fsync (see above).
  std::mutex sync_mu_;
  std::condition_variable sync_cv_;
  bool sync_running_ = false;
  std::uint64_t sync_started_ = 0;   // generation of the latest sync begun
  std::uint64_t sync_finished_ = 0;  // generation of the latest sync completed
  bool sync_ok_ = true;              // the result of generation sync_finished_
};

}  // namespace postern::queue
