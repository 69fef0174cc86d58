#pragma once
// The value-or-error result, shared with rooms/ (sfu/core/Expected.hpp).
#include "sfu/core/Expected.hpp"

namespace vcb::signaling {
using vcb::Expected;
}  // namespace vcb::signaling
