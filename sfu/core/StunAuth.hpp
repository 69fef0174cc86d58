#pragma once
// The cryptographic half of STUN short-term credentials (RFC 5389 §10.1.2, §15.4, §15.5):
// MESSAGE-INTEGRITY is HMAC-SHA1 keyed with the ICE password, FINGERPRINT is CRC-32 XOR
// 0x5354554e. Parsing and layout stay in the I/O-free vcb_rtp library.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sfu/rtp/StunMessage.hpp"
#include "sfu/rtp/StunMessageWriter.hpp"

namespace vcb::sfu {

// True if the message carries a MESSAGE-INTEGRITY that matches key. Constant-time compare.
bool verifyMessageIntegrity(const rtp::StunMessage& message, std::string_view key);
// True if FINGERPRINT is absent or correct (ICE requires it, but libnice-era peers may omit it).
bool verifyFingerprintIfPresent(const rtp::StunMessage& message);
// True if FINGERPRINT is present, last and correct: what RFC 8445 §7.3 requires of a check.
bool verifyFingerprint(const rtp::StunMessage& message);
// Appends MESSAGE-INTEGRITY (keyed with key) and FINGERPRINT. False if the buffer is full.
bool signStunMessage(rtp::StunMessageWriter& writer, std::string_view key);
// The two halves of signStunMessage, for callers that put something between them (tests).
bool appendMessageIntegrity(rtp::StunMessageWriter& writer, std::string_view key);
bool appendFingerprint(rtp::StunMessageWriter& writer);

}  // namespace vcb::sfu
