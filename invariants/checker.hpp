// The base of every checker (README.md, "Checkers"): an Observer that records the first
// violation of its property in the run's Verdict and counts the elementary checks it made, so the
// run summary can show how much checking a run did (a checker that checked nothing proves
// nothing). Checkers must be incremental: O(1) amortised per delivery, never a rescan of logs.
#pragma once

#include <cstdint>
#include <string_view>

#include "sim/observer.hpp"
#include "sim/verdict.hpp"

namespace ry {

class Checker : public Observer {
 public:
  explicit Checker(Verdict& verdict) noexcept : verdict_(verdict) {}
  ~Checker() override;
  Checker(const Checker&) = delete;
  Checker& operator=(const Checker&) = delete;

  // The property this checker enforces, as named in protocol/trains/README.md section 7.
  [[nodiscard]] virtual std::string_view name() const = 0;
  // One per elementary comparison or event examined.
  [[nodiscard]] std::uint64_t checks() const noexcept { return checks_; }

 protected:
  Verdict& verdict_;
  std::uint64_t checks_ = 0;
};

}  // namespace ry
