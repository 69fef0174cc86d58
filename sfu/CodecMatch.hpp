#pragma once
// When two RTP codec descriptions denote a stream one side can decode what the other sends. The
// name and clock rate must agree; H.264 (RFC 6184 §8.1, as libwebrtc applies it) also needs the
// same packetization-mode (absent = 0) and the same profile from profile-level-id (absent =
// Constrained Baseline): profile_idc plus the constraint flags, the level may differ. Header-only:
// used by signaling (codec selection, answers) and the media core (Consumer mapping).
#include <array>
#include <cctype>
#include <cstdint>
#include <optional>
#include <string_view>

namespace vcb::sfu {

enum class H264Profile {
    ConstrainedBaseline,
    Baseline,
    Main,
    ConstrainedHigh,
    High,
    PredictiveHigh444,
};

namespace codecmatch_detail {

inline bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

inline std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

inline int hexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// profile_idc with a pattern over profile-iop (constraint_set0..5 flags, MSB first): 'x' = any.
struct ProfilePattern {
    uint8_t profileIdc;
    const char* iop;
    H264Profile profile;
};

inline constexpr std::array<ProfilePattern, 9> kProfilePatterns{{
    {0x42, "x1xx0000", H264Profile::ConstrainedBaseline},
    {0x4D, "1xxx0000", H264Profile::ConstrainedBaseline},
    {0x58, "11xx0000", H264Profile::ConstrainedBaseline},
    {0x42, "x0xx0000", H264Profile::Baseline},
    {0x58, "10xx0000", H264Profile::Baseline},
    {0x4D, "0x0x0000", H264Profile::Main},
    {0x64, "00000000", H264Profile::High},
    {0x64, "00001100", H264Profile::ConstrainedHigh},
    {0xF4, "00000000", H264Profile::PredictiveHigh444},
}};

inline bool matchesIop(const char* pattern, uint8_t iop) {
    for (int bit = 0; bit < 8; ++bit) {
        const bool set = (iop & (0x80 >> bit)) != 0;
        if (pattern[bit] == '1' && !set) return false;
        if (pattern[bit] == '0' && set) return false;
    }
    return true;
}

}  // namespace codecmatch_detail

// The value of key in "a=1;b=2" fmtp parameters (case-insensitive key), if present.
inline std::optional<std::string_view> fmtpValue(std::string_view fmtp, std::string_view key) {
    while (!fmtp.empty()) {
        const size_t end = fmtp.find(';');
        std::string_view item = fmtp.substr(0, end);
        fmtp = end == std::string_view::npos ? std::string_view{} : fmtp.substr(end + 1);
        const size_t eq = item.find('=');
        if (eq == std::string_view::npos) continue;
        if (codecmatch_detail::iequals(codecmatch_detail::trim(item.substr(0, eq)), key)) {
            return codecmatch_detail::trim(item.substr(eq + 1));
        }
    }
    return std::nullopt;
}

// The profile a profile-level-id ("42e01f") denotes; nullopt if malformed or unknown.
inline std::optional<H264Profile> h264ProfileFromId(std::string_view id) {
    if (id.size() != 6) return std::nullopt;
    std::array<uint8_t, 3> bytes{};
    for (size_t i = 0; i < 3; ++i) {
        const int hi = codecmatch_detail::hexDigit(id[2 * i]);
        const int lo = codecmatch_detail::hexDigit(id[2 * i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        bytes[i] = static_cast<uint8_t>(hi << 4 | lo);
    }
    for (const auto& p : codecmatch_detail::kProfilePatterns) {
        if (p.profileIdc == bytes[0] && codecmatch_detail::matchesIop(p.iop, bytes[1])) {
            return p.profile;
        }
    }
    return std::nullopt;
}

// The profile of an H.264 fmtp line; absent profile-level-id means Constrained Baseline.
inline std::optional<H264Profile> h264Profile(std::string_view fmtp) {
    const auto id = fmtpValue(fmtp, "profile-level-id");
    return id ? h264ProfileFromId(*id) : H264Profile::ConstrainedBaseline;
}

// packetization-mode of an H.264 fmtp line ("0" when absent); nullopt if not 0, 1 or 2.
inline std::optional<int> h264PacketizationMode(std::string_view fmtp) {
    const auto mode = fmtpValue(fmtp, "packetization-mode");
    if (!mode) return 0;
    if (*mode == "0") return 0;
    if (*mode == "1") return 1;
    if (*mode == "2") return 2;
    return std::nullopt;
}

// Same H.264 format: same packetization-mode and same (known) profile; the level may differ.
inline bool h264SameFormat(std::string_view fmtpA, std::string_view fmtpB) {
    const auto modeA = h264PacketizationMode(fmtpA);
    const auto profileA = h264Profile(fmtpA);
    return modeA && profileA && modeA == h264PacketizationMode(fmtpB) &&
           profileA == h264Profile(fmtpB);
}

// Whether a stream described by (name, clockRate, fmtp) of one side may be sent to a peer that
// negotiated the other: same name (case-insensitive) and clock rate, and for H.264 the same format.
inline bool codecsMatch(std::string_view nameA, uint32_t clockRateA, std::string_view fmtpA,
                        std::string_view nameB, uint32_t clockRateB, std::string_view fmtpB) {
    if (!codecmatch_detail::iequals(nameA, nameB) || clockRateA != clockRateB) return false;
    if (codecmatch_detail::iequals(nameA, "H264")) return h264SameFormat(fmtpA, fmtpB);
    return true;
}

}  // namespace vcb::sfu
