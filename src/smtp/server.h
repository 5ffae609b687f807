// smtp::Server: the server side of an SMTP session as a pure state machine (RFC 5321, 3207,
// 4954, 2920). It never touches sockets, clocks or storage: the driver (inbound::Session) feeds
// it command lines and the results of the work it asked for, and carries out the Actions it
// returns. One instance per connection; not thread-safe. Never throws on client input.
// A Respond whose Reply has code 0 means "nothing to send" (e.g. tls_started(), or a result
// arriving for a request that was abandoned). Errors are counted: after 20 error replies with
// no progress in between, the next input is answered 421 and closed (see server.cc).
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/secret.h"
#include "smtp/reply.h"

namespace postern::smtp {

struct ServerSettings {
  std::string hostname;
  bool starttls_offered = false;  // listener tls="starttls"
  bool tls_active = false;        // listener tls="implicit": TLS from the first byte
  std::size_t max_message_size = 26214400;
  std::size_t max_recipients = 100;
};

// The envelope of the transaction being built.
struct Envelope {
  std::string helo;                     // EHLO/HELO argument
  std::string mail_from;                // "local@domain", or "" for the null sender <>
  std::vector<std::string> recipients;  // "local@domain"
  bool smtputf8 = false;
  bool body_8bitmime = false;
  std::optional<std::size_t> declared_size;
};

// Why an AUTH exchange ended without reaching the credential check; the driver logs it.
enum class AuthProtocolFailure { TlsRequired, MechanismUnsupported, Malformed, Cancelled };

struct AuthNote {
  AuthProtocolFailure failure;
  std::string mechanism;  // as sent, upper-cased, at most 32 chars
  std::string username;   // if it was already decoded (LOGIN cancelled at password), else ""
};

// --- Actions the driver carries out ---

// Send this reply. Under PIPELINING the driver may hold it until its input buffer is empty.
struct Respond {
  Reply reply;
  // Set when this reply ends an AUTH attempt early.
  std::optional<AuthNote> auth_note = std::nullopt;
};
// Send, flush and close the connection (QUIT, 421).
struct RespondAndClose {
  Reply reply;
};
// Send this 220, flush, discard every byte already buffered (RFC 3207 §6: no command injection),
// run the TLS handshake, then call tls_started().
struct StartTls {
  Reply reply;
};
// Check these credentials (asynchronously), then call credentials_checked().
struct VerifyCredentials {
  std::string mechanism;  // "PLAIN" or "LOGIN"
  std::string authzid;    // PLAIN only; may be empty
  std::string username;
  Secret password;
};
// MAIL FROM passed syntax and sequence checks; run policy, then call mail_from_checked().
struct CheckSender {
  std::string mail_from;  // "" for <>
};
// RCPT TO passed syntax, sequence and count checks; run policy, then call recipient_checked().
struct CheckRecipient {
  std::string recipient;
};
// Send this 354, flush, read the message with a DataReader, then call data_finished().
struct ReceiveData {
  Reply reply;
};
// The message is complete and valid: make it durable, then call enqueued().
struct Enqueue {
  Envelope envelope;
};

using Action = std::variant<Respond, RespondAndClose, StartTls, VerifyCredentials, CheckSender,
                            CheckRecipient, ReceiveData, Enqueue>;

// Outcome of the credential check, decided by auth::.
enum class CredentialResult { Accepted, Rejected, IpNotAuthorized, Throttled };

// How the DATA reader ended (see smtp/data_reader.h).
enum class DataResult { Complete, TooLarge, BareLineEnding, LineTooLong };

class Server {
 public:
  explicit Server(ServerSettings settings);

  Reply greeting() const;  // "220 <hostname> ESMTP Postern"

  // One command line, without its CRLF (the LineFramer already checked the ending).
  Action on_line(std::string_view line);
  // The LineFramer saw a line over 1000 octets (already discarded): 500 5.5.2 Line too long.
  Action on_line_too_long();
  // The LineFramer saw a line ending in bare LF or containing a bare CR.
  Action on_bare_line_ending();

  Action tls_started();  // after a successful STARTTLS handshake: state is reset (RFC 3207 §4.2)
  Action credentials_checked(CredentialResult result);
  // nullopt = accepted (250 2.1.0 / 250 2.1.5), else the refusal to send.
  Action mail_from_checked(std::optional<Reply> refusal);
  Action recipient_checked(std::optional<Reply> refusal);
  Action data_finished(DataResult result);
  // queue_id on success, nullopt when storage failed (451 4.3.0).
  Action enqueued(std::optional<std::string> queue_id);
  // Policy refused the complete message before it was queued (header From ACL, Domain
  // Lockdown, quota, idempotency ...): send `refusal` and end the transaction (a 421 closes).
  Action message_refused(Reply refusal);
  // Idempotent replay: the message was already queued earlier as `queue_id`
  // (250 2.0.0 OK Message already queued as <id>).
  Action already_queued(const std::string& queue_id);

  bool tls_active() const;
  bool authenticated() const;
  const std::string& authenticated_username() const;
  // Forget the authentication (used when the user was disabled/deleted during the session).
  void drop_authentication();
  const Envelope& envelope() const;

 private:
  // What the server waits for before it can go on; a new command line abandons it.
  enum class Pending : unsigned char {
    None, AuthResponse, Credentials, Sender, Recipient, Data, Enqueue, Tls
  };
  enum class AuthStep : unsigned char { Plain, LoginUsername, LoginPassword };
  using Handler = Action (Server::*)(std::string_view argument);
  struct Verb {
    std::string_view name;
    Handler handler;
  };
  static const Verb kVerbs[];

  // Command handlers (dispatched by kVerbs); argument = text after "VERB ", trailing SP cut.
  Action cmd_ehlo(std::string_view argument);
  Action cmd_helo(std::string_view argument);
  Action cmd_starttls(std::string_view argument);
  Action cmd_auth(std::string_view argument);
  Action cmd_mail(std::string_view argument);
  Action cmd_rcpt(std::string_view argument);
  Action cmd_data(std::string_view argument);
  Action cmd_rset(std::string_view argument);
  Action cmd_noop(std::string_view argument);
  Action cmd_quit(std::string_view argument);
  Action cmd_help(std::string_view argument);
  Action cmd_vrfy(std::string_view argument);
  Action cmd_not_implemented(std::string_view argument);

  Action dispatch(std::string_view line);
  Action auth_response(std::string_view line);
  Action auth_plain(std::string_view response);
  Action auth_login_username(std::string_view response);
  Action auth_login_password(std::string_view response);
  Action auth_end(Reply reply, AuthProtocolFailure failure);
  Action counted(Action action);  // error accounting and closing, on every outgoing action
  void reset_transaction();

  ServerSettings settings_;
  bool tls_active_;
  bool greeted_ = false;        // EHLO or HELO seen (since the last STARTTLS)
  bool authenticated_ = false;
  bool in_transaction_ = false; // MAIL accepted
  bool closed_ = false;         // a RespondAndClose was returned: ignore everything after
  Pending pending_ = Pending::None;
  AuthStep auth_step_ = AuthStep::Plain;
  std::string auth_mechanism_;  // of the exchange in progress
  std::string auth_username_;   // LOGIN username / user being verified
  std::string username_;        // authenticated user
  Envelope envelope_;
  Envelope pending_mail_;       // MAIL parameters awaiting mail_from_checked()
  std::string pending_recipient_;
  int errors_ = 0;              // error replies since the last progress
};

}  // namespace postern::smtp
