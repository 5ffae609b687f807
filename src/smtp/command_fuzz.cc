// Fuzzes the whole protocol layer as inbound::Session drives it: arbitrary client bytes through
// LineFramer, Server and DataReader, with every driver-side result (credentials, policy,
// enqueue, TLS) derived from the input. Invariants checked on every step: replies are
// well-formed (3-digit code, CRLF, enhanced code where the contract wants one), no AUTH is
// offered or accepted before TLS, STARTTLS is never offered under TLS, and 250 "queued" only
// follows an enqueue the driver confirmed.
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "smtp/data_reader.h"
#include "smtp/line_framer.h"
#include "smtp/server.h"

using namespace postern::smtp;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

class Driver {
 public:
  Driver(std::string_view input, ServerSettings settings)
      : in_(input), max_rcpt_(settings.max_recipients), max_size_(settings.max_message_size),
        server_(std::move(settings)) {
    check_reply(server_.greeting(), true);
  }

  void run() {
    std::size_t pos = 0;
    while (pos < in_.size() && !closed_) {
      std::size_t n = std::min<std::size_t>(1 + decide() % 97, in_.size() - pos);
      std::string_view chunk = in_.substr(pos, n);
      pos += n;
      if (reader_) data(chunk);
      else framer_.feed(chunk);
      pump();
      check(framer_.buffered() <= in_.size());
    }
  }

 private:
  std::uint8_t decide() {
    return in_.empty() ? 0 : static_cast<std::uint8_t>(in_[(cursor_++ * 131) % in_.size()]);
  }

  void pump() {
    while (!closed_ && !reader_) {
      auto line = framer_.next();
      if (!line) return;
      switch (line->kind) {
        case LineFramer::Line::Kind::Ok: handle(server_.on_line(line->text)); break;
        case LineFramer::Line::Kind::TooLong: handle(server_.on_line_too_long()); break;
        case LineFramer::Line::Kind::BareLineEnding: handle(server_.on_bare_line_ending()); break;
      }
    }
  }

  void data(std::string_view bytes) {
    std::size_t used = reader_->feed(bytes);
    check(used <= bytes.size());
    if (!reader_->done()) return check(used == bytes.size());
    check(body_.size() <= max_size_);
    DataResult result = reader_->result();
    reader_.reset();
    framer_.feed(bytes.substr(used));
    handle(server_.data_finished(result));
  }

  void check_reply(const Reply& r, bool ehlo_like) {
    if (r.code == 0) return check(r.wire().empty());
    check(r.code >= 200 && r.code <= 599);
    std::string wire = r.wire();
    check(wire.size() >= 6 && wire.ends_with("\r\n"));
    // Every line: 3 digits, SP or '-', text without CR/LF.
    std::size_t start = 0;
    while (start < wire.size()) {
      std::size_t end = wire.find("\r\n", start);
      check(end != std::string::npos && end - start >= 4);
      check(wire.compare(start, 3, std::to_string(r.code)) == 0);
      check(wire[start + 3] == ' ' || wire[start + 3] == '-');
      for (std::size_t i = start; i < end; ++i) check(wire[i] != '\r' && wire[i] != '\n');
      start = end + 2;
    }
    const bool exempt = ehlo_like || r.code == 334 || r.code == 354 || r.code == 250;
    if (!exempt) check(!r.enhanced.empty());
    if (r.code == 250 && r.lines.size() > 1) {  // the EHLO list
      for (auto& l : r.lines) {
        if (l.starts_with("AUTH")) check(server_.tls_active());
        if (l == "STARTTLS") check(!server_.tls_active());
      }
    }
    if (r.code == 235) check(server_.tls_active() && server_.authenticated());
    if (r.lines.size() == 1 && r.lines[0].starts_with("OK Message queued")) check(queued_ok_);
  }

  void handle(Action action) {
    check(!server_.authenticated() || server_.tls_active());
    if (auto* a = std::get_if<Respond>(&action)) {
      check_reply(a->reply, false);
    } else if (auto* a = std::get_if<RespondAndClose>(&action)) {
      check_reply(a->reply, false);
      closed_ = true;
    } else if (auto* a = std::get_if<StartTls>(&action)) {
      check_reply(a->reply, false);
      check(!server_.tls_active());
      framer_.discard_buffered();
      if (decide() % 8 != 0) handle(server_.tls_started());  // else: handshake "failed"
    } else if (auto* a = std::get_if<VerifyCredentials>(&action)) {
      check(server_.tls_active() && !server_.authenticated());
      check(a->mechanism == "PLAIN" || a->mechanism == "LOGIN");
      check(!a->username.empty() && !a->password.empty());
      handle(server_.credentials_checked(static_cast<CredentialResult>(decide() % 4)));
    } else if (std::holds_alternative<CheckSender>(action)) {
      check(server_.authenticated());
      std::uint8_t d = decide();
      handle(server_.mail_from_checked(
          d % 5 == 0 ? std::optional<Reply>(make_reply(550 - (d % 2) * 129, "5.7.1", "no"))
                     : std::nullopt));
    } else if (auto* a = std::get_if<CheckRecipient>(&action)) {
      check(!a->recipient.empty() && server_.envelope().recipients.size() < max_rcpt_);
      std::uint8_t d = decide();
      handle(server_.recipient_checked(
          d % 6 == 0 ? std::optional<Reply>(make_reply(550, "5.1.1", "[SUPPRESSED] x"))
                     : std::nullopt));
    } else if (auto* a = std::get_if<ReceiveData>(&action)) {
      check_reply(a->reply, false);
      check(!server_.envelope().recipients.empty());
      body_.clear();
      reader_.emplace(max_size_, body_);
      std::string early = framer_.take_buffered();
      if (!early.empty()) data(early);
    } else if (auto* a = std::get_if<Enqueue>(&action)) {
      check(server_.authenticated() && !a->envelope.recipients.empty());
      check(a->envelope.recipients.size() <= max_rcpt_);
      bool ok = decide() % 7 != 0;
      queued_ok_ = ok;
      handle(server_.enqueued(ok ? std::optional<std::string>("Q1") : std::nullopt));
    }
    queued_ok_ = false;
  }

  std::string_view in_;
  std::size_t cursor_ = 0;
  std::size_t max_rcpt_;
  std::size_t max_size_;
  Server server_;
  LineFramer framer_{1000};
  std::string body_;
  std::optional<DataReader> reader_;
  bool closed_ = false;
  bool queued_ok_ = false;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  ServerSettings settings{.hostname = "mx.fuzz"};
  settings.starttls_offered = data[0] & 1;
  settings.tls_active = data[0] & 2;
  settings.max_recipients = 1 + (data[0] >> 2) % 4;
  settings.max_message_size = 64 + (data[0] >> 4) * 256;
  Driver(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1), settings).run();
  return 0;
}
