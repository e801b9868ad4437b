// The witness check: when the history says in what order the replicated state machine applied
// each operation (`applied`, equal at every replica), that order is a proposed linearization.
// Checking it is linear: it must respect real time (an op that returned before another was
// invoked comes first) and the model. Only a refuted witness sends the key to the search, whose
// verdict is the answer (the witness may be wrong where the history is still linearizable: a
// protocol can apply a read at a position that is not its linearization point).
#pragma once

#include <cstdint>
#include <vector>

#include "invariants/history/model.hpp"

namespace ry::lin {

enum class WitnessVerdict : std::uint8_t { absent, verified, refuted };

// `ops` are one key's operations as the search takes them. The witness is absent unless every
// ok op carries `applied`; info ops without one are taken as never applied.
WitnessVerdict check_witness(const Model& model, const std::vector<const HistoryOp*>& ops);

}  // namespace ry::lin
