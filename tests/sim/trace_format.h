// One-line descriptions of consensus events and actions for the simulator's verbose trace
// (COVALUE_SIM_VERBOSE=1). Pure functions; thread-safe.
#pragma once

#include <string>

#include "consensus/engine.h"

namespace covalue::sim {

std::string DescribeMessage(const consensus::Message& message);
std::string DescribeEvent(const consensus::Event& event);
std::string DescribeAction(const consensus::Action& action);

}  // namespace covalue::sim
