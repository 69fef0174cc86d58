#pragma once
// JSON encoding of the GET /ws protocol (docs/protocol.md).
//
// Server side: parseClientMessage() + serialize(const ServerMessage&).
// Client side: parseServerMessage() + serialize(const ClientMessage&).
//
// Parsing is strict: frames over 64 KiB → too_large; invalid JSON, invalid UTF-8 or nesting
// deeper than 16 → bad_json; not an object, missing/mistyped/out-of-range fields → bad_message
// (an sdp over 64 KiB or more than 256 trackIds → too_large); an unknown "type" → unknown_type.
// Unknown extra fields are ignored so that clients can add fields without breaking old servers.
#include <string>
#include <string_view>

#include "protocol/ClientMessages.hpp"
#include "protocol/ParseResult.hpp"
#include "protocol/ServerMessages.hpp"

namespace vcb::protocol {

ParseResult<ClientMessage> parseClientMessage(std::string_view frame);
ParseResult<ServerMessage> parseServerMessage(std::string_view frame);

std::string serialize(const ClientMessage& message);
std::string serialize(const ServerMessage& message);

// The "type" string of a message, e.g. "join", "offer".
std::string_view typeName(const ClientMessage& message);
std::string_view typeName(const ServerMessage& message);

std::string_view toString(PcRole role);
std::string_view toString(TrackKind kind);
std::string_view toString(TrackSource source);

}  // namespace vcb::protocol
