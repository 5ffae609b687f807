// dns::UnboundResolver: one libunbound context for the whole process, used from any thread.
// Each question is sent with ub_resolve_async and its answer collected by polling the
// context's pipe until it arrives or the per-question time cap passes (then ub_cancel): a
// dead or silent DNS server costs a bounded time, never libunbound's long internal retries.
#include <arpa/inet.h>
#include <poll.h>
#include <unbound.h>

#include <algorithm>
#include <mutex>

#include "dns/rdata.h"
#include "dns/resolver.h"

namespace postern::dns {
namespace {

constexpr int kTypeA = 1, kTypeMx = 15, kTypeTxt = 16, kTypeAaaa = 28, kClassIn = 1;

struct Pending {
  bool done = false;
  int err = 0;
  ub_result* result = nullptr;
};

class UnboundResolver final : public Resolver {
 public:
  UnboundResolver(ub_ctx* ctx, std::chrono::milliseconds timeout)
      : ctx_(ctx), timeout_(timeout), fd_(ub_fd(ctx)) {}
  ~UnboundResolver() override { ub_ctx_delete(ctx_); }

  Answer<MxRecord> mx(const std::string& domain) override {
    return query<MxRecord>(domain, kTypeMx, parse_mx_rdata);
  }
  Answer<std::string> a(const std::string& host) override {
    return query<std::string>(host, kTypeA, parse_a_rdata);
  }
  Answer<std::string> aaaa(const std::string& host) override {
    return query<std::string>(host, kTypeAaaa, parse_aaaa_rdata);
  }
  Answer<std::string> txt(const std::string& name) override {
    return query<std::string>(name, kTypeTxt, parse_txt_rdata);
  }

 private:
  static void on_result(void* arg, int err, ub_result* result) {
    auto* p = static_cast<Pending*>(arg);
    p->err = err;
    p->result = result;
    p->done = true;
  }

  // Sends the question and waits for its answer; false = timed out (cancelled).
  bool wait_for(const std::string& name, int type, Pending& pending) {
    int id = 0;
    {
      std::lock_guard lock(mu_);
      if (ub_resolve_async(ctx_, name.c_str(), type, kClassIn, &pending, on_result, &id) != 0) {
        pending.done = true;
        pending.err = -1;
        return true;
      }
    }
    auto deadline = std::chrono::steady_clock::now() + timeout_;
    for (;;) {
      {
        // Callbacks run only inside ub_process, under this lock: `done` false here means the
        // query is still registered, so cancelling it guarantees no late callback.
        std::lock_guard lock(mu_);
        if (pending.done) return true;
        if (std::chrono::steady_clock::now() >= deadline) {
          ub_cancel(ctx_, id);
          return false;
        }
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd pfd{fd_, POLLIN, 0};
      ::poll(&pfd, 1, static_cast<int>(std::clamp<long>(left.count(), 1, 50)));
      std::lock_guard lock(mu_);
      ub_process(ctx_);
    }
  }

  template <class T, class Parse>
  Answer<T> query(const std::string& name, int type, Parse parse) {
    Answer<T> answer;
    if (name.empty() || name.size() > 253) {
      answer.rcode = Rcode::NxDomain;
      return answer;
    }
    Pending pending;
    if (!wait_for(name, type, pending)) {
      answer.rcode = Rcode::Timeout;
      return answer;
    }
    ub_result* r = pending.result;
    if (pending.err != 0 || !r || r->bogus) {
      answer.rcode = Rcode::ServFail;
    } else if (r->rcode == 3 || r->nxdomain) {
      answer.rcode = Rcode::NxDomain;
    } else if (r->rcode != 0) {
      answer.rcode = Rcode::ServFail;  // SERVFAIL, REFUSED, ...: ask again later
    } else {
      answer.secure = r->secure != 0;
      for (int i = 0; r->havedata && r->data[i]; ++i)
        if (auto rec = parse(std::string_view(r->data[i], static_cast<std::size_t>(r->len[i]))))
          answer.records.push_back(std::move(*rec));
    }
    if (r) ub_resolve_free(r);
    return answer;
  }

  std::mutex mu_;
  ub_ctx* ctx_;
  std::chrono::milliseconds timeout_;
  int fd_;
};

bool is_ip(const std::string& text) {
  unsigned char buf[16];
  return inet_pton(AF_INET, text.c_str(), buf) == 1 || inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

}  // namespace

Result<std::string> forwarder_address(const std::string& spec) {
  std::string host = spec, port;
  if (!spec.empty() && spec[0] == '[') {
    auto close = spec.find(']');
    if (close == std::string::npos) return Error{"resolver \"" + spec + "\": missing ]"};
    host = spec.substr(1, close - 1);
    if (close + 1 < spec.size()) {
      if (spec[close + 1] != ':') return Error{"resolver \"" + spec + "\" is not [IPv6]:port"};
      port = spec.substr(close + 2);
    }
  } else if (spec.find(':') == spec.rfind(':') && spec.find(':') != std::string::npos) {
    host = spec.substr(0, spec.find(':'));  // IPv4:port (a bare IPv6 has several colons)
    port = spec.substr(spec.find(':') + 1);
  }
  if (!is_ip(host)) return Error{"resolver \"" + spec + "\" must be \"system\" or an IP address"};
  bool has_port = host.size() + (spec[0] == '[' ? 2 : 0) < spec.size();
  if (has_port) {
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
        std::stoul(port) == 0 || std::stoul(port) > 65535)
      return Error{"resolver \"" + spec + "\" has an invalid port"};
    return host + "@" + port;
  }
  return host;
}

Result<std::unique_ptr<Resolver>> make_resolver(const std::string& spec) {
  return make_resolver(spec, std::chrono::seconds(10));
}

Result<std::unique_ptr<Resolver>> make_resolver(const std::string& spec,
                                                std::chrono::milliseconds timeout) {
  std::string forwarder;
  if (spec != "system") {
    auto f = forwarder_address(spec);
    if (!f) return f.error();
    forwarder = *f;
  }
  ub_ctx* ctx = ub_ctx_create();
  if (!ctx) return Error{"cannot create a DNS resolver context"};
  auto fail = [ctx](const std::string& what, int rc) -> Error {
    ub_ctx_delete(ctx);
    return Error{"DNS resolver: " + what + ": " + ub_strerror(rc)};
  };
  int rc = ub_ctx_async(ctx, 1);  // a thread, not a forked process, for background work
  if (rc != 0) return fail("async", rc);
  // No trust anchor is configured, so the validator would only cost time: iterator only.
  if ((rc = ub_ctx_set_option(ctx, "module-config:", "iterator")) != 0) return fail("options", rc);
  // Tests and local caches (systemd-resolved, dnsmasq) answer on loopback.
  if ((rc = ub_ctx_set_option(ctx, "do-not-query-localhost:", "no")) != 0)
    return fail("options", rc);
  if (forwarder.empty()) {
    if ((rc = ub_ctx_resolvconf(ctx, nullptr)) != 0) return fail("/etc/resolv.conf", rc);
    if ((rc = ub_ctx_hosts(ctx, nullptr)) != 0) return fail("/etc/hosts", rc);
  } else {
    if ((rc = ub_ctx_set_fwd(ctx, forwarder.c_str())) != 0) return fail(forwarder, rc);
    // The named server answers everything, including the RFC 6761 "test." names that
    // libunbound otherwise answers NXDOMAIN itself (local test setups use them).
    if ((rc = ub_ctx_set_option(ctx, "local-zone:", "test. transparent")) != 0)
      return fail("options", rc);
  }
  return std::unique_ptr<Resolver>(std::make_unique<UnboundResolver>(ctx, timeout));
}

}  // namespace postern::dns
