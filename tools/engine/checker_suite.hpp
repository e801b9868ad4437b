// The checkers of one run, owned in one place: a driver adds each with add<C>(args...) (the
// checker gets the run's Verdict first), the suite registers it with the world (as a typed
// message observer too when it is one) and sums their checks for the summary. Tests get the
// same suite through the Harness, so no test wires checkers by hand.
#pragma once

#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "invariants/checker.hpp"
#include "sim/world.hpp"

namespace ry {

template <class Core>
class CheckerSuite {
 public:
  using Message = typename Core::Message;

  CheckerSuite(World<Core>& world, Verdict& verdict) : world_(world), verdict_(verdict) {}
  CheckerSuite(const CheckerSuite&) = delete;
  CheckerSuite& operator=(const CheckerSuite&) = delete;

  template <class C, class... Args>
  C& add(Args&&... args) {
    auto checker = std::make_unique<C>(verdict_, std::forward<Args>(args)...);
    C& ref = *checker;
    world_.add_observer(&ref);
    if constexpr (std::is_base_of_v<MessageObserver<Message>, C>) world_.add_message_observer(&ref);
    checkers_.push_back(std::move(checker));
    return ref;
  }

  [[nodiscard]] std::uint64_t checks() const {
    std::uint64_t total = 0;
    for (const auto& c : checkers_) total += c->checks();
    return total;
  }
  [[nodiscard]] std::size_t size() const noexcept { return checkers_.size(); }
  [[nodiscard]] Verdict& verdict() noexcept { return verdict_; }

 private:
  World<Core>& world_;
  Verdict& verdict_;
  std::vector<std::unique_ptr<Checker>> checkers_;
};

}  // namespace ry
