#pragma once
// Demultiplexing of one received datagram by its first byte (RFC 7983 §7, RFC 5764 §5.1.2):
//
//                  +----------------+
//                  |        [0..3] -+--> STUN
//                  |                |
//                  |      [16..19] -+--> ZRTP       (Unknown here)
//      packet -->  |                |
//                  |      [20..63] -+--> DTLS
//                  |                |
//                  |      [64..79] -+--> TURN Channel (Unknown here)
//                  |                |
//                  |    [128..191] -+--> RTP/RTCP
//                  +----------------+
//
// RTP and RTCP share the port (RFC 5761 §4): a second byte of 192..223 (RTCP packet types SR..XR
// and the range reserved for them) means RTCP, anything else RTP.
#include <cstddef>
#include <cstdint>
#include <span>

namespace vcb::rtp {

enum class PacketType { Stun, Dtls, Rtp, Rtcp, Unknown };

inline constexpr size_t kMinStunSize = 20;
inline constexpr size_t kMinDtlsSize = 13;
inline constexpr size_t kMinRtpSize = 12;
inline constexpr size_t kMinRtcpSize = 8;

// Too-short datagrams are Unknown, so callers can drop them without further checks.
PacketType classifyPacket(const uint8_t* data, size_t len);

inline PacketType classifyPacket(std::span<const uint8_t> datagram) {
    return classifyPacket(datagram.data(), datagram.size());
}

const char* toString(PacketType type);

}  // namespace vcb::rtp
