// run_transaction (declared in client_session.h): MAIL, RCPT per recipient, DATA. With
// PIPELINING (RFC 2920 §3.1) MAIL, every RCPT and DATA go in one write and the replies are
// read in order; without it each command waits for its reply.
#include "outbound/client_session.h"

namespace postern::outbound {
namespace asio = boost::asio;
using asio::awaitable;

namespace {

bool safe_address(const std::string& address) {
  for (unsigned char c : address)
    if (c < 0x20 || c == 0x7f || c == '<' || c == '>') return false;
  return address.size() <= 512;
}

class Transaction {
 public:
  Transaction(Connection& c, const DeliveryRequest& r, const SessionSettings& s)
      : c_(c), request_(r), s_(s) {
    for (const auto& rcpt : r.recipients) result_.recipients.push_back({rcpt, Outcome::Transient, ""});
    decided_.assign(r.recipients.size(), false);
    accepted_.assign(r.recipients.size(), false);
  }

  awaitable<TransactionResult> run();

 private:
  void decide(std::size_t i, Outcome outcome, const std::string& reply) {
    if (decided_[i]) return;
    result_.recipients[i].outcome = outcome;
    result_.recipients[i].reply = reply;
    decided_[i] = true;
  }
  void decide_all(Outcome outcome, const std::string& reply) {
    for (std::size_t i = 0; i < decided_.size(); ++i) decide(i, outcome, reply);
  }
  // An I/O or protocol error: the undecided recipients are deferred, the connection dropped.
  TransactionResult broken(const Error& error) {
    result_.stale = c_.reused && !any_reply_;
    decide_all(Outcome::Transient, "451 4.4.2 " + error.message);
    result_.reusable = false;
    return std::move(result_);
  }
  awaitable<Result<smtp::Reply>> reply(std::chrono::seconds limit) {
    auto r = co_await c_.read_reply(limit);
    if (r) any_reply_ = true;
    co_return r;
  }
  bool any_accepted() const {
    for (bool a : accepted_)
      if (a) return true;
    return false;
  }
  void on_rcpt_reply(std::size_t i, const smtp::Reply& r) {
    if (decided_[i]) return;  // MAIL already failed: nothing is accepted
    if (r.code >= 200 && r.code < 300) accepted_[i] = true;
    else decide(i, r.code >= 500 ? Outcome::Permanent : Outcome::Transient, reply_summary(r));
  }
  awaitable<TransactionResult> send_data(const smtp::Reply& data_reply);

  Connection& c_;
  const DeliveryRequest& request_;
  const SessionSettings& s_;
  TransactionResult result_;
  std::vector<bool> decided_, accepted_;
  bool any_reply_ = false;
};

awaitable<TransactionResult> Transaction::run() {
  const auto& caps = c_.caps;
  const auto& t = s_.timeouts;
  result_.reusable = true;
  const std::string& message = request_.message ? *request_.message : std::string();
  bool addresses_ok = safe_address(request_.mail_from);
  for (const auto& rcpt : request_.recipients) addresses_ok = addresses_ok && safe_address(rcpt);
  if (!addresses_ok) {
    decide_all(Outcome::Permanent, "553 5.1.3 invalid address syntax");
    co_return std::move(result_);
  }
  // RFC 6531 §3.4: a message that needs SMTPUTF8 cannot go to a server without it.
  if (request_.smtputf8 && !caps.smtputf8) {
    decide_all(Outcome::Permanent,
               "555 5.6.7 SMTPUTF8 required but not supported by " + s_.server_name);
    co_return std::move(result_);
  }
  if (caps.size && message.size() > caps.size) {  // RFC 1870: no point sending it
    decide_all(Outcome::Permanent, "552 5.3.4 message exceeds the size limit of " +
                                       s_.server_name + " (" + std::to_string(caps.size) + ")");
    co_return std::move(result_);
  }
  std::string mail = mail_from_command(request_.mail_from, caps, request_.smtputf8,
                                       request_.body_8bitmime, message.size());
  if (caps.pipelining) {
    std::string batch = mail;
    for (const auto& rcpt : request_.recipients) batch += rcpt_to_command(rcpt);
    batch += "DATA\r\n";
    if (auto w = co_await c_.write(batch, t.command); !w) co_return broken(w.error());
    auto mail_reply = co_await reply(t.command);
    if (!mail_reply) co_return broken(mail_reply.error());
    if (mail_reply->code != 250) decide_all(outcome_of(*mail_reply), reply_summary(*mail_reply));
    for (std::size_t i = 0; i < request_.recipients.size(); ++i) {
      auto r = co_await reply(t.command);
      if (!r) co_return broken(r.error());
      on_rcpt_reply(i, *r);
    }
    auto data_reply = co_await reply(t.data_init);
    if (!data_reply) co_return broken(data_reply.error());
    co_return co_await send_data(*data_reply);
  }
  if (auto w = co_await c_.write(mail, t.command); !w) co_return broken(w.error());
  auto mail_reply = co_await reply(t.command);
  if (!mail_reply) co_return broken(mail_reply.error());
  if (mail_reply->code != 250) {
    decide_all(mail_reply->code >= 500 ? Outcome::Permanent : Outcome::Transient,
               reply_summary(*mail_reply));
    co_return std::move(result_);
  }
  for (std::size_t i = 0; i < request_.recipients.size(); ++i) {
    if (auto w = co_await c_.write(rcpt_to_command(request_.recipients[i]), t.command); !w)
      co_return broken(w.error());
    auto r = co_await reply(t.command);
    if (!r) co_return broken(r.error());
    on_rcpt_reply(i, *r);
  }
  if (!any_accepted()) co_return std::move(result_);
  if (auto w = co_await c_.write("DATA\r\n", t.command); !w) co_return broken(w.error());
  auto data_reply = co_await reply(t.data_init);
  if (!data_reply) co_return broken(data_reply.error());
  co_return co_await send_data(*data_reply);
}

awaitable<TransactionResult> Transaction::send_data(const smtp::Reply& data_reply) {
  const auto& t = s_.timeouts;
  if (data_reply.code != 354) {
    Outcome o = data_reply.code >= 500 ? Outcome::Permanent : Outcome::Transient;
    for (std::size_t i = 0; i < accepted_.size(); ++i)
      if (accepted_[i]) decide(i, o, reply_summary(data_reply));
    decide_all(Outcome::Transient, reply_summary(data_reply));  // (none should be left)
    co_return std::move(result_);
  }
  if (!any_accepted()) {
    // RFC 2920 §3.1: the server said 354 although no RCPT succeeded: end an empty DATA.
    if (auto w = co_await c_.write(".\r\n", t.data_block); !w) co_return broken(w.error());
    auto end = co_await reply(t.data_final);
    if (!end) co_return broken(end.error());
    co_return std::move(result_);
  }
  std::string body = dot_stuff(request_.message ? *request_.message : std::string());
  if (auto w = co_await c_.write(body, t.data_block); !w) co_return broken(w.error());
  auto final_reply = co_await reply(t.data_final);
  if (!final_reply) co_return broken(final_reply.error());
  Outcome o = outcome_of(*final_reply);
  if (final_reply->code >= 300 && final_reply->code < 400) o = Outcome::Transient;
  for (std::size_t i = 0; i < accepted_.size(); ++i)
    if (accepted_[i]) decide(i, o, reply_summary(*final_reply));
  co_return std::move(result_);
}

}  // namespace

awaitable<TransactionResult> run_transaction(Connection& connection, const DeliveryRequest& request,
                                             const SessionSettings& settings) {
  Transaction transaction(connection, request, settings);
  co_return co_await transaction.run();
}

}  // namespace postern::outbound
