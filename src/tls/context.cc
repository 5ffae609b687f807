#include "tls/context.h"

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <memory>

namespace postern::tls {
namespace ssl = boost::asio::ssl;
namespace {

std::string openssl_error() {
  unsigned long e = ERR_get_error();
  if (e == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

template <class T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;

Status write_pem(const std::string& path, bool private_key, EVP_PKEY* key, X509* cert) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return Error{"cannot write " + path};
  if (private_key) ::fchmod(fileno(f), 0600);
  int ok = private_key ? PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr)
                       : PEM_write_X509(f, cert);
  std::fclose(f);
  if (ok != 1) return Error{"cannot write " + path + ": " + openssl_error()};
  return ok_status();
}

}  // namespace

Result<bool> ensure_certificate(const std::string& cert_path, const std::string& key_path,
                                const std::string& hostname) {
  namespace fs = std::filesystem;
  if (fs::exists(cert_path) && fs::exists(key_path)) return false;

  PkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return Error{"cannot generate a key: " + openssl_error()};
  X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3650L * 86400);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(hostname.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, cert.get(), cert.get(), nullptr, nullptr, 0);
  std::string san = "DNS:" + hostname;
  if (X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, NID_subject_alt_name, san.c_str())) {
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0)
    return Error{"cannot sign the certificate: " + openssl_error()};
  if (auto s = write_pem(key_path, true, key.get(), nullptr); !s) return s.error();
  if (auto s = write_pem(cert_path, false, nullptr, cert.get()); !s) return s.error();
  return true;
}

Result<std::shared_ptr<ssl::context>> make_server_context(const std::string& cert_path,
                                                          const std::string& key_path) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = ctx->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                                  SSL_OP_CIPHER_SERVER_PREFERENCE);
  // Idle sessions (T3) give their ~34 KiB of record buffers back until the next record.
  SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS);
  // TLS 1.2: forward secrecy and AEAD only. TLS 1.3 suites are all modern (OpenSSL defaults).
  SSL_CTX_set_cipher_list(native,
                          "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                          "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                          "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305");
  SSL_CTX_set1_groups_list(native, "X25519:P-256:P-384");
  if (SSL_CTX_use_certificate_chain_file(native, cert_path.c_str()) != 1)
    return Error{"cannot load certificate " + cert_path + ": " + openssl_error()};
  if (SSL_CTX_use_PrivateKey_file(native, key_path.c_str(), SSL_FILETYPE_PEM) != 1)
    return Error{"cannot load key " + key_path + ": " + openssl_error()};
  if (SSL_CTX_check_private_key(native) != 1)
    return Error{"key " + key_path + " does not match certificate " + cert_path};
  return ctx;
}

std::shared_ptr<ssl::context> make_insecure_client_context() {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  ctx->set_verify_mode(ssl::verify_none);
  return ctx;
}

}  // namespace postern::tls
