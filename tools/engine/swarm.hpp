// Swarm testing (Groce et al., ISSTA 2012; TigerBeetle's VOPR): instead of every run facing every
// fault at a middling rate, each seed switches whole fault kinds on or off and picks how hard the
// ones left on hit. A batch of seeds then covers mixes that one fixed profile never reaches (a
// lossless network with many partitions; heavy duplication with no crashes). The mix is a pure
// function of the seed, drawn from its own stream so that it shifts nothing else, printed at the
// start of a run and written into the trace header.
#pragma once

#include <cstdint>
#include <string>

#include "sim/nemesis.hpp"
#include "sim/network.hpp"

namespace ry {

struct RunOptions;

struct SwarmMix {
  LinkModel link;  // loss, duplication, spikes, FIFO or reordering, latency spread
  std::int64_t drift_ppm_max = 0;
  NemesisOptions nemesis;
};

// The mix of this run: `options` gives the seed, the protocol and the base latency.
SwarmMix draw_swarm(const RunOptions& options);

// One line: "loss 2000 ppm, no duplication, spikes 1%/5 ms, reordering, drift 300 ppm;
// nemesis every 10-60 ms, up to 2 at once: crash, partition, clog".
std::string describe(const SwarmMix& mix);
// A JSON object with the same content, for the trace header.
std::string to_json(const SwarmMix& mix);

}  // namespace ry
