// TLS for the SMTP listeners (OpenSSL 3 through Boost.Asio): a server context limited to
// TLS 1.2 and 1.3 with forward-secret AEAD ciphers only, from the configured certificate and
// key; a self-signed ECDSA P-256 pair is generated when the files are absent.
// The context is built once at start-up and shared read-only by every session.
#pragma once
#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>

#include "base/result.h"

namespace postern::tls {

// Creates a self-signed certificate for `hostname` at cert_path/key_path when either file is
// missing. Returns true when it generated one (the caller warns), false when both existed.
// The key file is written with mode 0600.
Result<bool> ensure_certificate(const std::string& cert_path, const std::string& key_path,
                                const std::string& hostname);

Result<std::shared_ptr<boost::asio::ssl::context>> make_server_context(
    const std::string& cert_path, const std::string& key_path);

// A client context (for tests and, later, outbound delivery) that does not verify peers.
std::shared_ptr<boost::asio::ssl::context> make_insecure_client_context();

}  // namespace postern::tls
