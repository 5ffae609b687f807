// smtp::Server, the mail transaction: MAIL (RFC 5321 §4.1.1.2, RFC 1870, 6152, 6531),
// RCPT (§4.1.1.3), DATA (§4.1.1.4) and the driver's answers to them.
#include <charconv>

#include "mail/address.h"
#include "smtp/replies.h"
#include "smtp/server.h"
#include "smtp/server_internal.h"

namespace postern::smtp {
namespace {

// "FROM:" / "TO:", case-insensitive. §4.1.2 allows no SP after the colon, but many clients
// send one: SPs there are tolerated, nothing else is.
std::optional<std::string_view> after_prefix(std::string_view argument, std::string_view prefix) {
  if (argument.size() < prefix.size() ||
      !internal::iequals(argument.substr(0, prefix.size()), prefix))
    return std::nullopt;
  argument.remove_prefix(prefix.size());
  while (!argument.empty() && argument.front() == ' ') argument.remove_prefix(1);
  return argument;
}

struct MailParams {
  Envelope envelope;
  bool too_large = false;
};

// The MAIL parameters we advertise: SIZE (RFC 1870), BODY (RFC 6152), SMTPUTF8 (RFC 6531),
// AUTH (RFC 4954 §5, accepted and ignored). Anything else, twice, or malformed: nullopt.
std::optional<MailParams> read_mail_params(const std::vector<mail::EsmtpParam>& params,
                                           std::size_t max_size) {
  MailParams out;
  bool size = false, body = false, utf8 = false, auth = false;
  for (const auto& p : params) {
    const std::string& v = p.value ? *p.value : std::string();
    if (p.keyword == "SIZE" && !size && p.value) {
      size = true;
      std::size_t n = 0;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (end != v.data() + v.size() || (ec != std::errc() && ec != std::errc::result_out_of_range))
        return std::nullopt;
      if (v.front() < '0' || v.front() > '9') return std::nullopt;  // no sign
      if (ec == std::errc::result_out_of_range || n > max_size) out.too_large = true;
      out.envelope.declared_size = n;
    } else if (p.keyword == "BODY" && !body && p.value) {
      body = true;
      std::string value = internal::ascii_upper(v);
      if (value == "8BITMIME") out.envelope.body_8bitmime = true;
      else if (value != "7BIT") return std::nullopt;
    } else if (p.keyword == "SMTPUTF8" && !utf8 && !p.value) {
      utf8 = true;
      out.envelope.smtputf8 = true;
    } else if (p.keyword == "AUTH" && !auth && p.value) {
      auth = true;
    } else {
      return std::nullopt;
    }
  }
  return out;
}

// A refusal from policy: 421 means the server closes the connection (RFC 5321 §3.8).
Action refusal_action(Reply refusal) {
  if (refusal.code == 0) refusal = replies::local_problem();  // never leave the client waiting
  if (refusal.code == 421) return RespondAndClose{std::move(refusal)};
  return Respond{std::move(refusal)};
}

}  // namespace

Action Server::cmd_mail(std::string_view argument) {
  if (!greeted_) return Respond{replies::bad_sequence()};
  if (!authenticated_) return Respond{replies::auth_required()};
  if (in_transaction_) return Respond{replies::bad_sequence()};
  auto rest = after_prefix(argument, "FROM:");
  if (!rest) return Respond{replies::mail_syntax()};
  auto split = mail::split_path_and_params(*rest);
  if (!split) return Respond{replies::bad_address()};
  auto params = mail::parse_esmtp_params(split->params);
  if (!params) return Respond{replies::unsupported_parameter()};
  auto mail_params = read_mail_params(*params, settings_.max_message_size);
  if (!mail_params) return Respond{replies::unsupported_parameter()};
  const bool utf8 = mail_params->envelope.smtputf8;  // RFC 6531 §3.4: UTF-8 path only with it
  auto sender = mail::parse_path(split->path, {.allow_null = true, .allow_utf8 = utf8});
  if (!sender) return Respond{replies::bad_address()};
  if (mail_params->too_large) return Respond{replies::message_too_large()};  // RFC 1870 §6.1
  pending_mail_ = std::move(mail_params->envelope);
  pending_mail_.mail_from = sender->str();
  pending_ = Pending::Sender;
  return CheckSender{pending_mail_.mail_from};
}

Action Server::mail_from_checked(std::optional<Reply> refusal) {
  if (closed_ || pending_ != Pending::Sender) return Respond{};
  pending_ = Pending::None;
  if (refusal) return counted(refusal_action(std::move(*refusal)));
  pending_mail_.helo = std::move(envelope_.helo);
  envelope_ = std::move(pending_mail_);
  pending_mail_ = Envelope{};
  in_transaction_ = true;
  errors_ = 0;
  return counted(Respond{replies::sender_ok()});
}

Action Server::cmd_rcpt(std::string_view argument) {
  if (!in_transaction_) return Respond{replies::bad_sequence()};
  auto rest = after_prefix(argument, "TO:");
  if (!rest) return Respond{replies::rcpt_syntax()};
  auto split = mail::split_path_and_params(*rest);
  if (!split) return Respond{replies::bad_address()};
  // No null path, and no "<Postmaster>" without a domain: a submission relay has no local
  // postmaster to deliver to (deviation from RFC 5321 §4.5.1, documented).
  auto recipient =
      mail::parse_path(split->path, {.allow_null = false, .allow_utf8 = envelope_.smtputf8});
  if (!recipient) return Respond{replies::bad_address()};
  // We advertise no RCPT parameter (no DSN): any is unsupported (§4.1.1.11).
  if (!split->params.empty()) return Respond{replies::unsupported_parameter()};
  if (envelope_.recipients.size() >= settings_.max_recipients)
    return Respond{replies::too_many_recipients()};  // §4.5.3.1.10: 452, the client retries
  pending_recipient_ = recipient->str();
  pending_ = Pending::Recipient;
  return CheckRecipient{pending_recipient_};
}

Action Server::recipient_checked(std::optional<Reply> refusal) {
  if (closed_ || pending_ != Pending::Recipient) return Respond{};
  pending_ = Pending::None;
  if (refusal) return counted(refusal_action(std::move(*refusal)));
  envelope_.recipients.push_back(std::move(pending_recipient_));
  pending_recipient_.clear();
  errors_ = 0;
  return counted(Respond{replies::recipient_ok()});
}

Action Server::cmd_data(std::string_view argument) {
  if (!in_transaction_) return Respond{replies::bad_sequence()};
  if (envelope_.recipients.empty()) return Respond{replies::no_valid_recipients()};  // §3.3
  if (!argument.empty()) return Respond{replies::syntax_error()};
  pending_ = Pending::Data;
  return ReceiveData{replies::start_data()};
}

Action Server::data_finished(DataResult result) {
  if (closed_ || pending_ != Pending::Data) return Respond{};
  pending_ = Pending::None;
  Reply reply;
  switch (result) {
    case DataResult::Complete:
      pending_ = Pending::Enqueue;
      return Enqueue{envelope_};
    case DataResult::TooLarge: reply = replies::message_too_large(); break;
    case DataResult::BareLineEnding: reply = replies::bare_line_ending_in_data(); break;
    case DataResult::LineTooLong: reply = replies::line_too_long(); break;
  }
  reset_transaction();  // the message is dropped, nothing is queued
  return counted(Respond{std::move(reply)});
}

// The only path to "250 ... queued": the driver calls it once the message is durable.
Action Server::enqueued(std::optional<std::string> queue_id) {
  if (closed_ || pending_ != Pending::Enqueue) return Respond{};
  pending_ = Pending::None;
  reset_transaction();
  if (!queue_id) return counted(Respond{replies::local_problem()});
  errors_ = 0;
  return counted(Respond{replies::queued(*queue_id)});
}

Action Server::message_refused(Reply refusal) {
  if (closed_ || pending_ != Pending::Enqueue) return Respond{};
  pending_ = Pending::None;
  reset_transaction();
  return counted(refusal_action(std::move(refusal)));
}

Action Server::already_queued(const std::string& queue_id) {
  if (closed_ || pending_ != Pending::Enqueue) return Respond{};
  pending_ = Pending::None;
  reset_transaction();
  errors_ = 0;
  return counted(Respond{make_reply(250, "2.0.0", "OK Message already queued as " + queue_id)});
}

}  // namespace postern::smtp
