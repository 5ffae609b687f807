#include "dkim/key_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>

#include "base/encoding.h"
#include "base/random.h"

namespace postern::dkim {
namespace {

std::string errno_text() { return std::strerror(errno); }

bool valid_selector(const std::string& s) {
  if (s.empty() || s.size() > 63 || s.front() == '-') return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

// Refuses anything that could escape the key directory ("..", '/').
Status check_names(const std::string& domain, const std::string* selector) {
  auto n = storage::normalize_domain_name(domain);
  if (!n || n.value() != domain) return Error{"invalid DKIM domain name: " + domain};
  if (selector && !valid_selector(*selector)) return Error{"invalid DKIM selector: " + *selector};
  return ok_status();
}

// mkdir with mode 0700; an existing directory gets its mode forced to 0700 too (the umask
// applies to mkdir, hence the chmod).
Status ensure_private_dir(const std::string& path) {
  if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST)
    return Error{"cannot create " + path + ": " + errno_text()};
  if (::chmod(path.c_str(), 0700) != 0) return Error{"cannot chmod " + path + ": " + errno_text()};
  return ok_status();
}

void fsync_dir(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

// Writes the PEM to a fresh 0600 temporary file, fsyncs it and links it into place (link()
// fails if the name exists: never overwrites a key).
Status write_private_key(EVP_PKEY* key, const std::string& dir, const std::string& path) {
  const std::string tmp = path + ".tmp-" + hex_encode(random_bytes(6));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return Error{"cannot create " + tmp + ": " + errno_text()};
  bool ok = ::fchmod(fd, 0600) == 0;
  if (ok) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_fd(fd, BIO_NOCLOSE), BIO_free);
    ok = bio && PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr,
                                         nullptr) == 1 &&
         BIO_flush(bio.get()) == 1;
  }
  ok = ok && ::fsync(fd) == 0;
  ::close(fd);
  if (ok && ::link(tmp.c_str(), path.c_str()) != 0) {
    Error e{errno == EEXIST ? "DKIM key " + path + " already exists"
                            : "cannot write " + path + ": " + errno_text()};
    ::unlink(tmp.c_str());
    return e;
  }
  ::unlink(tmp.c_str());
  if (!ok) return Error{"cannot write DKIM key " + path};
  fsync_dir(dir);
  return ok_status();
}

}  // namespace

Result<std::string> public_key_base64(EVP_PKEY* key, storage::DkimAlgorithm algorithm) {
  if (algorithm == storage::DkimAlgorithm::Ed25519) {
    unsigned char raw[32];
    std::size_t len = sizeof raw;
    if (EVP_PKEY_get_raw_public_key(key, raw, &len) != 1 || len != sizeof raw)
      return Error{"not an Ed25519 key"};
    return base64_encode(std::string_view(reinterpret_cast<char*>(raw), len));
  }
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(key, &der);
  if (len <= 0) return Error{"cannot encode the RSA public key"};
  std::string out = base64_encode(std::string_view(reinterpret_cast<char*>(der), len));
  OPENSSL_free(der);
  return out;
}

KeyStore::KeyStore(std::string data_dir)
    : dir_((std::filesystem::path(data_dir) / "dkim").string()) {}

std::string KeyStore::selector_name(storage::DkimAlgorithm algorithm, Millis now) {
  std::time_t secs = static_cast<std::time_t>(now / 1000);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char month[32];
  std::snprintf(month, sizeof month, "%04d%02d", (tm.tm_year + 1900) % 10000, tm.tm_mon + 1);
  return std::string(algorithm == storage::DkimAlgorithm::Rsa ? "pstrn-rsa-" : "pstrn-ed-") +
         month;
}

std::string KeyStore::domain_dir(const std::string& domain) const {
  return (std::filesystem::path(dir_) / domain).string();
}

std::string KeyStore::key_path(const std::string& domain, const std::string& selector) const {
  return (std::filesystem::path(dir_) / domain / (selector + ".key")).string();
}

Result<storage::DkimSelector> KeyStore::generate(const std::string& domain,
                                                 storage::DkimAlgorithm algorithm,
                                                 Millis now) const {
  const std::string selector = selector_name(algorithm, now);
  if (auto s = check_names(domain, &selector); !s) return s.error();
  std::error_code ec;
  std::filesystem::path parent = std::filesystem::path(dir_).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) return Error{"cannot create " + parent.string() + ": " + ec.message()};
  if (auto s = ensure_private_dir(dir_); !s) return s.error();
  if (auto s = ensure_private_dir(domain_dir(domain)); !s) return s.error();

  EVP_PKEY* raw = algorithm == storage::DkimAlgorithm::Rsa
                      ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{2048})
                      : EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (raw == nullptr) return Error{"DKIM key generation failed"};
  KeyPtr key(raw, EVP_PKEY_free);
  auto pub = public_key_base64(key.get(), algorithm);
  if (!pub) return pub.error();
  if (auto s = write_private_key(key.get(), domain_dir(domain), key_path(domain, selector)); !s)
    return s.error();
  return storage::DkimSelector{selector, algorithm, pub.value(), now};
}

Result<KeyPtr> KeyStore::load(const std::string& domain, const std::string& selector) const {
  if (auto s = check_names(domain, &selector); !s) return s.error();
  const std::string path = key_path(domain, selector);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_file(path.c_str(), "r"), BIO_free);
  if (!bio) return Error{"cannot read DKIM key " + path};
  // A passphrase callback that refuses: an encrypted key must never prompt on a terminal.
  auto no_passphrase = [](char*, int, int, void*) -> int { return 0; };
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr);
  if (key == nullptr) return Error{"cannot parse DKIM key " + path};
  return KeyPtr(key, EVP_PKEY_free);
}

Status KeyStore::remove_domain(const std::string& domain) const {
  if (auto s = check_names(domain, nullptr); !s) return s.error();
  std::error_code ec;
  std::filesystem::remove_all(domain_dir(domain), ec);
  if (ec) return Error{"cannot remove " + domain_dir(domain) + ": " + ec.message()};
  return ok_status();
}

Status KeyStore::remove_key(const std::string& domain, const std::string& selector) const {
  if (auto s = check_names(domain, &selector); !s) return s.error();
  if (::unlink(key_path(domain, selector).c_str()) != 0 && errno != ENOENT)
    return Error{"cannot remove " + key_path(domain, selector) + ": " + errno_text()};
  return ok_status();
}

}  // namespace postern::dkim
