#pragma once
// SHA-256 certificate fingerprints as used in SDP "a=fingerprint:sha-256 AB:CD:..." (RFC 8122).
#include <openssl/x509.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vcb::dtls {

using Sha256Fingerprint = std::array<uint8_t, 32>;

// Digest of the DER encoding of cert; nullopt if cert is null or hashing fails.
std::optional<Sha256Fingerprint> sha256Fingerprint(const X509* cert);

// "AB:CD:..." (uppercase hex, colon separated).
std::string formatFingerprint(const Sha256Fingerprint& fingerprint);

// Parses "ab:CD:..." (case-insensitive, exactly 32 colon-separated hex pairs).
std::optional<Sha256Fingerprint> parseFingerprint(std::string_view text);

}  // namespace vcb::dtls
