#include "policy/scheduled_at.h"

#include <array>
#include <cctype>
#include <chrono>
#include <string>

#include "policy/message_headers.h"

namespace postern::policy {
namespace {

// A cursor over the text with the few readers both grammars need.
struct Cursor {
  std::string_view s;
  std::size_t i = 0;

  bool done() const { return i >= s.size(); }
  char peek() const { return done() ? '\0' : s[i]; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i;
    return true;
  }
  void skip_space() {
    while (!done() && (s[i] == ' ' || s[i] == '\t')) ++i;
  }
  // Exactly `min`..`max` digits.
  std::optional<int> digits(std::size_t min, std::size_t max) {
    std::size_t start = i;
    int v = 0;
    while (!done() && i - start < max && std::isdigit(static_cast<unsigned char>(s[i])))
      v = v * 10 + (s[i++] - '0');
    if (i - start < min) return std::nullopt;
    return v;
  }
  std::string_view word() {
    std::size_t start = i;
    while (!done() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
    return s.substr(start, i - start);
  }
};

std::optional<Millis> to_millis(int y, int mo, int d, int h, int mi, int sec, int ms,
                                int offset_minutes) {
  using namespace std::chrono;
  if (y < 1970 || y > 9999 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  if (sec == 60) sec = 59;  // a leap second: close enough for scheduling
  Millis days = sys_days(ymd).time_since_epoch().count();
  Millis t = ((days * 24 + h) * 60 + mi) * 60 + sec;
  return (t - offset_minutes * 60LL) * 1000 + ms;
}

// "Z" | ("+"/"-") hh [":"] [mm]
std::optional<int> iso_offset(Cursor& c) {
  if (c.eat('Z') || c.eat('z')) return 0;
  int sign = c.eat('+') ? 1 : c.eat('-') ? -1 : 0;
  if (sign == 0) return std::nullopt;
  auto hh = c.digits(2, 2);
  if (!hh) return std::nullopt;
  int mm = 0;
  bool colon = c.eat(':');
  if (colon || !c.done()) {
    auto m = c.digits(2, 2);
    if (!m) return std::nullopt;
    mm = *m;
  }
  if (*hh > 23 || mm > 59) return std::nullopt;
  return sign * (*hh * 60 + mm);
}

std::optional<Millis> parse_iso8601(std::string_view text) {
  Cursor c{text};
  auto y = c.digits(4, 4);
  if (!y || !c.eat('-')) return std::nullopt;
  auto mo = c.digits(2, 2);
  if (!mo || !c.eat('-')) return std::nullopt;
  auto d = c.digits(2, 2);
  if (!d || !(c.eat('T') || c.eat('t') || c.eat(' '))) return std::nullopt;
  auto h = c.digits(2, 2);
  if (!h || !c.eat(':')) return std::nullopt;
  auto mi = c.digits(2, 2);
  if (!mi) return std::nullopt;
  int sec = 0, ms = 0;
  if (c.eat(':')) {
    auto s = c.digits(2, 2);
    if (!s) return std::nullopt;
    sec = *s;
    if (c.eat('.') || c.eat(',')) {
      std::size_t start = c.i;
      auto frac = c.digits(1, 9);
      if (!frac) return std::nullopt;
      std::string f(text.substr(start, c.i - start));
      f.resize(3, '0');
      ms = std::stoi(f);
    }
  }
  auto offset = iso_offset(c);
  if (!offset || !c.done()) return std::nullopt;
  return to_millis(*y, *mo, *d, *h, *mi, sec, ms, *offset);
}

constexpr std::array<std::string_view, 12> kMonths = {"jan", "feb", "mar", "apr", "may", "jun",
                                                      "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<std::string_view, 7> kDays = {"mon", "tue", "wed", "thu",
                                                   "fri", "sat", "sun"};

std::optional<int> month_of(std::string_view w) {
  for (std::size_t i = 0; i < kMonths.size(); ++i)
    if (iequals(w, kMonths[i])) return static_cast<int>(i) + 1;
  return std::nullopt;
}

// RFC 5322 §3.3 zone, or the obsolete names of §4.3 (military letters are refused: RFC 5322
// says their meaning is unknown).
std::optional<int> rfc5322_zone(Cursor& c) {
  if (c.peek() == '+' || c.peek() == '-') {
    int sign = c.eat('+') ? 1 : (c.eat('-'), -1);
    auto hhmm = c.digits(4, 4);
    if (!hhmm || *hhmm % 100 > 59) return std::nullopt;
    return sign * (*hhmm / 100 * 60 + *hhmm % 100);
  }
  std::string_view w = c.word();
  struct Zone {
    std::string_view name;
    int minutes;
  };
  constexpr Zone kZones[] = {{"UT", 0},       {"UTC", 0},      {"GMT", 0},      {"EST", -300},
                             {"EDT", -240},   {"CST", -360},   {"CDT", -300},   {"MST", -420},
                             {"MDT", -360},   {"PST", -480},   {"PDT", -420}};
  for (const Zone& z : kZones)
    if (iequals(w, z.name)) return z.minutes;
  return std::nullopt;
}

std::optional<Millis> parse_rfc5322(std::string_view text) {
  // A trailing comment such as "(UTC)" is allowed (CFWS).
  if (!text.empty() && text.back() == ')') {
    auto open = text.rfind('(');
    if (open == std::string_view::npos) return std::nullopt;
    text = text.substr(0, open);
  }
  Cursor c{text};
  c.skip_space();
  if (std::isalpha(static_cast<unsigned char>(c.peek()))) {
    std::string_view w = c.word();
    bool known = false;
    for (auto d : kDays) known = known || iequals(w, d);
    c.skip_space();
    if (!known || !c.eat(',')) return std::nullopt;
    c.skip_space();
  }
  auto d = c.digits(1, 2);
  c.skip_space();
  auto mo = month_of(c.word());
  c.skip_space();
  const std::size_t year_start = c.i;
  auto y = c.digits(2, 4);
  if (!d || !mo || !y) return std::nullopt;
  int year = *y;
  const std::size_t year_digits = c.i - year_start;  // obs-year (RFC 5322 §4.3)
  if (year_digits == 2) year += year < 50 ? 2000 : 1900;
  if (year_digits == 3) year += 1900;
  c.skip_space();
  auto h = c.digits(2, 2);
  if (!h) return std::nullopt;
  c.skip_space();
  if (!c.eat(':')) return std::nullopt;
  c.skip_space();
  auto mi = c.digits(2, 2);
  if (!mi) return std::nullopt;
  int sec = 0;
  c.skip_space();
  if (c.eat(':')) {
    c.skip_space();
    auto s = c.digits(2, 2);
    if (!s) return std::nullopt;
    sec = *s;
  }
  c.skip_space();
  auto zone = rfc5322_zone(c);
  c.skip_space();
  if (!zone || !c.done()) return std::nullopt;
  return to_millis(year, *mo, *d, *h, *mi, sec, 0, *zone);
}

}  // namespace

std::optional<Millis> parse_scheduled_at(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (text.empty() || text.size() > 100) return std::nullopt;
  if (std::isdigit(static_cast<unsigned char>(text.front())) && text.size() >= 10 &&
      text[4] == '-')
    return parse_iso8601(text);
  return parse_rfc5322(text);
}

}  // namespace postern::policy
