// Boost.Context fibers for code whose natural form is sequential: workload clients and scripted
// fault schedules. A fiber holds no protocol state, is resumed only by the scheduler, and never
// lets an exception cross a switch (README.md): bodies are noexcept in spirit, and an
// escaping exception is caught at the fiber's edge and turned into an assertion failure.
#pragma once

#include <boost/context/fiber.hpp>
#include <cstdint>
#include <functional>

#include "protocol/common/ids.hpp"

namespace ry {

class Fiber;

// What a fiber may ask of the scheduler that drives it.
class FiberHost {
 public:
  virtual ~FiberHost() = default;
  virtual Time now() const noexcept = 0;
  virtual void wake_later(Fiber& fiber, Nanos after_ns) = 0;
};

class Fiber {
 public:
  using Body = std::function<void(Fiber&)>;

  Fiber(FiberHost& host, std::uint32_t id, Body body);
  Fiber(const Fiber&) = delete;
  Fiber& operator=(const Fiber&) = delete;
  ~Fiber();

  // Scheduler side: runs the fiber until it yields or finishes.
  void resume();
  [[nodiscard]] bool finished() const noexcept { return finished_; }
  [[nodiscard]] std::uint32_t id() const noexcept { return id_; }
  // Counts the fiber's resumptions: a wake asked for before the last resumption is stale (a
  // wait_for's timeout after a notify), and the scheduler drops it.
  [[nodiscard]] std::uint64_t epoch() const noexcept { return epoch_; }

  // Fiber side. Both return false once the run is stopping: the body must then return promptly
  // (a fiber is never unwound by an exception, which Boost 1.74 cannot do under ASan).
  [[nodiscard]] bool sleep(Nanos duration_ns);  // true after `duration_ns` of simulated time
  [[nodiscard]] bool yield();                   // true when the scheduler resumes this fiber again
  // Sleeps until notify() or `timeout_ns`, whichever comes first; notified() then tells which.
  [[nodiscard]] bool wait_for(Nanos timeout_ns);
  [[nodiscard]] bool notified() const noexcept { return notified_; }
  // Wakes a fiber parked in wait_for at the current time (a no-op otherwise). Called by the
  // simulation (an observer that saw the awaited reply), never by the fiber itself.
  void notify();
  [[nodiscard]] bool stopping() const noexcept { return stopping_; }
  [[nodiscard]] Time now() const noexcept { return host_.now(); }

 private:
  FiberHost& host_;
  std::uint32_t id_;
  Body body_;
  boost::context::fiber self_;    // where resume() goes
  boost::context::fiber caller_;  // where yield() goes
  bool running_ = false;
  bool waiting_ = false;
  bool notified_ = false;
  std::uint64_t epoch_ = 0;
  bool stopping_ = false;
  bool finished_ = false;
};

}  // namespace ry
