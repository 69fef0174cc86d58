#include "common/RandomId.hpp"

#include <openssl/rand.h>

namespace vcb {

// Identifiers that also act as capabilities (session URLs) come from the CSPRNG.
std::string randomHex(size_t bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    unsigned char buf[32];
    RAND_bytes(buf, static_cast<int>(bytes));
    std::string out;
    out.reserve(bytes * 2);
    for (size_t i = 0; i < bytes; ++i) {
        out += kHex[buf[i] >> 4];
        out += kHex[buf[i] & 15];
    }
    return out;
}

// ICE credentials from the CSPRNG: they authenticate connectivity checks (RFC 8445 §5.3).
// The alphabet is ice-char (RFC 8839 §5.4).
std::string randomToken(size_t length) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out(length, 'A');
    unsigned char bytes[64];
    RAND_bytes(bytes, static_cast<int>(length));
    for (size_t i = 0; i < length; ++i) out[i] = kAlphabet[bytes[i] & 63];
    return out;
}

}  // namespace vcb
