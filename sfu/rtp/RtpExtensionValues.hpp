#pragma once
// Encoders/decoders for the values of the header extensions vcbridge uses. Values are the element
// data only (what RtpPacket::findExtension returns / RtpExtensionElement::value holds).
//
// ssrc-audio-level (RFC 6464 §3), 1 byte:     abs-send-time, 3 bytes, 6.18 fixed-point seconds:
//  0 1 2 3 4 5 6 7                            +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// +-+-+-+-+-+-+-+-+                           |  seconds (6)  |       fraction (18)          |
// |V|   level     |  V = voice activity        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// +-+-+-+-+-+-+-+-+  level = -dBov, 0..127
//
// transport-wide-cc-01, 2 bytes:              sdes:mid (RFC 8843 §15), rtp-stream-id (RFC 8852):
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+           the identifier's ASCII bytes, 1..255 bytes.
// |  transport-wide sequence number |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace vcb::rtp {

struct AudioLevel {
    bool voiceActivity = false;
    uint8_t level = 127;  // -dBov: 0 is loudest, 127 silence
};

inline constexpr size_t kAudioLevelSize = 1;
inline constexpr size_t kAbsSendTimeSize = 3;
inline constexpr size_t kTransportSequenceNumberSize = 2;
inline constexpr size_t kMaxStringExtensionSize = 255;

std::optional<AudioLevel> readAudioLevel(std::span<const uint8_t> value);
// Levels above 127 are clamped. Returns bytes written (1) or 0 if `out` is too small.
size_t writeAudioLevel(std::span<uint8_t> out, AudioLevel level);

// 24-bit abs-send-time for a microsecond clock (wraps every 64 s).
uint32_t absSendTimeFromMicros(uint64_t micros);
// Inverse within one 64 s period.
uint64_t absSendTimeToMicros(uint32_t absSendTime);
std::optional<uint32_t> readAbsSendTime(std::span<const uint8_t> value);
size_t writeAbsSendTime(std::span<uint8_t> out, uint32_t absSendTime);

std::optional<uint16_t> readTransportSequenceNumber(std::span<const uint8_t> value);
size_t writeTransportSequenceNumber(std::span<uint8_t> out, uint16_t seq);

// MID: RFC 4566 token characters. RID: RFC 8851 alphanumerics, '-' and '_'. Trailing NUL bytes
// (sent by some libwebrtc versions) are ignored. Returns a view into `value`.
std::optional<std::string_view> readMid(std::span<const uint8_t> value);
std::optional<std::string_view> readRid(std::span<const uint8_t> value);
// Copies a MID/RID; returns its length, or 0 if empty, > 255 bytes or `out` too small.
size_t writeStringExtension(std::span<uint8_t> out, std::string_view text);

}  // namespace vcb::rtp
