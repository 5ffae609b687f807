#include "inbound/session.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <array>
#include <chrono>

#include "base/encoding.h"
#include "base/random.h"
#include "inbound/message_composer.h"
#include "inbound/proxy_reader.h"
#include "policy/ip_allow_list.h"
#include "inbound/submission.h"
#include "inbound/transport.h"
#include "smtp/data_reader.h"
#include "smtp/line_framer.h"
#include "smtp/server.h"

namespace postern::inbound {
namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using Clock = std::chrono::steady_clock;

namespace {

smtp::ServerSettings settings_for(const config::Listener& l, const config::Config& c) {
  smtp::ServerSettings s;
  s.hostname = c.hostname;
  s.starttls_offered = l.tls == config::TlsMode::StartTls;
  s.tls_active = false;  // set after the implicit-TLS handshake
  s.max_message_size = c.max_message_size;
  s.max_recipients = c.max_recipients;
  return s;
}

const char* reason_of(smtp::AuthProtocolFailure f) {
  switch (f) {
    case smtp::AuthProtocolFailure::TlsRequired: return "tls_required";
    case smtp::AuthProtocolFailure::MechanismUnsupported: return "mechanism_unsupported";
    case smtp::AuthProtocolFailure::Malformed: return "malformed";
    case smtp::AuthProtocolFailure::Cancelled: return "cancelled";
  }
  return "malformed";
}

smtp::Reply closing_reply(const std::string& hostname) {
  return smtp::make_reply(421, "4.4.2", hostname + " closing connection");
}

// The connection's state: the protocol machine, buffers, the authenticated user.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(asio::ip::tcp::socket socket, const config::Listener& listener, Services& services)
      : services_(services),
        listener_(listener),
        io_(std::move(socket), *services.tls),
        server_(settings_for(listener, services.config)),
        watchdog_(io_.socket().get_executor()) {
    boost::system::error_code ec;
    auto ep = io_.socket().remote_endpoint(ec);
    if (!ec) {
      auto addr = ep.address();
      if (addr.is_v6() && addr.to_v6().is_v4_mapped())
        addr = asio::ip::make_address_v4(asio::ip::v4_mapped, addr.to_v6());
      client_ip_ = addr.to_string();
      client_port_ = ep.port();
    }
    session_id_ = hex_encode(random_bytes(6));
  }

  awaitable<void> run();

 private:
  awaitable<void> serve();
  // PROXY protocol listeners (F20): only trusted peers, and they must send a valid header,
  // whose source address then replaces the peer's. false = close without a word.
  awaitable<bool> accept_proxy_header();
  awaitable<bool> read_more();
  awaitable<void> flush();
  // Sets the time by which the next read must complete. Deadlines usually move later, which
  // costs nothing: the watchdog re-checks when it fires. Only an earlier one re-schedules it.
  void arm(std::uint32_t seconds) {
    deadline_ = Clock::now() + std::chrono::seconds(seconds);
    if (deadline_ < watchdog_.expiry()) watchdog_.expires_at(deadline_);
  }
  awaitable<void> watch();
  // Carries out one action and the actions it leads to; false = close the session.
  awaitable<bool> perform(smtp::Action action);
  awaitable<smtp::Action> verify(smtp::VerifyCredentials& request);
  awaitable<smtp::Action> check_sender(const smtp::CheckSender& request);
  awaitable<smtp::Action> check_recipient(const smtp::CheckRecipient& request);
  // Runs a blocking call on the blocking pool and resumes here with its result.
  // The callable stays in this coroutine's frame and the pool runs it through a pointer: GCC 12
  // miscompiles lambda coroutines that own captured objects (double free), so none is used.
  template <class F>
  static awaitable<std::invoke_result_t<F&>> invoke(F* f) {
    co_return (*f)();
  }
  template <class F>
  auto blocking(F f) -> awaitable<std::invoke_result_t<F&>> {
    co_return co_await asio::co_spawn(services_.blocking, invoke(&f), use_awaitable);
  }
  // The same on the credential-check threads (services.h says why they are separate).
  template <class F>
  auto checking_credentials(F f) -> awaitable<std::invoke_result_t<F&>> {
    co_return co_await asio::co_spawn(services_.credential_checks, invoke(&f), use_awaitable);
  }
  Submitter submitter() const { return Submitter{*user_, client_ip_, session_id_}; }
  awaitable<smtp::Action> receive_data(const smtp::ReceiveData& request);
  awaitable<smtp::Action> enqueue(const smtp::Enqueue& request);
  void log_auth(const std::string& mechanism, const std::string& username, const char* result,
                const char* reason, const smtp::Reply& reply, const auth::AuthVerdict* verdict);
  void queue(const smtp::Reply& reply) {
    if (reply.code != 0) out_ += reply.wire();
  }

  Services& services_;
  const config::Listener& listener_;
  Transport io_;
  smtp::Server server_;
  smtp::LineFramer framer_;
  std::string out_;
  std::array<char, 8192> buf_;  // not zeroed: an idle session touches only what it reads
  asio::steady_timer watchdog_;
  Clock::time_point deadline_ = Clock::time_point::max();
  bool timed_out_ = false;
  bool finished_ = false;
  std::string client_ip_ = "unknown";
  int client_port_ = 0;
  std::string session_id_;
  std::optional<storage::SmtpUser> user_;
  std::string data_;  // the message of the current transaction, between DATA and enqueue
};

awaitable<void> Session::run() {
  auto self = shared_from_this();
  asio::co_spawn(io_.socket().get_executor(), [self]() { return self->watch(); }, asio::detached);
  try {
    co_await serve();
  } catch (const std::exception&) {
    // A network error or a peer that went away: this session ends, no other is touched.
    // Nothing was acknowledged for an unfinished transaction, so nothing is lost.
  }
  finished_ = true;
  watchdog_.cancel();
  io_.close();
}

awaitable<void> Session::watch() {
  auto self = shared_from_this();
  while (!finished_) {
    watchdog_.expires_at(deadline_);
    boost::system::error_code ec;
    co_await watchdog_.async_wait(asio::redirect_error(use_awaitable, ec));
    if (finished_) co_return;
    if (Clock::now() >= deadline_) {
      timed_out_ = true;
      io_.cancel();
      // Let the session write its 421 and close; force it if it cannot within 5 s.
      deadline_ = Clock::now() + std::chrono::seconds(5);
      watchdog_.expires_at(deadline_);
      co_await watchdog_.async_wait(asio::redirect_error(use_awaitable, ec));
      if (!finished_) io_.close();
      co_return;
    }
  }
}

awaitable<bool> Session::accept_proxy_header() {
  const std::string peer = client_ip_;
  auto trusted = policy::IpAllowList::parse(listener_.trusted_proxies);
  auto ip = policy::parse_ip(peer);
  if (!trusted || trusted->empty() || !ip || !trusted->allows(*ip)) {
    services_.log.warn("proxy_untrusted", {{"ip", peer}, {"listener", listener_.address}});
    co_return false;
  }
  arm(10);
  auto header = co_await read_proxy_header(io_);
  if (!header) {
    services_.log.warn("proxy_header_invalid", {{"ip", peer}, {"listener", listener_.address},
                                                {"error", header.error().message}});
    co_return false;
  }
  if (header->has_addresses) {
    auto addr = asio::ip::make_address(header->source_ip);
    if (addr.is_v6() && addr.to_v6().is_v4_mapped())
      addr = asio::ip::make_address_v4(asio::ip::v4_mapped, addr.to_v6());
    client_ip_ = addr.to_string();
    client_port_ = header->source_port;
  }
  co_return true;
}

awaitable<void> Session::serve() {
  const auto& cfg = services_.config;
  if (services_.connection_opened) services_.connection_opened(listener_.address);
  if (listener_.proxy_protocol && !co_await accept_proxy_header()) co_return;
  auto ticket = services_.limiter->acquire(client_ip_);
  if (!ticket) {
    services_.log.warn("connection_refused", {{"ip", client_ip_}, {"reason", "too_many_connections"},
                                              {"listener", listener_.address}});
    arm(10);
    co_await io_.write(smtp::make_reply(421, "4.7.0", cfg.hostname +
                                        " Too many connections from your address, try again later")
                           .wire());
    co_return;
  }
  services_.active_sessions.fetch_add(1);
  struct Count {
    Services& s;
    ~Count() { s.active_sessions.fetch_sub(1); }
  } count{services_};

  if (listener_.tls == config::TlsMode::Implicit) {
    arm(cfg.tls_handshake_timeout_s);
    co_await io_.handshake();
    server_.tls_started();
  }
  queue(server_.greeting());
  co_await flush();

  for (;;) {
    if (services_.stopping.load(std::memory_order_relaxed)) {
      queue(closing_reply(cfg.hostname));
      co_await flush();
      co_return;
    }
    if (!framer_.has_complete_line()) {
      co_await flush();  // PIPELINING: answer a batch once its input is consumed (RFC 2920 §3.1)
      if (!co_await read_more()) co_return;
      continue;
    }
    auto line = framer_.next();
    if (!line) continue;
    smtp::Action action;
    switch (line->kind) {
      case smtp::LineFramer::Line::Kind::Ok: action = server_.on_line(line->text); break;
      case smtp::LineFramer::Line::Kind::TooLong: action = server_.on_line_too_long(); break;
      case smtp::LineFramer::Line::Kind::BareLineEnding: action = server_.on_bare_line_ending(); break;
    }
    if (!co_await perform(std::move(action))) co_return;
  }
}

awaitable<bool> Session::read_more() {
  arm(services_.config.command_timeout_s);
  boost::system::error_code ec;
  std::size_t n = 0;
  try {
    n = co_await io_.read_some(asio::buffer(buf_));
  } catch (const boost::system::system_error& e) {
    ec = e.code();
  }
  if (timed_out_) {
    timed_out_ = false;
    deadline_ = Clock::now() + std::chrono::seconds(5);
    queue(closing_reply(services_.config.hostname));
    co_await flush();
    co_return false;
  }
  if (ec || n == 0) co_return false;
  framer_.feed(std::string_view(buf_.data(), n));
  co_return true;
}

awaitable<void> Session::flush() {
  if (out_.empty()) co_return;
  std::string pending;
  pending.swap(out_);
  co_await io_.write(pending);
}

awaitable<bool> Session::perform(smtp::Action action) {
  for (;;) {
    if (auto* r = std::get_if<smtp::Respond>(&action)) {
      if (r->auth_note) {
        log_auth(r->auth_note->mechanism, r->auth_note->username, "fail",
                 reason_of(r->auth_note->failure), r->reply, nullptr);
      }
      queue(r->reply);
      co_return true;
    }
    if (auto* r = std::get_if<smtp::RespondAndClose>(&action)) {
      queue(r->reply);
      co_await flush();
      co_return false;
    }
    if (auto* r = std::get_if<smtp::StartTls>(&action)) {
      queue(r->reply);
      co_await flush();
      // RFC 3207 §6: anything the client pipelined after STARTTLS is discarded, never
      // interpreted inside the TLS session (command injection).
      framer_.discard_buffered();
      arm(services_.config.tls_handshake_timeout_s);
      co_await io_.handshake();
      action = server_.tls_started();
      continue;
    }
    if (auto* r = std::get_if<smtp::VerifyCredentials>(&action)) {
      action = co_await verify(*r);
      continue;
    }
    if (auto* r = std::get_if<smtp::CheckSender>(&action)) {
      action = co_await check_sender(*r);
      continue;
    }
    if (auto* r = std::get_if<smtp::CheckRecipient>(&action)) {
      action = co_await check_recipient(*r);
      continue;
    }
    if (auto* r = std::get_if<smtp::ReceiveData>(&action)) {
      action = co_await receive_data(*r);
      continue;
    }
    if (auto* r = std::get_if<smtp::Enqueue>(&action)) {
      action = co_await enqueue(*r);
      continue;
    }
    co_return false;
  }
}

namespace {

// The credential failures that count toward brute-force throttling (not protocol errors).
bool counts_as_guess(auth::AuthReason r) {
  switch (r) {
    case auth::AuthReason::UnknownUser:
    case auth::AuthReason::BadPassword:
    case auth::AuthReason::StalePassword:
    case auth::AuthReason::UserDisabled:
    case auth::AuthReason::UserDeleted:
    case auth::AuthReason::AccountSuspended:
    case auth::AuthReason::IpNotAllowed:
      return true;
    default:
      return false;
  }
}

}  // namespace

awaitable<smtp::Action> Session::verify(smtp::VerifyCredentials& request) {
  auth::FailureThrottle& throttle = services_.throttle;
  auth::CredentialVerifier& verifier = services_.verifier;
  // F19: a source past its failure budget gets 454 without any password check.
  auto refuse = [&](const std::string& detail) {
    request.password.wipe();
    smtp::Action next = server_.credentials_checked(smtp::CredentialResult::Throttled);
    smtp::Reply sent;
    if (auto* r = std::get_if<smtp::Respond>(&next)) sent = r->reply;
    auth::AuthVerdict verdict;
    verdict.reason = auth::AuthReason::Throttled;
    verdict.detail = detail;
    log_auth(request.mechanism, request.username, "fail", "throttled", sent, &verdict);
    return next;
  };
  auth::ThrottleCheck check = throttle.before_auth(client_ip_, request.username, now_ms());
  if (check.refuse) co_return refuse(check.detail);

  auth::AuthRequest req{request.username, std::move(request.password), client_ip_};
  // A store failure must not look like bad credentials: it answers 454 (temporary) and is
  // logged as internal_error.
  bool store_failed = false;
  // A password in the credential cache needs only store reads and an HMAC: decided on the
  // blocking pool, never behind the Argon2id queue.
  std::optional<auth::AuthVerdict> quick =
      co_await blocking([&verifier, &req, &store_failed]() -> std::optional<auth::AuthVerdict> {
        try {
          return verifier.verify_cached(req);
        } catch (const std::exception&) {
          store_failed = true;
          return auth::AuthVerdict{};
        }
      });
  auth::AuthVerdict verdict;
  if (quick) {
    verdict = std::move(*quick);
  } else {
    // Everything else may cost Argon2id: at most two such checks at once per source (see
    // auth/throttle.h). Without a free slot, wait (5 ms doubling to 100 ms) and look again;
    // the budget is re-read each time, so a flood is refused as soon as its failures add up.
    std::chrono::milliseconds pause{5};
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!throttle.try_start_check(client_ip_)) {
      if (std::chrono::steady_clock::now() >= give_up) {
        req.password.wipe();
        co_return refuse("no credential check slot for " + client_ip_ + " within 30 s");
      }
      asio::steady_timer timer(io_.socket().get_executor(), pause);
      boost::system::error_code ec;
      co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
      pause = std::min(pause * 2, std::chrono::milliseconds(100));
      check = throttle.before_auth(client_ip_, request.username, now_ms());
      if (check.refuse) {
        req.password.wipe();
        co_return refuse(check.detail);
      }
    }
    struct Slot {
      auth::FailureThrottle& throttle;
      const std::string& ip;
      ~Slot() { throttle.check_finished(ip); }
    } slot{throttle, client_ip_};
    // verify() looks in the cache first too: a login that waited behind another one of the
    // same app is answered from the cache that one filled.
    verdict = co_await checking_credentials([&verifier, &req, &store_failed]() {
      try {
        return verifier.verify(req);
      } catch (const std::exception&) {
        store_failed = true;
        return auth::AuthVerdict{};
      }
    });
  }
  req.password.wipe();
  smtp::CredentialResult result = smtp::CredentialResult::Rejected;
  if (verdict.granted) result = smtp::CredentialResult::Accepted;
  else if (verdict.reason == auth::AuthReason::IpNotAllowed) result = smtp::CredentialResult::IpNotAuthorized;
  else if (verdict.reason == auth::AuthReason::Throttled || store_failed) result = smtp::CredentialResult::Throttled;

  if (verdict.granted) {
    throttle.record_success(client_ip_, request.username, now_ms());
  } else if (!store_failed && counts_as_guess(verdict.reason)) {
    // Exponential delay before the 535 (tarpit); the session's worker serves others meanwhile.
    auto delay = throttle.record_failure(client_ip_, request.username, now_ms());
    if (delay.count() > 0) {
      asio::steady_timer pause(io_.socket().get_executor(), delay);
      boost::system::error_code ec;
      co_await pause.async_wait(asio::redirect_error(use_awaitable, ec));
    }
  }
  smtp::Action next = server_.credentials_checked(result);
  smtp::Reply sent;
  if (auto* r = std::get_if<smtp::Respond>(&next)) sent = r->reply;
  if (verdict.granted) user_ = verdict.user;
  // A report-only allow list lets the login through but logs the miss as ip_not_allowed with
  // "enforced": false, so the operator learns the app's addresses before enforcing.
  const char* reason = store_failed         ? "internal_error"
                       : !verdict.enforced  ? "ip_not_allowed"
                                            : auth::to_string(verdict.reason);
  log_auth(request.mechanism, request.username, verdict.granted ? "ok" : "fail", reason, sent,
           &verdict);
  co_return next;
}

awaitable<smtp::Action> Session::check_sender(const smtp::CheckSender& request) {
  // Changes made while the session runs apply to its next transaction: re-read the user.
  std::optional<storage::SmtpUser> fresh;
  bool failed = false;
  // One trip to the blocking pool for both the re-read and the MAIL FROM policy checks.
  std::optional<policy::Decision> verdict;
  std::string from = request.mail_from;
  if (user_) {
    const std::string& uuid = user_->uuid;
    storage::Store& store = services_.store;
    policy::Engine& engine = services_.policy;
    const std::string& ip = client_ip_;
    const std::string& sid = session_id_;
    fresh = co_await blocking([&store, &uuid, &failed, &engine, &ip, &sid, &from,
                               &verdict]() -> std::optional<storage::SmtpUser> {
      std::optional<storage::SmtpUser> u;
      try {
        u = store.find_user_by_uuid(uuid);
      } catch (const std::exception&) {
        failed = true;
        return std::nullopt;
      }
      if (u && u->status == storage::UserStatus::Active &&
          u->account_status == storage::AccountStatus::Active)
        verdict = engine.at_mail_from({*u, ip, sid}, from);
      return u;
    });
  }
  if (failed) {
    services_.log.error("store_read_failed", {{"session", session_id_}});
    co_return server_.mail_from_checked(
        smtp::make_reply(451, "4.3.0", "Temporary local problem, try again later"));
  }
  if (!fresh || fresh->status != storage::UserStatus::Active ||
      fresh->account_status != storage::AccountStatus::Active) {
    services_.log.warn("session_auth_revoked",
                       {{"session", session_id_}, {"ip", client_ip_},
                        {"username", user_ ? user_->username : std::string()}});
    server_.drop_authentication();
    user_.reset();
    co_return server_.mail_from_checked(smtp::make_reply(530, "5.7.0", "Authentication required"));
  }
  user_ = std::move(fresh);
  Submitter who = submitter();
  policy::Decision d =
      verdict ? std::move(*verdict)
              : policy::Decision::refuse(
                    smtp::make_reply(451, "4.3.0", "Temporary local problem, try again later"),
                    "internal_error", "no MAIL FROM verdict");
  if (!d.accepted) {
    log_refusal(services_, who, from, "", d.reason, {}, &d.reply);
    co_return server_.mail_from_checked(d.reply);
  }
  co_return server_.mail_from_checked(std::nullopt);
}

awaitable<smtp::Action> Session::check_recipient(const smtp::CheckRecipient& request) {
  if (!user_) co_return server_.recipient_checked(std::nullopt);
  policy::Engine& engine = services_.policy;
  Submitter who = submitter();
  std::string rcpt = request.recipient;
  policy::Decision d = co_await blocking(
      [&engine, &who, &rcpt] { return engine.at_rcpt({who.user, who.client_ip, who.session_id}, rcpt); });
  if (!d.accepted) {
    log_refusal(services_, who, server_.envelope().mail_from, rcpt, d.reason, {}, &d.reply);
    co_return server_.recipient_checked(d.reply);
  }
  co_return server_.recipient_checked(std::nullopt);
}

awaitable<smtp::Action> Session::receive_data(const smtp::ReceiveData& request) {
  queue(request.reply);
  co_await flush();
  std::string body;
  smtp::DataReader reader(services_.config.max_message_size, body);
  std::string pending = framer_.take_buffered();
  std::size_t used = reader.feed(pending);
  std::string_view rest(pending);
  rest.remove_prefix(used);
  while (!reader.done()) {
    arm(services_.config.data_timeout_s);
    std::size_t n = 0;
    try {
      n = co_await io_.read_some(asio::buffer(buf_));
    } catch (const boost::system::system_error&) {
      n = 0;
    }
    if (timed_out_ || n == 0) {
      if (timed_out_) {
        queue(closing_reply(services_.config.hostname));
        co_await flush();
      }
      throw std::runtime_error("connection ended during DATA");  // nothing was acknowledged
    }
    std::string_view chunk(buf_.data(), n);
    std::size_t took = reader.feed(chunk);
    if (reader.done()) framer_.feed(chunk.substr(took));
  }
  if (!rest.empty()) framer_.feed(rest);
  if (reader.result() != smtp::DataResult::Complete) {
    const char* reason = reader.result() == smtp::DataResult::TooLarge         ? "size"
                         : reader.result() == smtp::DataResult::BareLineEnding ? "smuggling"
                                                                               : "syntax";
    if (user_) {
      for (const auto& rcpt : server_.envelope().recipients)
        log_refusal(services_, submitter(), server_.envelope().mail_from, rcpt, reason);
    }
    co_return server_.data_finished(reader.result());
  }
  data_ = std::move(body);
  co_return server_.data_finished(smtp::DataResult::Complete);
}

awaitable<smtp::Action> Session::enqueue(const smtp::Enqueue& request) {
  const smtp::Envelope& env = request.envelope;
  if (!user_) co_return server_.enqueued(std::nullopt);  // unreachable: MAIL needs AUTH
  TraceInfo trace;
  trace.helo = env.helo;
  trace.client_ip = client_ip_;
  trace.hostname = services_.config.hostname;
  trace.queue_id = queue::new_queue_id();
  trace.tls_version = io_.tls_version();
  trace.tls_cipher = io_.tls_cipher();
  trace.authenticated = true;
  if (env.recipients.size() == 1) trace.single_recipient = env.recipients[0];
  trace.user_uuid = user_->uuid;
  trace.when = now_ms();

  Services& services = services_;
  Submitter who = submitter();
  std::string data = std::move(data_);
  data_ = std::string();
  SubmissionOutcome outcome = co_await blocking([&services, &who, &trace, &env, &data]() {
    try {
      return submit(services, who, std::move(trace), env, std::move(data));
    } catch (const std::exception& e) {
      services.log.error("enqueue_failed", {{"session", who.session_id}, {"error", e.what()}});
      return SubmissionOutcome{};
    }
  });
  switch (outcome.kind) {
    case SubmissionOutcome::Kind::Queued:
      co_return server_.enqueued(outcome.queue_id);
    case SubmissionOutcome::Kind::AlreadyQueued:
      co_return server_.already_queued(outcome.queue_id);
    case SubmissionOutcome::Kind::Refused:
      co_return server_.message_refused(outcome.refusal);
    case SubmissionOutcome::Kind::Failed:
      break;
  }
  co_return server_.enqueued(std::nullopt);
}

void Session::log_auth(const std::string& mechanism, const std::string& username,
                       const char* result, const char* reason, const smtp::Reply& reply,
                       const auth::AuthVerdict* verdict) {
  storage::AuthEvent e;
  e.time = now_ms();
  e.session = session_id_;
  e.ip = client_ip_;
  e.port = client_port_;
  e.listener = listener_.address;
  e.tls = io_.tls_version();
  e.mechanism = events::sanitize(mechanism, 32);
  e.username = events::sanitize(username, 128);
  e.result = result;
  e.reason = reason;
  e.reply = reply.code != 0 ? reply.first_line() : "";
  if (verdict) {
    if (verdict->user) {
      e.user_id = verdict->user->uuid;
      e.account = verdict->user->account_name;
    }
    e.hints = verdict->hints;
    e.enforced = verdict->enforced;
    e.detail = verdict->detail;
  } else if (username.find('@') != std::string::npos) {
    e.hints.push_back("username_has_at");
  }
  services_.auth_log.record(std::move(e));
}

}  // namespace

awaitable<void> run_session(asio::ip::tcp::socket socket, const config::Listener& listener,
                            Services& services) {
  auto session = std::make_shared<Session>(std::move(socket), listener, services);
  co_await session->run();
}

}  // namespace postern::inbound
