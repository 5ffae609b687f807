// smtp::Server: the server side of an SMTP session as a pure state machine (RFC 5321, 3207,
// 4954, 2920). It never touches sockets, clocks or storage: the driver (inbound::Session) feeds
// it command lines and the results of the work it asked for, and carries out the Actions it
// returns. One instance per connection; not thread-safe.
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
  std::optional<AuthNote> auth_note;  // set when this reply ends an AUTH attempt early
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

  bool tls_active() const;
  bool authenticated() const;
  const std::string& authenticated_username() const;
  // Forget the authentication (used when the user was disabled/deleted during the session).
  void drop_authentication();
  const Envelope& envelope() const;

 private:
  struct State;
  // implementation-defined members
};

}  // namespace postern::smtp
