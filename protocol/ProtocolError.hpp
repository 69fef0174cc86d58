#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "protocol/ErrorCode.hpp"

namespace vcb::protocol {

// Why an incoming frame was refused. requestId is set when the frame was a JSON object carrying a
// valid numeric requestId, so the server can echo it in its `error` reply.
struct ProtocolError {
    ErrorCode code = ErrorCode::BadMessage;
    std::string message;
    std::optional<std::int64_t> requestId;

    bool operator==(const ProtocolError&) const = default;
};

}  // namespace vcb::protocol
