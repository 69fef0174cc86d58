#include "sfu/dtls/Fingerprint.hpp"

#include <openssl/evp.h>

namespace vcb::dtls {

namespace {

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::optional<Sha256Fingerprint> sha256Fingerprint(const X509* cert) {
    if (cert == nullptr) return std::nullopt;
    Sha256Fingerprint out{};
    unsigned int len = 0;
    if (X509_digest(cert, EVP_sha256(), out.data(), &len) != 1 || len != out.size()) {
        return std::nullopt;
    }
    return out;
}

std::string formatFingerprint(const Sha256Fingerprint& fingerprint) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string text;
    text.reserve(fingerprint.size() * 3);
    for (size_t i = 0; i < fingerprint.size(); ++i) {
        if (i != 0) text.push_back(':');
        text.push_back(kHex[fingerprint[i] >> 4]);
        text.push_back(kHex[fingerprint[i] & 0x0f]);
    }
    return text;
}

std::optional<Sha256Fingerprint> parseFingerprint(std::string_view text) {
    Sha256Fingerprint out{};
    // 32 pairs and 31 colons.
    if (text.size() != out.size() * 3 - 1) return std::nullopt;
    for (size_t i = 0; i < out.size(); ++i) {
        const size_t pos = i * 3;
        if (i != 0 && text[pos - 1] != ':') return std::nullopt;
        const int hi = hexValue(text[pos]);
        const int lo = hexValue(text[pos + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out[i] = static_cast<uint8_t>((hi << 4) | lo);
    }
    return out;
}

}  // namespace vcb::dtls
