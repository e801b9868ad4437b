#include "sim/fiber.hpp"

#include <exception>
#include <utility>

#include "protocol/common/assert.hpp"

namespace ry {

namespace ctx = boost::context;

Fiber::Fiber(FiberHost& host, std::uint32_t id, Body body)
    : host_(host), id_(id), body_(std::move(body)) {
  self_ = ctx::fiber{[this](ctx::fiber&& caller) {
    caller_ = std::move(caller);
    bool threw = false;
    try {
      body_(*this);
    } catch (...) {
      threw = true;  // never let an exception cross a context switch
    }
    RY_ASSERT(!threw);
    finished_ = true;
    return std::move(caller_);
  }};
}

Fiber::~Fiber() {
  // A body still waiting when the run ends is resumed with stopping set, and returns.
  stopping_ = true;
  for (int attempt = 0; !finished_ && self_ && attempt < 1000; ++attempt) resume();
  RY_ASSERT(finished_ || !self_);
}

void Fiber::resume() {
  RY_ASSERT(!finished_ && !running_);
  running_ = true;
  ++epoch_;
  self_ = std::move(self_).resume();
  running_ = false;
}

bool Fiber::yield() {
  RY_ASSERT(running_);
  if (stopping_) return false;
  caller_ = std::move(caller_).resume();
  return !stopping_;
}

bool Fiber::sleep(Nanos duration_ns) {
  RY_ASSERT(duration_ns >= 0);
  if (stopping_) return false;
  host_.wake_later(*this, duration_ns);
  return yield();
}

bool Fiber::wait_for(Nanos timeout_ns) {
  RY_ASSERT(timeout_ns >= 0 && !waiting_);
  notified_ = false;
  if (stopping_) return false;
  waiting_ = true;
  host_.wake_later(*this, timeout_ns);
  const bool go_on = yield();
  waiting_ = false;
  return go_on;
}

void Fiber::notify() {
  if (!waiting_ || notified_) return;
  notified_ = true;
  host_.wake_later(*this, 0);
}

}  // namespace ry
