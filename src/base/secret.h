// Secret: a password or key held in memory. It is wiped on destruction and has no
// stream operator, so it cannot be logged by accident. Compare with constant_time_equal.
#pragma once
#include <string>
#include <string_view>

namespace postern {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  Secret(const Secret& other) : value_(other.value_) {}
  Secret(Secret&& other) noexcept : value_(std::move(other.value_)) { other.wipe(); }
  Secret& operator=(const Secret& other);
  Secret& operator=(Secret&& other) noexcept;
  ~Secret() { wipe(); }

  // Deliberately verbose: every read of the plaintext is visible in the code.
  std::string_view reveal() const { return value_; }
  bool empty() const { return value_.empty(); }
  std::size_t size() const { return value_.size(); }
  void wipe();

 private:
  std::string value_;
};

bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace postern
