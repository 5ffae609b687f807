// smtp::Server, AUTH (RFC 4954) with PLAIN (RFC 4616) and LOGIN. The order of the checks is
// the contract of replies.md: sequence, TLS, mechanism, decoding; credentials are the driver's.
#include "smtp/replies.h"
#include "smtp/sasl.h"
#include "smtp/server.h"
#include "smtp/server_internal.h"

namespace postern::smtp {

Action Server::auth_end(Reply reply, AuthProtocolFailure failure) {
  pending_ = Pending::None;
  return Respond{std::move(reply), AuthNote{failure, auth_mechanism_, auth_username_}};
}

Action Server::cmd_auth(std::string_view argument) {
  if (!greeted_) return Respond{replies::bad_sequence()};              // §4: after EHLO
  if (authenticated_) return Respond{replies::already_authenticated()};  // §4: once only
  if (in_transaction_) return Respond{replies::bad_sequence()};        // §4: not during MAIL
  std::size_t sp = argument.find(' ');
  std::string_view mechanism = argument.substr(0, sp);
  auth_mechanism_ = internal::ascii_upper(mechanism.substr(0, 32));
  auth_username_.clear();
  // TLS first, whatever the mechanism (CRAM-MD5 included): the log then says "AUTH before TLS".
  if (!tls_active_)
    return auth_end(replies::encryption_required(), AuthProtocolFailure::TlsRequired);
  if (mechanism.empty()) return auth_end(replies::auth_syntax(), AuthProtocolFailure::Malformed);
  const bool has_initial = sp != std::string_view::npos;
  std::string_view initial = has_initial ? argument.substr(sp + 1) : std::string_view{};
  if (auth_mechanism_ == "PLAIN") {
    if (has_initial) return auth_plain(initial);
    pending_ = Pending::AuthResponse;
    auth_step_ = AuthStep::Plain;
    return Respond{replies::auth_challenge("")};  // "334 " (RFC 4616 §2: empty challenge)
  }
  if (auth_mechanism_ == "LOGIN") {
    if (has_initial) return auth_login_username(initial);  // skips the Username: challenge
    pending_ = Pending::AuthResponse;
    auth_step_ = AuthStep::LoginUsername;
    return Respond{replies::auth_challenge(sasl::kUsernameChallenge)};
  }
  return auth_end(replies::unrecognized_auth_type(), AuthProtocolFailure::MechanismUnsupported);
}

Action Server::auth_response(std::string_view line) {
  pending_ = Pending::None;
  if (sasl::is_cancellation(line))
    return auth_end(replies::auth_cancelled(), AuthProtocolFailure::Cancelled);
  switch (auth_step_) {
    case AuthStep::Plain: return auth_plain(line);
    case AuthStep::LoginUsername: return auth_login_username(line);
    case AuthStep::LoginPassword: return auth_login_password(line);
  }
  return auth_end(replies::cannot_decode(), AuthProtocolFailure::Malformed);
}

Action Server::auth_plain(std::string_view response) {
  auto credentials = sasl::decode_plain(response);
  if (!credentials) return auth_end(replies::cannot_decode(), AuthProtocolFailure::Malformed);
  auth_username_ = credentials->username;
  pending_ = Pending::Credentials;
  return VerifyCredentials{"PLAIN", std::move(credentials->authzid),
                           std::move(credentials->username), std::move(credentials->password)};
}

Action Server::auth_login_username(std::string_view response) {
  auto username = sasl::decode_login_username(response);
  if (!username) return auth_end(replies::cannot_decode(), AuthProtocolFailure::Malformed);
  auth_username_ = std::move(*username);
  pending_ = Pending::AuthResponse;
  auth_step_ = AuthStep::LoginPassword;
  return Respond{replies::auth_challenge(sasl::kPasswordChallenge)};
}

Action Server::auth_login_password(std::string_view response) {
  auto password = sasl::decode_login_password(response);
  if (!password) return auth_end(replies::cannot_decode(), AuthProtocolFailure::Malformed);
  pending_ = Pending::Credentials;
  return VerifyCredentials{"LOGIN", "", auth_username_, std::move(*password)};
}

Action Server::credentials_checked(CredentialResult result) {
  if (closed_ || pending_ != Pending::Credentials) return Respond{};
  pending_ = Pending::None;
  switch (result) {
    case CredentialResult::Accepted:
      authenticated_ = true;
      username_ = auth_username_;
      errors_ = 0;
      return counted(Respond{replies::auth_succeeded()});
    case CredentialResult::Rejected: return counted(Respond{replies::auth_failed()});
    case CredentialResult::IpNotAuthorized: return counted(Respond{replies::ip_not_authorized()});
    case CredentialResult::Throttled: return counted(Respond{replies::auth_throttled()});
  }
  return counted(Respond{replies::auth_failed()});
}

}  // namespace postern::smtp
