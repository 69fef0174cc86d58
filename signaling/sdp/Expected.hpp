#pragma once
// Signaling's name for the generic value-or-error result (common/Expected.hpp).
#include "common/Expected.hpp"

namespace vcb::signaling {

template <typename T, typename E>
using Expected = ::vcb::Expected<T, E>;

}  // namespace vcb::signaling
