// The client operations of a trace (its invoke, ok, fail and info lines; traces/HISTORY.md),
// paired by client as the history formats need them: an invocation is kept until its
// completion, so memory grows with the operations open at once, never with the trace.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "traces/export/event_line.hpp"

namespace ry::exp {

struct ClientOp {
  std::int64_t client = 0;
  std::int64_t node = 0;
  std::int64_t seq = 0;
  std::int64_t invoke_ns = 0;
  std::uint64_t invoke_step = 0;
  std::string f;
  bool keyed = false;
  std::string key;
  bool has_value = false;  // writes: the value written; cas: the new value
  std::string value;
  std::string expected;  // cas: the value it expects
  std::int64_t bytes = 0;
};

// How an operation ended, from its completion line.
struct Completion {
  std::string type;  // ok, fail, info
  bool has_output = false;
  std::string output;  // a read's result ("" when the trace leaves it out: the initial value)
  std::string error;
  std::int64_t applied = 0;
};

[[nodiscard]] inline bool is_read(const std::string& f) { return f == "read" || f == "get"; }

class ClientOps {
 public:
  // An invoke line; throws InputError if the client already has an operation open.
  const ClientOp& invoke(const EventLine& e);
  // A completion line: the operation it completes, and how. Throws InputError if the client has
  // none open or it names another operation.
  ClientOp complete(const EventLine& e, Completion& how);
  // Operations still open, by client.
  [[nodiscard]] const std::map<std::int64_t, ClientOp>& open() const noexcept { return open_; }

 private:
  std::map<std::int64_t, ClientOp> open_;
};

}  // namespace ry::exp
