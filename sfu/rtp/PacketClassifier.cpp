#include "sfu/rtp/PacketClassifier.hpp"

namespace vcb::rtp {

PacketType classifyPacket(const uint8_t* data, size_t len) {
    if (data == nullptr || len == 0) {
        return PacketType::Unknown;
    }
    const uint8_t b = data[0];
    if (b <= 3) {
        return len >= kMinStunSize ? PacketType::Stun : PacketType::Unknown;
    }
    if (b >= 20 && b <= 63) {
        return len >= kMinDtlsSize ? PacketType::Dtls : PacketType::Unknown;
    }
    if (b >= 128 && b <= 191) {
        if (len < 2) {
            return PacketType::Unknown;
        }
        const uint8_t pt = data[1];
        if (pt >= 192 && pt <= 223) {
            return len >= kMinRtcpSize ? PacketType::Rtcp : PacketType::Unknown;
        }
        return len >= kMinRtpSize ? PacketType::Rtp : PacketType::Unknown;
    }
    return PacketType::Unknown;
}

const char* toString(PacketType type) {
    switch (type) {
        case PacketType::Stun:
            return "stun";
        case PacketType::Dtls:
            return "dtls";
        case PacketType::Rtp:
            return "rtp";
        case PacketType::Rtcp:
            return "rtcp";
        case PacketType::Unknown:
            break;
    }
    return "unknown";
}

}  // namespace vcb::rtp
