// Golden transcripts: every testdata/transcripts/*.txt is replayed through smtp::Server (and,
// for R: lines, LineFramer + DataReader, as inbound::Session drives them) and the session it
// produces must match the file byte for byte. Format: testdata/transcripts/README.md.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "smtp/data_reader.h"
#include "smtp/line_framer.h"
#include "smtp/server.h"

namespace postern::smtp {
namespace {

namespace fs = std::filesystem;

std::string unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out += s[i];
      continue;
    }
    char c = s[++i];
    switch (c) {
      case 'r': out += '\r'; break;
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case '0': out += '\0'; break;
      case 'x': out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
                i += 2; break;
      default: out += c;
    }
  }
  return out;
}

std::string escape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '\r') out += "\\r";
    else if (c == '\n') out += "\\n";
    else if (c == '\\') out += "\\\\";
    else if (c < 32 || c == 127) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else out += static_cast<char>(c);
  }
  return out;
}

const char* name(AuthProtocolFailure f) {
  switch (f) {
    case AuthProtocolFailure::TlsRequired: return "tls-required";
    case AuthProtocolFailure::MechanismUnsupported: return "mechanism-unsupported";
    case AuthProtocolFailure::Malformed: return "malformed";
    case AuthProtocolFailure::Cancelled: return "cancelled";
  }
  return "?";
}

std::optional<Reply> parse_reply(std::string_view text) {  // "550 5.7.1 text" or "ok"
  if (text == "ok") return std::nullopt;
  std::istringstream in{std::string(text)};
  Reply r;
  std::string enhanced;
  in >> r.code >> enhanced;
  std::string rest;
  std::getline(in, rest);
  r.enhanced = enhanced;
  r.lines.push_back(rest.empty() ? rest : rest.substr(1));
  return r;
}

// A miniature inbound::Session: one command at a time, waiting for each driver-side result.
class Harness {
 public:
  explicit Harness(ServerSettings s) : max_size_(s.max_message_size), server_(std::move(s)) {
    reply(server_.greeting());
  }
  std::vector<std::string> out;

  void directive(std::string_view d) {
    std::string_view arg;
    if (auto sp = d.find(' '); sp != std::string_view::npos) {
      arg = d.substr(sp + 1);
      d = d.substr(0, sp);
    }
    if (d == "!tls") {
      emit(server_.tls_started());
    } else if (d == "!credentials") {
      CredentialResult r = arg == "accepted"            ? CredentialResult::Accepted
                           : arg == "rejected"          ? CredentialResult::Rejected
                           : arg == "ip-not-authorized" ? CredentialResult::IpNotAuthorized
                                                        : CredentialResult::Throttled;
      emit(server_.credentials_checked(r));
    } else if (d == "!sender") {
      emit(server_.mail_from_checked(parse_reply(arg)));
    } else if (d == "!recipient") {
      emit(server_.recipient_checked(parse_reply(arg)));
    } else if (d == "!enqueued") {
      emit(server_.enqueued(arg == "fail" ? std::nullopt : std::optional<std::string>(arg)));
    } else if (d == "!data") {
      raw(unescape(arg));
      return;
    } else if (d == "!too-long") {
      emit(server_.on_line_too_long());
    } else if (d == "!bare") {
      emit(server_.on_bare_line_ending());
    } else if (d == "!drop-auth") {
      server_.drop_authentication();
    } else {
      ADD_FAILURE() << "unknown directive " << d;
    }
    waiting_ = false;
    pump();
  }

  void command(std::string_view line) { emit(server_.on_line(line)); }

  void raw(const std::string& bytes) {
    if (reader_) return data(bytes);
    framer_.feed(bytes);
    pump();
  }

 private:
  void pump() {
    while (!waiting_ && !closed_ && !reader_) {
      auto line = framer_.next();
      if (!line) return;
      switch (line->kind) {
        case LineFramer::Line::Kind::Ok: emit(server_.on_line(line->text)); break;
        case LineFramer::Line::Kind::TooLong: emit(server_.on_line_too_long()); break;
        case LineFramer::Line::Kind::BareLineEnding: emit(server_.on_bare_line_ending()); break;
      }
    }
  }

  void data(std::string_view bytes) {
    std::size_t used = reader_->feed(bytes);
    if (!reader_->done()) return;
    DataResult result = reader_->result();
    reader_.reset();
    framer_.feed(bytes.substr(used));
    emit(server_.data_finished(result));
    pump();
  }

  void reply(const Reply& r) {
    if (r.code == 0) return;
    EXPECT_TRUE(r.code >= 200 && r.code <= 599) << r.code;
    std::string wire = r.wire();
    EXPECT_TRUE(wire.size() >= 2 && wire.ends_with("\r\n"));
    std::size_t start = 0;
    while (start < wire.size()) {
      std::size_t end = wire.find("\r\n", start);
      if (end == std::string::npos) end = wire.size();
      out.push_back("S: " + escape(wire.substr(start, end - start)));
      start = end + 2;
    }
  }

  void emit(Action action) {
    if (auto* a = std::get_if<Respond>(&action)) {
      reply(a->reply);
      if (a->auth_note)
        out.push_back(std::string("A: auth-note ") + name(a->auth_note->failure) +
                      " mech=" + a->auth_note->mechanism + " user=" + a->auth_note->username);
    } else if (auto* a = std::get_if<RespondAndClose>(&action)) {
      reply(a->reply);
      out.push_back("A: close");
      closed_ = true;
    } else if (auto* a = std::get_if<StartTls>(&action)) {
      reply(a->reply);
      out.push_back("A: starttls");
      framer_.discard_buffered();  // RFC 3207 §6
      waiting_ = true;
    } else if (auto* a = std::get_if<VerifyCredentials>(&action)) {
      out.push_back("A: verify " + a->mechanism + " authzid=" + a->authzid + " user=" +
                    escape(a->username) + " password=" + escape(a->password.reveal()));
      waiting_ = true;
    } else if (auto* a = std::get_if<CheckSender>(&action)) {
      out.push_back("A: check-sender <" + a->mail_from + ">");
      waiting_ = true;
    } else if (auto* a = std::get_if<CheckRecipient>(&action)) {
      out.push_back("A: check-recipient <" + a->recipient + ">");
      waiting_ = true;
    } else if (auto* a = std::get_if<ReceiveData>(&action)) {
      reply(a->reply);
      out.push_back("A: receive-data");
      body_.clear();
      reader_.emplace(max_size_, body_);
      std::string early = framer_.take_buffered();
      if (!early.empty()) data(early);
    } else if (auto* a = std::get_if<Enqueue>(&action)) {
      const Envelope& e = a->envelope;
      std::string to;
      for (auto& r : e.recipients) to += (to.empty() ? "<" : ",<") + r + ">";
      out.push_back("A: enqueue helo=" + e.helo + " from=<" + e.mail_from + "> to=" + to +
                    " size=" + (e.declared_size ? std::to_string(*e.declared_size) : "-") +
                    " 8bitmime=" + (e.body_8bitmime ? "1" : "0") +
                    " smtputf8=" + (e.smtputf8 ? "1" : "0"));
      out.push_back("A: body " + escape(body_));
      waiting_ = true;
    }
  }

  std::size_t max_size_;
  Server server_;
  LineFramer framer_;
  std::string body_;
  std::optional<DataReader> reader_;
  bool waiting_ = false;
  bool closed_ = false;
};

ServerSettings settings_from(std::string_view line) {
  ServerSettings s{.hostname = "mx.example.test"};
  std::istringstream in{std::string(line)};
  std::string word;
  in >> word;  // "!settings"
  while (in >> word) {
    if (word == "starttls") s.starttls_offered = true;
    else if (word == "implicit-tls") s.tls_active = true;
    else if (word.starts_with("max-size=")) s.max_message_size = std::stoul(word.substr(9));
    else if (word.starts_with("max-rcpt=")) s.max_recipients = std::stoul(word.substr(9));
    else if (word.starts_with("hostname=")) s.hostname = word.substr(9);
    else ADD_FAILURE() << "unknown setting " << word;
  }
  return s;
}

std::vector<std::string> transcript_files() {
  std::vector<std::string> files;
  for (auto& e : fs::directory_iterator(POSTERN_TRANSCRIPTS_DIR))
    if (e.path().extension() == ".txt") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

class Transcript : public testing::TestWithParam<std::string> {};

TEST_P(Transcript, Replays) {
  std::ifstream in(GetParam(), std::ios::binary);
  ASSERT_TRUE(in) << GetParam();
  std::vector<std::string> expected;
  std::string line;
  while (std::getline(in, line)) {
    ASSERT_EQ(line.find('\r'), std::string::npos) << "transcripts use LF and \\r escapes";
    if (line.empty() || line[0] == '#') continue;
    expected.push_back(line);
  }
  ASSERT_FALSE(expected.empty());
  std::size_t first = 0;
  std::vector<std::string> actual;
  ServerSettings settings{.hostname = "mx.example.test"};
  if (expected[0].starts_with("!settings")) {
    settings = settings_from(expected[0]);
    actual.push_back(expected[0]);
    first = 1;
  }
  Harness h(settings);
  for (std::size_t i = first; i < expected.size(); ++i) {
    const std::string& l = expected[i];
    if (l.starts_with("S: ") || l.starts_with("A: ") || l == "S:") continue;
    for (auto& o : h.out) actual.push_back(o);
    h.out.clear();
    actual.push_back(l);
    if (l.starts_with("C: ")) h.command(std::string_view(l).substr(3));
    else if (l.starts_with("R: ")) h.raw(unescape(std::string_view(l).substr(3)));
    else if (l.starts_with("!")) h.directive(l);
    else ADD_FAILURE() << "bad transcript line: " << l;
  }
  for (auto& o : h.out) actual.push_back(o);
  for (std::size_t i = 0; i < std::max(expected.size(), actual.size()); ++i) {
    std::string want = i < expected.size() ? expected[i] : "<end>";
    std::string got = i < actual.size() ? actual[i] : "<end>";
    ASSERT_EQ(want, got) << GetParam() << ": first difference at transcript line " << i + 1
                         << " (blank and # lines not counted)";
  }
}

std::string test_name(const testing::TestParamInfo<std::string>& info) {
  std::string stem = fs::path(info.param).stem().string();
  for (char& c : stem)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return stem;
}

INSTANTIATE_TEST_SUITE_P(Golden, Transcript, testing::ValuesIn(transcript_files()), test_name);

}  // namespace
}  // namespace postern::smtp
