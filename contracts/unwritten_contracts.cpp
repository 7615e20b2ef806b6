// Placeholders for contracts not written yet: each refuses with `unknown_kind`. Each one is
// removed from here when its kind's file defines it (contracts/kinds.h).
#include "contracts/kinds.h"

namespace covalue::contracts {

#define COVALUE_NOT_YET(name)                                                     \
  TxOutcome name(const ledger::Transaction&, const TxContext&, StateOverlay&) {  \
    return Rejected(Code::kUnknownKind, "this kind has no contract yet");         \
  }

}  // namespace covalue::contracts
