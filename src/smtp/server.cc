// smtp::Server: session-level commands, dispatch and error accounting. AUTH is in
// server_auth.cc, the mail transaction in server_mail.cc.
#include "smtp/server.h"

#include "smtp/replies.h"
#include "smtp/server_internal.h"

namespace postern::smtp {

using internal::iequals;

// Verb dispatch (RFC 5321 §4.1). Verbs we know but do not offer answer 502 (§4.2.4); anything
// else is 500 5.5.1.
const Server::Verb Server::kVerbs[] = {
    {"EHLO", &Server::cmd_ehlo},         {"HELO", &Server::cmd_helo},
    {"STARTTLS", &Server::cmd_starttls}, {"AUTH", &Server::cmd_auth},
    {"MAIL", &Server::cmd_mail},         {"RCPT", &Server::cmd_rcpt},
    {"DATA", &Server::cmd_data},         {"RSET", &Server::cmd_rset},
    {"NOOP", &Server::cmd_noop},         {"QUIT", &Server::cmd_quit},
    {"HELP", &Server::cmd_help},         {"VRFY", &Server::cmd_vrfy},
    {"EXPN", &Server::cmd_not_implemented}, {"BDAT", &Server::cmd_not_implemented},
    {"ETRN", &Server::cmd_not_implemented}, {"TURN", &Server::cmd_not_implemented},
    {"ATRN", &Server::cmd_not_implemented}, {"SEND", &Server::cmd_not_implemented},
    {"SOML", &Server::cmd_not_implemented}, {"SAML", &Server::cmd_not_implemented},
};

Server::Server(ServerSettings settings)
    : settings_(std::move(settings)), tls_active_(settings_.tls_active) {}

Reply Server::greeting() const { return replies::greeting(settings_.hostname); }

Action Server::counted(Action action) {
  const Reply* reply = nullptr;
  if (auto* r = std::get_if<Respond>(&action)) reply = &r->reply;
  if (auto* r = std::get_if<RespondAndClose>(&action)) {
    reply = &r->reply;
    closed_ = true;
  }
  if (reply != nullptr && reply->code >= 400) ++errors_;
  return action;
}

Action Server::on_line(std::string_view line) {
  if (closed_) return Respond{};
  // Postfix-like hard error limit: after kMaxErrors error replies without progress (an accepted
  // AUTH, MAIL, RCPT, queued message or STARTTLS), the next input gets 421 and the connection
  // is closed. It stops a client that loops on errors from holding a session forever.
  if (errors_ >= internal::kMaxErrors)
    return counted(RespondAndClose{replies::too_many_errors(settings_.hostname)});
  if (pending_ == Pending::AuthResponse) return counted(auth_response(line));
  pending_ = Pending::None;  // the driver did not wait for a result: that request is dropped
  return counted(dispatch(line));
}

Action Server::dispatch(std::string_view line) {
  if (line.empty()) return Respond{replies::empty_command()};
  std::size_t sp = line.find(' ');
  std::string_view verb = line.substr(0, sp);
  std::string_view argument = sp == std::string_view::npos ? "" : line.substr(sp + 1);
  while (!argument.empty() && (argument.back() == ' ' || argument.back() == '\t'))
    argument.remove_suffix(1);
  for (const Verb& v : kVerbs)
    if (iequals(verb, v.name)) return (this->*v.handler)(argument);
  return Respond{replies::unrecognized()};
}

Action Server::on_line_too_long() {
  if (closed_) return Respond{};
  if (errors_ >= internal::kMaxErrors)
    return counted(RespondAndClose{replies::too_many_errors(settings_.hostname)});
  if (pending_ == Pending::AuthResponse)
    return counted(auth_end(replies::line_too_long(), AuthProtocolFailure::Malformed));
  pending_ = Pending::None;
  return counted(Respond{replies::line_too_long()});
}

Action Server::on_bare_line_ending() {
  if (closed_) return Respond{};
  if (errors_ >= internal::kMaxErrors)
    return counted(RespondAndClose{replies::too_many_errors(settings_.hostname)});
  if (pending_ == Pending::AuthResponse)
    return counted(auth_end(replies::line_must_end_with_crlf(), AuthProtocolFailure::Malformed));
  pending_ = Pending::None;
  return counted(Respond{replies::line_must_end_with_crlf()});
}

void Server::reset_transaction() {
  in_transaction_ = false;
  std::string helo = std::move(envelope_.helo);
  envelope_ = Envelope{};
  envelope_.helo = std::move(helo);
  pending_mail_ = Envelope{};
  pending_recipient_.clear();
}

// RFC 5321 §4.1.1.1: EHLO/HELO reset any transaction; authentication is kept.
Action Server::cmd_ehlo(std::string_view argument) {
  if (argument.empty()) return Respond{replies::ehlo_syntax("EHLO")};
  reset_transaction();
  greeted_ = true;
  envelope_.helo = std::string(argument);
  Reply reply{250, "", {settings_.hostname}};
  reply.lines.push_back("PIPELINING");
  reply.lines.push_back("SIZE " + std::to_string(settings_.max_message_size));
  reply.lines.push_back("8BITMIME");
  reply.lines.push_back("ENHANCEDSTATUSCODES");
  reply.lines.push_back("SMTPUTF8");
  if (settings_.starttls_offered && !tls_active_) reply.lines.push_back("STARTTLS");
  // AUTH only over TLS: no mechanism is offered in clear text (RFC 4954 §4, PRODUCT F2).
  if (tls_active_) reply.lines.push_back("AUTH PLAIN LOGIN");
  return Respond{std::move(reply)};
}

Action Server::cmd_helo(std::string_view argument) {
  if (argument.empty()) return Respond{replies::ehlo_syntax("HELO")};
  reset_transaction();
  greeted_ = true;
  envelope_.helo = std::string(argument);
  return Respond{replies::helo(settings_.hostname)};
}

// RFC 3207 §4: STARTTLS takes no argument; refused inside a mail transaction (it would be
// discarded by the reset of §4.2 anyway).
Action Server::cmd_starttls(std::string_view argument) {
  if (tls_active_) return Respond{replies::bad_sequence()};
  if (!settings_.starttls_offered) return Respond{replies::not_implemented()};
  if (!argument.empty()) return Respond{replies::syntax_error()};
  if (in_transaction_) return Respond{replies::bad_sequence()};
  pending_ = Pending::Tls;
  return StartTls{replies::starttls_ready()};
}

// RFC 3207 §4.2: after the handshake the client must start over: forget EHLO, envelope, AUTH.
Action Server::tls_started() {
  if (closed_) return Respond{};
  tls_active_ = true;
  greeted_ = false;
  authenticated_ = false;
  username_.clear();
  auth_username_.clear();
  envelope_ = Envelope{};
  reset_transaction();
  pending_ = Pending::None;
  errors_ = 0;
  return Respond{};
}

Action Server::cmd_rset(std::string_view argument) {
  if (!argument.empty()) return Respond{replies::syntax_error()};
  reset_transaction();
  return Respond{replies::ok()};
}

Action Server::cmd_noop(std::string_view) { return Respond{replies::ok()}; }  // §4.1.1.9
Action Server::cmd_quit(std::string_view) {
  return RespondAndClose{replies::closing(settings_.hostname)};
}
Action Server::cmd_help(std::string_view) { return Respond{replies::help()}; }
Action Server::cmd_vrfy(std::string_view) { return Respond{replies::cannot_vrfy()}; }  // §3.5.3
Action Server::cmd_not_implemented(std::string_view) { return Respond{replies::not_implemented()}; }

bool Server::tls_active() const { return tls_active_; }
bool Server::authenticated() const { return authenticated_; }
const std::string& Server::authenticated_username() const { return username_; }
const Envelope& Server::envelope() const { return envelope_; }

void Server::drop_authentication() {
  authenticated_ = false;
  username_.clear();
  reset_transaction();
}

}  // namespace postern::smtp
