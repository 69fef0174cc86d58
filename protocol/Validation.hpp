#pragma once
// Syntax checks shared by the WebSocket protocol and the WHIP/WHEP URL routes.
#include <string_view>

namespace vcb::protocol {

// [A-Za-z0-9_-]{1,64}
bool isValidMeetingId(std::string_view id);
// 1..64 bytes of well-formed UTF-8 without control characters.
bool isValidDisplayName(std::string_view name);
// Participant and track ids: 1..128 RFC 4566 token characters (a mid is a token, and track ids
// are "<participantId>-<mid>").
bool isValidId(std::string_view id);
// Well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF).
bool isValidUtf8(std::string_view text);

}  // namespace vcb::protocol
