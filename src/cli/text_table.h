// A plain-text table for the human form of list commands: a header row, then one row per
// record, columns padded to their widest cell and separated by two spaces. Pure formatting.
#pragma once
#include <iosfwd>
#include <string>
#include <vector>

namespace postern::cli {

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header);
  void add_row(std::vector<std::string> row);  // missing cells are printed empty
  void print(std::ostream& out) const;

 private:
  std::vector<std::vector<std::string>> rows_;  // rows_[0] is the header
};

}  // namespace postern::cli
