#pragma once
// Random identifiers from OpenSSL's CSPRNG, for ids that also act as capabilities (session URLs,
// ICE credentials).
#include <cstddef>
#include <string>

namespace vcb {

// `bytes` random bytes (at most 32) as lower-case hex.
std::string randomHex(size_t bytes);

// `length` random characters (at most 64) of the ice-char alphabet (RFC 8839 §5.4).
std::string randomToken(size_t length);

}  // namespace vcb
