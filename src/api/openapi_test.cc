// docs/api/openapi.yaml and the routes the server knows agree both ways: every (method,
// pattern) of Api::routes() is documented, and every documented operation is a route.
// The document is read line by line in the layout it is written in (paths at two spaces,
// operations at four), which this test also enforces.
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "api/api_test_support.h"

namespace postern::api::testing {
namespace {

using Operation = std::pair<std::string, std::string>;  // (METHOD, /path/{param})

std::string read_document() {
  std::ifstream in(std::string(POSTERN_SOURCE_DIR) + "/docs/api/openapi.yaml");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::set<Operation> documented_operations(const std::string& doc) {
  std::set<Operation> out;
  std::istringstream lines(doc);
  std::string line, path;
  bool in_paths = false;
  const std::regex path_line(R"(^  (/[^:\s]*):\s*$)");
  const std::regex op_line(R"(^    (get|put|post|delete|patch|head|options):\s*$)");
  std::smatch m;
  while (std::getline(lines, line)) {
    if (!line.empty() && line[0] != ' ' && line[0] != '#') {
      in_paths = line.rfind("paths:", 0) == 0;
      continue;
    }
    if (!in_paths) continue;
    if (std::regex_match(line, m, path_line)) {
      path = m[1];
    } else if (std::regex_match(line, m, op_line)) {
      std::string method = m[1];
      for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      out.insert({method, path});
    }
  }
  return out;
}

class OpenApiTest : public ApiTest {};

TEST_F(OpenApiTest, EveryRouteIsDocumentedAndEveryDocumentedOperationIsARoute) {
  const std::string doc = read_document();
  ASSERT_FALSE(doc.empty()) << "docs/api/openapi.yaml not found";
  EXPECT_NE(doc.find("openapi: 3.0.3"), std::string::npos);
  const std::set<Operation> documented = documented_operations(doc);
  std::set<Operation> routes;
  for (const auto& r : api().routes()) routes.insert({r.method, r.pattern});
  ASSERT_GT(routes.size(), 40u);
  for (const auto& op : routes)
    EXPECT_TRUE(documented.count(op)) << "route not in openapi.yaml: " << op.first << ' ' << op.second;
  for (const auto& op : documented)
    EXPECT_TRUE(routes.count(op)) << "openapi.yaml documents what is no route: " << op.first << ' '
                                  << op.second;
}

TEST_F(OpenApiTest, DescribesBothWaysToAuthenticate) {
  const std::string doc = read_document();
  for (const char* words : {"securitySchemes:", "scheme: bearer", "in: cookie", "name: postern_session"})
    EXPECT_NE(doc.find(words), std::string::npos) << words;
}

TEST(OpenApiParserTest, ReadsTheLayout) {
  auto ops = documented_operations(
      "openapi: 3.0.3\npaths:\n  /a/{x}:\n    get:\n      summary: a\n    delete:\n"
      "  /b:\n    post:\ncomponents:\n  /not-a-path:\n    get:\n");
  EXPECT_EQ(ops, (std::set<Operation>{{"GET", "/a/{x}"}, {"DELETE", "/a/{x}"}, {"POST", "/b"}}));
}

}  // namespace
}  // namespace postern::api::testing
