// Minimal RFC 4180 CSV for the suppression list import/export: fields quoted when they hold a
// comma, a quote or a line break; quotes doubled. Lines end with CRLF or LF on input, LF on
// output. Pure functions; thread-safe.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace postern::cli {

std::string csv_line(const std::vector<std::string>& fields);  // with the trailing "\n"
// Every record of the text; an unterminated quote is an Error naming the line.
Result<std::vector<std::vector<std::string>>> parse_csv(std::string_view text);

}  // namespace postern::cli
