// One export format: it sees the trace's header, then every event line in order, then the
// footer, and appends its output to a buffer that the driver (export.hpp) writes out as it
// grows. An exporter keeps only what its format needs (open client operations, messages in
// flight, one vector clock per node), never the whole trace: memory does not grow with the
// trace's length. Bad input is an InputError naming the field; the driver adds file and line.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "traces/export/event_line.hpp"
#include "traces/text_buffer.hpp"

namespace ry::exp {

struct Options {
  // mermaid: the largest diagram written (messages, and characters: mermaid refuses to draw
  // more than 50,000 by default); a longer run is refused unless a step window is given.
  std::uint64_t messages_max = 200;
  std::uint64_t chars_max = 50'000;
  std::uint64_t first_step = 0;
  std::uint64_t last_step = UINT64_MAX;
};

class Exporter {
 public:
  virtual ~Exporter() = default;
  virtual void header(const nlohmann::json& header, TextBuffer& out) = 0;
  virtual void event(const EventLine& e, TextBuffer& out) = 0;
  virtual void footer(const nlohmann::json& footer, TextBuffer& out) = 0;
};

std::unique_ptr<Exporter> make_chrome();
std::unique_ptr<Exporter> make_shiviz();
std::unique_ptr<Exporter> make_porcupine();
std::unique_ptr<Exporter> make_edn();
std::unique_ptr<Exporter> make_mermaid(const Options& options);
std::unique_ptr<Exporter> make_itf();

// Text helpers shared by the formats.
inline void put(TextBuffer& out, std::string_view s) { out.append(s.data(), s.size()); }
void put_int(TextBuffer& out, std::int64_t v);
// A JSON string literal, quotes included.
void put_json_string(TextBuffer& out, std::string_view s);
// Integer nanoseconds as microseconds with three decimals ("1234.567"): exact, no floating point.
void put_us(TextBuffer& out, std::int64_t ns);

// The run's node count from the header's config ("nodes"); throws InputError if absent.
std::uint32_t node_count(const nlohmann::json& header);

}  // namespace ry::exp
