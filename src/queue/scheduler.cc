#include "queue/scheduler.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <map>
#include <random>

#include "queue/bounce.h"

namespace postern::queue {
namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;

struct Scheduler::Group {
  std::string queue_id;
  std::string domain;
  std::vector<storage::Delivery> rows;
};

namespace {

std::string domain_of(const std::string& address) {
  auto at = address.rfind('@');
  std::string d = at == std::string::npos ? "" : address.substr(at + 1);
  for (auto& c : d) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return d;
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

}  // namespace

Scheduler::Scheduler(asio::io_context& home, std::function<asio::io_context&()> next_worker,
                     asio::thread_pool& blocking, storage::Store& store, Spool& spool,
                     outbound::Deliverer& deliverer, events::MessageLog& log,
                     events::Logger& logger, SchedulerSettings settings)
    : home_(home),
      next_worker_(std::move(next_worker)),
      blocking_(blocking),
      store_(store),
      spool_(spool),
      deliverer_(deliverer),
      log_(log),
      logger_(logger),
      settings_(std::move(settings)),
      timer_(home) {}

void Scheduler::start() {
  asio::co_spawn(home_, loop(), asio::detached);
}

void Scheduler::wake() {
  if (wake_pending_.exchange(true)) return;  // one already on its way
  asio::post(home_, [this] { timer_.cancel(); });
}

void Scheduler::stop() {
  stopping_ = true;
  wake();
}

std::size_t Scheduler::in_flight() const {
  std::lock_guard lock(mu_);
  return in_flight_.size();
}

void Scheduler::reconcile() {
  // The spool is the source of truth for what was acknowledged: a message whose delivery rows
  // were never written (a crash or a store error right after the fsync) gets them now.
  const Millis now = now_ms();
  for (const EnvelopeRecord& env : spool_.list()) {
    auto rows = store_.deliveries_of(env.id);
    if (rows.empty()) {
      if (auto st = store_.add_deliveries(env.id, env.recipients, env.received_at, now); !st)
        logger_.error("delivery_rows_recovery_failed", {{"id", env.id}, {"error", st.error().message}});
      else
        logger_.warn("delivery_rows_recovered", {{"id", env.id}});
    } else {
      remove_if_done(env.id);
    }
  }
}

awaitable<void> Scheduler::loop() {
  try {
    co_await on_pool(blocking_, [this] {
      reconcile();
      return 0;
    });
  } catch (const std::exception& e) {
    logger_.error("queue_reconcile_failed", {{"error", e.what()}});
  }
  while (!stopping_) {
    wake_pending_.store(false);
    std::vector<storage::Delivery> due;
    try {
      due = co_await on_pool(blocking_, [this] { return store_.due_deliveries(now_ms(), 1000); });
    } catch (const std::exception& e) {
      logger_.error("queue_read_failed", {{"error", e.what()}});
    }
    std::map<std::pair<std::string, std::string>, Group> groups;
    {
      std::lock_guard lock(mu_);
      for (auto& d : due) {
        if (in_flight_.count(d.queue_id + " " + d.recipient)) continue;
        auto key = std::make_pair(d.queue_id, domain_of(d.recipient));
        auto& g = groups[key];
        g.queue_id = key.first;
        g.domain = key.second;
        g.rows.push_back(std::move(d));
      }
    }
    for (auto& [key, group] : groups) {
      {
        std::lock_guard lock(mu_);
        if (in_flight_.size() >= settings_.max_in_flight) {
          capacity_full_.store(true);
          break;
        }
        for (auto& r : group.rows) in_flight_.insert(r.queue_id + " " + r.recipient);
      }
      asio::co_spawn(next_worker_(), attempt(std::move(group)), asio::detached);
    }
    // Woken while reading: poll again after a short pause that gathers the next wake-ups.
    timer_.expires_after(wake_pending_.load() ? std::chrono::milliseconds(5)
                                              : std::chrono::milliseconds(settings_.poll_ms));
    boost::system::error_code ec;
    co_await timer_.async_wait(asio::redirect_error(use_awaitable, ec));
  }
}

awaitable<void> Scheduler::attempt(Group group) {
  std::vector<std::string> keys;  // in_flight_ entries, before the rows are filtered
  for (auto& r : group.rows) keys.push_back(r.queue_id + " " + r.recipient);
  try {
    const std::string& id = group.queue_id;
    std::vector<storage::Delivery>& rows = group.rows;
    auto loaded = co_await on_pool(blocking_, [this, &id, &rows] {
      // The poll may have read these rows just before an earlier attempt recorded its
      // outcome: keep only the ones that are still queued as read, never deliver twice.
      const auto current = store_.deliveries_of(id);
      std::erase_if(rows, [&](const storage::Delivery& r) {
        for (const auto& c : current)
          if (c.recipient == r.recipient)
            return c.status != "queued" || c.attempts != r.attempts;
        return true;
      });
      if (rows.empty())
        return std::make_pair(std::optional<EnvelopeRecord>{}, Result<std::string>{Error{"done"}});
      return std::make_pair(spool_.find(id), spool_.read_message(id));
    });
    if (group.rows.empty()) {
      // Nothing left to do: another attempt already settled these recipients.
    } else if (!loaded.first || !loaded.second) {
      // The file is gone (deleted by the operator): nothing to deliver.
      for (auto& r : group.rows) r.status = "deleted";
      co_await on_pool(blocking_, [this, &group] { return store_.update_deliveries(group.rows); });
    } else {
      const EnvelopeRecord env = *loaded.first;
      auto message = std::make_shared<const std::string>(std::move(loaded.second).value());
      outbound::DeliveryRequest request;
      request.queue_id = group.queue_id;
      request.mail_from = env.mail_from;
      request.domain = group.domain;
      for (auto& r : group.rows) request.recipients.push_back(r.recipient);
      request.message = message;
      for (unsigned char c : *message)
        if (c >= 0x80) {
          request.body_8bitmime = true;
          break;
        }
      outbound::DeliveryResult result = co_await deliverer_.deliver(std::move(request));
      co_await on_pool(blocking_, [this, &group, &result, &env, &message] {
        finish(group, result, env, *message);
        return 0;
      });
    }
  } catch (const std::exception& e) {
    logger_.error("delivery_attempt_failed", {{"id", group.queue_id}, {"error", e.what()}});
  }
  {
    std::lock_guard lock(mu_);
    for (auto& k : keys) in_flight_.erase(k);
  }
  if (capacity_full_.exchange(false)) wake();  // room again for what the last poll left
}

void Scheduler::finish(const Group& group, const outbound::DeliveryResult& result,
                       const EnvelopeRecord& env, const std::string& message) {
  const Millis now = now_ms();
  std::vector<storage::Delivery> rows = group.rows;
  std::vector<FailedRecipient> failed;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    storage::Delivery& d = rows[i];
    outbound::RecipientResult r;
    if (i < result.recipients.size()) r = result.recipients[i];
    else r = {d.recipient, outbound::Outcome::Transient, "4.3.0 no result from the delivery agent"};
    d.attempts += 1;
    d.last_reply = r.reply;
    d.mx = result.mx;
    storage::MessageEvent e;
    e.time = now;
    e.id = d.queue_id;
    e.user = env.username;
    e.account = env.account;
    e.ip = env.client_ip;
    e.mail_from = env.mail_from;
    e.rcpt = d.recipient;
    e.size = env.size;
    e.mx = result.mx;
    e.remote_reply = r.reply;
    e.attempt = d.attempts;
    e.queued_at = d.queued_at;
    bool expired = false;
    switch (r.outcome) {
      case outbound::Outcome::Delivered:
        d.status = e.status = "delivered";
        break;
      case outbound::Outcome::Permanent:
        d.status = e.status = "bounced";
        break;
      case outbound::Outcome::Transient:
        if (settings_.retry.expired(d.queued_at, now)) {
          d.status = e.status = "expired";
          expired = true;
        } else {
          d.status = "queued";
          e.status = "deferred";
          d.next_attempt_at = settings_.retry.next_attempt(now, d.attempts, jitter_unit());
        }
        break;
    }
    if (d.status == "bounced" || expired)
      failed.push_back({d.recipient, status_from_reply(r.reply, expired), r.reply, result.mx, expired});
    // F14: a hard bounce for the mailbox or its domain (5.1.x: no such user, bad domain, null
    // MX) puts the address on the account's suppression list, so the next RCPT is refused.
    if (d.status == "bounced" && !env.account.empty() &&
        status_from_reply(r.reply, false).rfind("5.1.", 0) == 0) {
      auto added = store_.add_suppression(env.account, d.recipient, "hard_bounce");
      if (!added)
        logger_.warn("suppression_add_failed", {{"id", d.queue_id}, {"error", added.error().message}});
    }
    log_.record(std::move(e));
  }
  // The remote 250 happened before this commit: a crash in between re-delivers (at least
  // once), never loses.
  if (auto s = store_.update_deliveries(rows); !s)
    logger_.error("delivery_state_write_failed", {{"id", group.queue_id}, {"error", s.error().message}});
  if (!failed.empty() && !env.mail_from.empty()) enqueue_bounce(env, message, std::move(failed));
  remove_if_done(group.queue_id);
}

void Scheduler::enqueue_bounce(const EnvelopeRecord& env, const std::string& message,
                               std::vector<FailedRecipient> failed) {
  BounceInput in;
  in.hostname = settings_.hostname;
  in.queue_id = env.id;
  in.original_sender = env.mail_from;
  in.arrival = env.received_at;
  in.now = now_ms();
  in.recipients = std::move(failed);
  in.original_message = message;
  EnvelopeRecord bounce;
  bounce.mail_from = "";  // null sender: a bounce is never bounced (RFC 5321 §4.5.5)
  bounce.recipients = {env.mail_from};
  bounce.username = env.username;
  bounce.account = env.account;
  bounce.received_at = in.now;
  auto id = spool_.store(bounce, compose_bounce(in));
  if (!id) {
    logger_.error("bounce_enqueue_failed", {{"id", env.id}, {"error", id.error().message}});
    return;
  }
  if (auto st = store_.add_deliveries(*id, bounce.recipients, in.now, in.now); !st)
    logger_.error("delivery_rows_failed", {{"id", *id}, {"error", st.error().message}});
  storage::MessageEvent e;
  e.time = in.now;
  e.id = *id;
  e.user = env.username;
  e.account = env.account;
  e.mail_from = "";
  e.rcpt = env.mail_from;
  e.status = "accepted";
  e.reason = "bounce of " + env.id;
  log_.record(std::move(e));
  wake();
}

void Scheduler::remove_if_done(const std::string& queue_id) {
  for (const auto& d : store_.deliveries_of(queue_id))
    if (d.status == "queued") return;
  if (spool_.find(queue_id)) {
    // No directory fsync: a delivered message's file that comes back after a crash is
    // removed again by reconcile(), its rows say it is done.
    if (auto st = spool_.remove(queue_id, false); !st)
      logger_.warn("spool_remove_failed", {{"id", queue_id}, {"error", st.error().message}});
  }
}

}  // namespace postern::queue
