#include "sfu/rtp/RtpExtensionValues.hpp"

#include <cstring>

#include "sfu/rtp/ByteOrder.hpp"

namespace vcb::rtp {

namespace {

bool isTokenChar(uint8_t c) {
    // RFC 4566 token-char: %x21 / %x23-27 / %x2A-2B / %x2D-2E / %x30-39 / %x41-5A / %x5E-7E
    return c == 0x21 || (c >= 0x23 && c <= 0x27) || c == 0x2A || c == 0x2B || c == 0x2D ||
           c == 0x2E || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) ||
           (c >= 0x5E && c <= 0x7E);
}

bool isRidChar(uint8_t c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
           c == '_';
}

std::optional<std::string_view> readIdentifier(std::span<const uint8_t> value,
                                               bool (*valid)(uint8_t)) {
    size_t len = value.size();
    while (len > 0 && value[len - 1] == 0) {
        --len;
    }
    if (len == 0 || len > kMaxStringExtensionSize) {
        return std::nullopt;
    }
    for (size_t i = 0; i < len; ++i) {
        if (!valid(value[i])) {
            return std::nullopt;
        }
    }
    return std::string_view(reinterpret_cast<const char*>(value.data()), len);
}

}  // namespace

std::optional<AudioLevel> readAudioLevel(std::span<const uint8_t> value) {
    if (value.size() < kAudioLevelSize) {
        return std::nullopt;
    }
    return AudioLevel{(value[0] & 0x80) != 0, static_cast<uint8_t>(value[0] & 0x7F)};
}

size_t writeAudioLevel(std::span<uint8_t> out, AudioLevel level) {
    if (out.size() < kAudioLevelSize) {
        return 0;
    }
    const uint8_t clamped = level.level > 127 ? 127 : level.level;
    out[0] = static_cast<uint8_t>((level.voiceActivity ? 0x80 : 0) | clamped);
    return kAudioLevelSize;
}

uint32_t absSendTimeFromMicros(uint64_t micros) {
    // 18 fractional bits: seconds * 2^18, computed without overflowing for any realistic clock.
    const uint64_t seconds = micros / 1000000;
    const uint64_t rem = micros % 1000000;
    const uint64_t fixed = (seconds << 18) + ((rem << 18) + 500000) / 1000000;
    return static_cast<uint32_t>(fixed & 0xFFFFFF);
}

uint64_t absSendTimeToMicros(uint32_t absSendTime) {
    const uint64_t v = absSendTime & 0xFFFFFF;
    return (v * 1000000 + (1 << 17)) >> 18;
}

std::optional<uint32_t> readAbsSendTime(std::span<const uint8_t> value) {
    if (value.size() != kAbsSendTimeSize) {
        return std::nullopt;
    }
    return readU24(value.data());
}

size_t writeAbsSendTime(std::span<uint8_t> out, uint32_t absSendTime) {
    if (out.size() < kAbsSendTimeSize) {
        return 0;
    }
    writeU24(out.data(), absSendTime & 0xFFFFFF);
    return kAbsSendTimeSize;
}

std::optional<uint16_t> readTransportSequenceNumber(std::span<const uint8_t> value) {
    // Version 2 of the extension appends 2 optional bytes; the sequence number stays first.
    if (value.size() != 2 && value.size() != 4) {
        return std::nullopt;
    }
    return readU16(value.data());
}

size_t writeTransportSequenceNumber(std::span<uint8_t> out, uint16_t seq) {
    if (out.size() < kTransportSequenceNumberSize) {
        return 0;
    }
    writeU16(out.data(), seq);
    return kTransportSequenceNumberSize;
}

std::optional<std::string_view> readMid(std::span<const uint8_t> value) {
    return readIdentifier(value, isTokenChar);
}

std::optional<std::string_view> readRid(std::span<const uint8_t> value) {
    return readIdentifier(value, isRidChar);
}

size_t writeStringExtension(std::span<uint8_t> out, std::string_view text) {
    if (text.empty() || text.size() > kMaxStringExtensionSize || text.size() > out.size()) {
        return 0;
    }
    std::memcpy(out.data(), text.data(), text.size());
    return text.size();
}

}  // namespace vcb::rtp
