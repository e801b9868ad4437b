// Hand-written histories for the checker's tests: one call per operation, times in ns.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "invariants/history/history.hpp"

namespace ry::test {

inline constexpr std::optional<std::int64_t> info = std::nullopt;

class HistoryBuilder {
 public:
  HistoryBuilder& write(std::uint64_t p, std::string v, std::int64_t inv,
                        std::optional<std::int64_t> ret, std::string key = {}) {
    return add(p, OpKind::write, std::move(key), std::move(v), {}, std::nullopt, inv, ret);
  }
  HistoryBuilder& read(std::uint64_t p, std::optional<std::string> out, std::int64_t inv,
                       std::optional<std::int64_t> ret, std::string key = {}) {
    return add(p, OpKind::read, std::move(key), {}, {}, std::move(out), inv, ret);
  }
  HistoryBuilder& cas(std::uint64_t p, std::string from, std::string to, std::int64_t inv,
                      std::optional<std::int64_t> ret) {
    return add(p, OpKind::cas, {}, std::move(to), std::move(from), std::nullopt, inv, ret);
  }
  HistoryBuilder& put(std::uint64_t p, std::string key, std::string v, std::int64_t inv,
                      std::optional<std::int64_t> ret) {
    return add(p, OpKind::put, std::move(key), std::move(v), {}, std::nullopt, inv, ret);
  }
  HistoryBuilder& append(std::uint64_t p, std::string key, std::string v, std::int64_t inv,
                         std::optional<std::int64_t> ret) {
    return add(p, OpKind::append, std::move(key), std::move(v), {}, std::nullopt, inv, ret);
  }
  HistoryBuilder& get(std::uint64_t p, std::string key, std::optional<std::string> out,
                      std::int64_t inv, std::optional<std::int64_t> ret) {
    return add(p, OpKind::get, std::move(key), {}, {}, std::move(out), inv, ret);
  }
  // The last op failed (definitely did not happen).
  HistoryBuilder& failed() {
    h_.ops.back().outcome = OpOutcome::fail;
    return *this;
  }
  HistoryBuilder& applied(std::uint64_t position) {
    h_.ops.back().applied = position;
    return *this;
  }
  [[nodiscard]] History build() const { return h_; }

 private:
  HistoryBuilder& add(std::uint64_t p, OpKind f, std::string key, std::string value,
                      std::string expected, std::optional<std::string> out, std::int64_t inv,
                      std::optional<std::int64_t> ret) {
    HistoryOp op;
    op.process = p;
    op.op = Operation{f, std::move(key), std::move(value), std::move(expected)};
    op.keyed = !op.op.key.empty();
    op.invoke_ns = inv;
    op.complete_ns = ret;
    op.outcome = ret ? OpOutcome::ok : OpOutcome::info;
    op.output = std::move(out);
    op.invoke_line = ++line_;
    op.complete_line = ret ? ++line_ : 0;
    h_.ops.push_back(std::move(op));
    return *this;
  }

  History h_;
  std::uint64_t line_ = 0;
};

}  // namespace ry::test
