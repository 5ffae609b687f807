#include "webhooks/dispatcher.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <random>
#include <set>

#include "http/client.h"
#include "webhooks/payload.h"

namespace postern::webhooks {
namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;

namespace {

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

double jitter_unit() {
  thread_local std::mt19937 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(-1.0, 1.0)(rng);
}

// The callable stays in the caller's frame and runs on the pool through a pointer: GCC 12
// miscompiles lambda coroutines that own captured objects (double free), so none is used.
template <class F>
awaitable<std::invoke_result_t<F&>> invoke(F* f) {
  co_return (*f)();
}

template <class F>
awaitable<std::invoke_result_t<F&>> on_pool(asio::thread_pool& pool, F f) {
  co_return co_await asio::co_spawn(pool, invoke(&f), use_awaitable);
}

struct PendingEvent {
  std::string type;
  std::optional<std::string> account;
  std::string body;
};

}  // namespace

struct Dispatcher::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::io_context& io, storage::Store& store, events::Logger& log, const Clock& clock,
       Settings settings)
      : strand(asio::make_strand(io)),
        store(store),
        log(log),
        clock(clock),
        settings(std::move(settings)),
        timer(strand) {}

  asio::strand<asio::io_context::executor_type> strand;  // the loop, the POSTs, the timer
  storage::Store& store;
  events::Logger& log;
  const Clock& clock;
  const Settings settings;
  asio::thread_pool pool{1};  // every store call
  asio::steady_timer timer;

  std::mutex mu;  // guards the fields below it
  std::vector<PendingEvent> queue;
  bool flush_posted = false;
  std::uint64_t dropped = 0;
  std::set<std::int64_t> in_flight;  // delivery ids being POSTed
  bool backlog = false;              // a poll left due rows for want of room

  // Pool thread only.
  std::vector<storage::Webhook> hooks;
  std::optional<std::chrono::steady_clock::time_point> hooks_loaded;

  std::atomic<bool> started{false};
  std::atomic<bool> stopping{false};
  std::atomic<bool> wake_pending{false};
  std::atomic<std::int64_t> no_hooks_until{0};  // steady_ms(); see wanted()
  std::atomic<bool> hooks_stale{false};          // hooks_changed() since the last read

  // Any thread: false when the hook list read within the cache TTL was empty, so that a relay
  // without webhooks does not even serialise its events.
  bool wanted() const { return steady_ms() >= no_hooks_until.load(std::memory_order_relaxed); }

  // Any thread: never blocks beyond the queue's mutex.
  void record(std::string type, std::optional<std::string> account, std::string body) {
    std::lock_guard lock(mu);
    if (queue.size() >= settings.max_queued_events) {
      ++dropped;
      return;
    }
    queue.push_back({std::move(type), std::move(account), std::move(body)});
    if (!flush_posted) {
      flush_posted = true;
      asio::post(pool, [self = shared_from_this()] { self->flush(); });
    }
  }

  // Any thread: the loop polls again at once (or right after the poll under way).
  void wake() {
    wake_pending = true;
    asio::post(strand, [self = shared_from_this()] { self->timer.cancel(); });
  }

  // Pool thread: matches the queued events against the hooks and stores one row per match.
  void flush() {
    std::vector<PendingEvent> batch;
    std::uint64_t lost = 0;
    {
      std::lock_guard lock(mu);
      batch.swap(queue);
      flush_posted = false;
      std::swap(lost, dropped);
    }
    if (lost > 0) log.warn("webhook_events_dropped", {{"events", lost}});
    if (batch.empty()) return;
    try {
      auto now = std::chrono::steady_clock::now();
      if (hooks_stale.exchange(false) || !hooks_loaded ||
          now - *hooks_loaded >= settings.hook_cache_ttl) {
        hooks = store.list_webhooks(std::nullopt);
        hooks_loaded = now;
        bool any_active =
            std::any_of(hooks.begin(), hooks.end(), [](const auto& h) { return h.active; });
        no_hooks_until = any_active ? 0 : steady_ms() + settings.hook_cache_ttl.count();
      }
      Millis at = clock.now_ms();
      std::vector<storage::WebhookDelivery> rows;
      for (const PendingEvent& e : batch)
        for (const storage::Webhook& hook : hooks)
          if (hook_matches(hook, e.type, e.account)) {
            storage::WebhookDelivery row;
            row.webhook_id = hook.id;
            row.event = e.type;
            row.body = e.body;
            row.status = "pending";
            row.next_attempt_at = at;
            row.created_at = at;
            row.updated_at = at;
            rows.push_back(std::move(row));
          }
      if (rows.empty()) return;
      Status stored = store.enqueue_webhook_deliveries(rows);
      if (!stored) {
        log.error("webhook_enqueue_failed",
                  {{"error", stored.error().message}, {"deliveries", rows.size()}});
        return;
      }
      wake();
    } catch (const std::exception& e) {
      log.error("webhook_enqueue_failed", {{"error", e.what()}, {"events", batch.size()}});
    }
  }

  static awaitable<void> loop(std::shared_ptr<Impl> self) {
    while (!self->stopping) {
      try {
        co_await poll(self);
      } catch (const std::exception& e) {
        self->log.error("webhook_poll_failed", {{"error", e.what()}});
      }
      if (self->stopping) break;
      if (self->wake_pending.exchange(false)) continue;
      self->timer.expires_after(self->settings.poll_interval);
      boost::system::error_code ec;
      co_await self->timer.async_wait(asio::redirect_error(use_awaitable, ec));
      self->wake_pending = false;  // this wake-up is the poll about to run
    }
  }

  static awaitable<void> poll(std::shared_ptr<Impl> self) {
    int limit;
    {
      std::lock_guard lock(self->mu);
      int room = self->settings.max_in_flight - static_cast<int>(self->in_flight.size());
      if (room <= 0) {
        self->backlog = true;
        co_return;
      }
      limit = room + static_cast<int>(self->in_flight.size());  // in-flight rows are still due
    }
    Millis now = self->clock.now_ms();
    storage::Store* store = &self->store;
    auto due = co_await on_pool(
        self->pool, [store, now, limit] { return store->due_webhook_deliveries(now, limit); });
    std::vector<storage::WebhookDelivery> start;
    {
      std::lock_guard lock(self->mu);
      self->backlog = false;
      for (auto& row : due) {
        if (self->in_flight.count(row.id)) continue;
        if (static_cast<int>(self->in_flight.size()) >= self->settings.max_in_flight) {
          self->backlog = true;
          break;
        }
        self->in_flight.insert(row.id);
        start.push_back(std::move(row));
      }
    }
    for (auto& row : start)
      asio::co_spawn(self->strand, attempt(self, std::move(row)), asio::detached);
  }

  static awaitable<void> attempt(std::shared_ptr<Impl> self, storage::WebhookDelivery row) {
    try {
      co_await attempt_once(self, row);
    } catch (const std::exception& e) {
      // The row stays pending and is tried again at the next poll.
      self->log.error("webhook_attempt_failed",
                      {{"id", row.id}, {"webhook_id", row.webhook_id}, {"error", e.what()}});
    }
    bool again;
    {
      std::lock_guard lock(self->mu);
      self->in_flight.erase(row.id);
      again = self->backlog;
    }
    if (again && !self->stopping) self->wake();
  }

  static awaitable<void> attempt_once(std::shared_ptr<Impl> self, storage::WebhookDelivery& row) {
    storage::Store* store = &self->store;
    std::int64_t hook_id = row.webhook_id;
    auto hook =
        co_await on_pool(self->pool, [store, hook_id] { return store->find_webhook(hook_id); });
    if (!hook) co_return;  // removed: its deliveries went with it

    http::ClientResponse response;
    if (!hook->active) {
      response.error = "webhook disabled";
    } else {
      std::string timestamp = std::to_string(self->clock.now_ms() / 1000);
      std::vector<std::pair<std::string, std::string>> headers{
          {"Content-Type", "application/json"},
          {"X-Postern-Event", row.event},
          {"X-Postern-Delivery", std::to_string(row.id)},
          {"X-Postern-Timestamp", timestamp},
          {"X-Postern-Signature", "sha256=" + sign(hook->secret, timestamp, row.body)}};
      response = co_await http::post(hook->url, std::move(headers), row.body,
                                     self->settings.request_timeout);
    }

    Millis now = self->clock.now_ms();
    row.attempts += 1;
    row.updated_at = now;
    nlohmann::json fields = {{"id", row.id},
                             {"webhook_id", row.webhook_id},
                             {"type", row.event},
                             {"host", url_host(hook->url)},
                             {"status", response.status},
                             {"attempts", row.attempts}};
    const char* outcome;
    if (response.status >= 200 && response.status < 300) {
      row.status = "delivered";
      row.last_error.clear();
      outcome = "webhook_delivered";
    } else {
      row.last_error =
          response.status != 0 ? "HTTP " + std::to_string(response.status) : response.error;
      fields["error"] = row.last_error;
      std::int64_t delay =
          hook->active ? retry_delay_ms(row.attempts, self->settings.schedule_ms) : -1;
      if (delay < 0) {
        row.status = "dead";
        outcome = "webhook_dead";
      } else {
        row.next_attempt_at = now + with_jitter(delay, jitter_unit());
        fields["retry_in_ms"] = row.next_attempt_at - now;
        outcome = "webhook_failed";
      }
    }
    storage::WebhookDelivery* update = &row;
    Status saved = co_await on_pool(
        self->pool, [store, update] { return store->update_webhook_delivery(*update); });
    if (!saved) {
      fields["error"] = saved.error().message;
      self->log.error("webhook_update_failed", std::move(fields));
      co_return;
    }
    self->log.log(row.status == "delivered" ? "info" : "warn", outcome, std::move(fields));
  }
};

Dispatcher::Dispatcher(asio::io_context& io, storage::Store& store, events::Logger& log,
                       const Clock& clock, Settings settings)
    : impl_(std::make_shared<Impl>(io, store, log, clock, std::move(settings))) {}

Dispatcher::~Dispatcher() {
  stop();
  impl_->pool.join();  // the last flush and any store call under way finish first
}

void Dispatcher::on_auth(const storage::AuthEvent& e) {
  auto type = webhook_event_type(e);
  if (!type || !impl_->wanted()) return;
  impl_->record(std::move(*type), e.account, event_body(e));
}

void Dispatcher::on_message(const storage::MessageEvent& e) {
  auto type = webhook_event_type(e);
  if (!type || !impl_->wanted()) return;
  std::optional<std::string> account;
  if (!e.account.empty()) account = e.account;
  impl_->record(std::move(*type), std::move(account), event_body(e));
}

void Dispatcher::hooks_changed() {
  impl_->hooks_stale = true;
  impl_->no_hooks_until = 0;
}

bool Dispatcher::wants_events() const { return impl_->wanted(); }

void Dispatcher::start() {
  if (impl_->started.exchange(true)) return;
  asio::co_spawn(impl_->strand, Impl::loop(impl_), asio::detached);
}

void Dispatcher::stop() {
  if (impl_->stopping.exchange(true)) return;
  asio::post(impl_->strand, [self = impl_] { self->timer.cancel(); });
  asio::post(impl_->pool, [self = impl_] { self->flush(); });
}

}  // namespace postern::webhooks
