#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vcb::signaling {

// Decodes %XX escapes. Returns nullopt for a truncated or non-hex escape and for a decoded NUL,
// which no legitimate path or query carries. `plusIsSpace` applies form encoding (queries only).
std::optional<std::string> percentDecode(std::string_view in, bool plusIsSpace = false);

}  // namespace vcb::signaling
