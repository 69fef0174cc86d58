#include "signaling/auth/EcdsaSignature.hpp"

#include <openssl/bn.h>
#include <openssl/ec.h>

#include <memory>

namespace vcb::auth {
namespace {

constexpr int kHalf = static_cast<int>(kEs256SignatureBytes / 2);

struct SigFree {
    void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); }
};
using SigPtr = std::unique_ptr<ECDSA_SIG, SigFree>;

}  // namespace

std::optional<std::string> es256RawToDer(std::string_view raw) {
    if (raw.size() != kEs256SignatureBytes) return std::nullopt;
    const auto* p = reinterpret_cast<const unsigned char*>(raw.data());
    SigPtr sig(ECDSA_SIG_new());
    BIGNUM* r = BN_bin2bn(p, kHalf, nullptr);
    BIGNUM* s = BN_bin2bn(p + kHalf, kHalf, nullptr);
    if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
        BN_free(r);
        BN_free(s);
        return std::nullopt;
    }
    const int len = i2d_ECDSA_SIG(sig.get(), nullptr);
    if (len <= 0) return std::nullopt;
    std::string der(static_cast<size_t>(len), '\0');
    auto* out = reinterpret_cast<unsigned char*>(der.data());
    if (i2d_ECDSA_SIG(sig.get(), &out) != len) return std::nullopt;
    return der;
}

std::optional<std::string> es256DerToRaw(std::string_view der) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    SigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
    if (!sig) return std::nullopt;
    const BIGNUM* r = nullptr;
    const BIGNUM* s = nullptr;
    ECDSA_SIG_get0(sig.get(), &r, &s);
    std::string raw(kEs256SignatureBytes, '\0');
    auto* out = reinterpret_cast<unsigned char*>(raw.data());
    if (BN_bn2binpad(r, out, kHalf) != kHalf || BN_bn2binpad(s, out + kHalf, kHalf) != kHalf)
        return std::nullopt;
    return raw;
}

}  // namespace vcb::auth
