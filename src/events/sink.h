// events::EventSink: observers of the auth and message logs (metrics, webhooks). AuthLog and
// MessageLog call every sink synchronously from the recording thread, after the JSON line is
// written: a sink must be quick and never block (queue work, do not do it inline), and must be
// thread-safe. Sinks are registered before the server starts and outlive the logs.
#pragma once
#include "storage/records.h"
#include "storage/message_store.h"

namespace postern::events {

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void on_auth(const storage::AuthEvent&) {}
  virtual void on_message(const storage::MessageEvent&) {}
};

}  // namespace postern::events
