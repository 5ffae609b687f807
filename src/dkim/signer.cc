// DkimSigner: the production dkim::Signer (see signer.h).
#include "dkim/signer.h"

#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "dkim/canonical.h"
#include "dkim/from_domain.h"
#include "dkim/key_store.h"
#include "dkim/message.h"
#include "dkim/signature.h"

namespace postern::dkim {
namespace {

class DkimSigner final : public Signer {
 public:
  DkimSigner(storage::Store& store, const std::string& data_dir, const Clock& clock)
      : store_(store), keys_(data_dir), clock_(clock) {}

  std::string sign(const std::string& account, std::string_view message) override {
    const ParsedMessage parsed = parse_message(message);
    auto domain_name = from_domain(parsed);
    if (!domain_name) return "";
    auto domain = store_.domain_of_account(account, *domain_name);
    if (!domain || domain->selectors.empty()) return "";

    std::string headers;
    std::string body_hash;  // computed once, shared by both signatures
    const std::int64_t now = clock_.now_ms() / 1000;
    for (const storage::DkimSelector& sel : domain->selectors) {
      KeyPtr key = key_for(domain->name, sel);
      if (!key) continue;  // unreadable key file: sign with what we have
      if (body_hash.empty()) body_hash = relaxed_body_sha256(parsed.body);
      auto field =
          make_signature(parsed, {domain->name, sel.selector, sel.algorithm, key}, body_hash, now);
      if (field) headers += field.value();
    }
    return headers;
  }

 private:
  KeyPtr key_for(const std::string& domain, const storage::DkimSelector& sel) {
    const std::string id = domain + '/' + sel.selector + '/' + sel.public_key;
    {
      std::shared_lock lock(mu_);
      if (auto it = cache_.find(id); it != cache_.end()) return it->second;
    }
    auto loaded = keys_.load(domain, sel.selector);
    if (!loaded) return nullptr;
    // A key file that does not match the published public key would only make signatures
    // that fail: treat it as absent.
    auto pub = public_key_base64(loaded.value().get(), sel.algorithm);
    if (!pub || pub.value() != sel.public_key) return nullptr;
    std::unique_lock lock(mu_);
    return cache_.emplace(id, loaded.value()).first->second;
  }

  storage::Store& store_;
  KeyStore keys_;
  const Clock& clock_;
  std::shared_mutex mu_;
  std::unordered_map<std::string, KeyPtr> cache_;
};

}  // namespace

std::unique_ptr<Signer> make_signer(storage::Store& store, const std::string& data_dir) {
  static const SystemClock clock;
  return make_signer(store, data_dir, clock);
}

std::unique_ptr<Signer> make_signer(storage::Store& store, const std::string& data_dir,
                                    const Clock& clock) {
  return std::make_unique<DkimSigner>(store, data_dir, clock);
}

}  // namespace postern::dkim
