// Join tokens (Authorization: Bearer / the WebSocket join's "token"): arbitrary bytes verified by
// an HS256 and an ES256 JwtVerifier, the same bytes read as claims JSON, and the same bytes as a
// payload freshly signed with the HS256 key, so that claims handling is reached without forging
// signatures. Accepting must imply every claim rule; refusing must carry a stable code.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "signaling/auth/Base64Url.hpp"
#include "signaling/auth/JwtSigner.hpp"
#include "signaling/auth/JwtToken.hpp"
#include "signaling/auth/JwtVerifier.hpp"
#include "tests/fuzz/FuzzCheck.hpp"

namespace {

using namespace vcb::auth;

// Must match tests/fuzz/make_seeds.py, which signs the seed tokens.
constexpr int64_t kNow = 1'800'000'000;
constexpr int64_t kLeeway = 30;
constexpr std::string_view kSecret = "fuzz-jwt-hs256-secret-0123456789abcdef";
constexpr std::string_view kMeeting = "m1";
// A throwaway P-256 key: its private half is in make_seeds.py, for the seeds only.
constexpr std::string_view kEsPublicKey = R"(-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEofYC9Bvm80dnk7lAFOBjMIRdbkg
up++V4EoYp2XPRyVKv0qut9zBtrLI/YG5Q36Dun1cyxdLlcuMBBrRueOrQ==
-----END PUBLIC KEY-----
)";

template <typename T>
T orDie(std::optional<T> v, const std::string& error) {
    if (!v) {
        std::fprintf(stderr, "fuzz_jwt: %s\n", error.c_str());
        std::abort();
    }
    return std::move(*v);
}

const JwtVerifier& hsVerifier() {
    static const JwtVerifier v = [] {
        std::string error;
        return JwtVerifier(orDie(JwtKey::fromSecret(std::string(kSecret), error), error),
                           {"", "", kLeeway});
    }();
    return v;
}

const JwtVerifier& esVerifier() {
    static const JwtVerifier v = [] {
        std::string error;
        return JwtVerifier(
            orDie(JwtKey::fromPublicKeyPem(JwtAlgorithm::ES256, kEsPublicKey, error), error),
            {"vcb-fuzz", "vcbridge", kLeeway});
    }();
    return v;
}

const JwtSigner& hsSigner() {
    static const JwtSigner s = [] {
        std::string error;
        return orDie(JwtSigner::fromSecret(std::string(kSecret), error), error);
    }();
    return s;
}

// Everything an accepted token promises.
void checkAccepted(const JwtClaims& c, const JwtVerifierConfig& config) {
    VCB_FUZZ_CHECK(!c.meeting.empty());
    VCB_FUZZ_CHECK(kNow < c.expiresAt + kLeeway);
    VCB_FUZZ_CHECK(!c.notBefore || *c.notBefore <= kNow + kLeeway);
    VCB_FUZZ_CHECK(!c.issuedAt || *c.issuedAt <= kNow + kLeeway);
    VCB_FUZZ_CHECK(config.issuer.empty() || c.issuer == config.issuer);
    VCB_FUZZ_CHECK(config.audience.empty() || std::find(c.audience.begin(), c.audience.end(),
                                                        config.audience) != c.audience.end());
    VCB_FUZZ_CHECK(c.displayName.size() <= JwtClaims::kMaxNameBytes);
    for (char ch : c.displayName) VCB_FUZZ_CHECK(static_cast<unsigned char>(ch) >= 0x20);
    VCB_FUZZ_CHECK(parseParticipantRole(vcb::rooms::participantRoleName(c.role)) == c.role);
}

void checkVerifier(const JwtVerifier& v, const std::string& token) {
    const JwtResult any = v.verify(token, kNow);
    const JwtResult scoped = v.verify(token, kNow, kMeeting);
    if (!any) {
        VCB_FUZZ_CHECK(!jwtErrorCode(any.error()).empty());
        // The meeting check comes last: the scoped result is the same refusal.
        VCB_FUZZ_CHECK(!scoped && scoped.error() == any.error());
        VCB_FUZZ_CHECK(any.error() != JwtError::WrongMeeting);
        if (token.size() > JwtToken::kMaxBytes) VCB_FUZZ_CHECK(any.error() == JwtError::TooLarge);
        return;
    }
    VCB_FUZZ_CHECK(token.size() <= JwtToken::kMaxBytes);
    auto parsed = JwtToken::parse(token);
    VCB_FUZZ_CHECK(parsed.ok());
    VCB_FUZZ_CHECK(parsed->algorithm() == jwtAlgorithmName(v.algorithm()));
    checkAccepted(any.value(), v.config());
    if (any->allowsMeeting(kMeeting)) {
        VCB_FUZZ_CHECK(scoped.ok());
    } else {
        VCB_FUZZ_CHECK(!scoped && scoped.error() == JwtError::WrongMeeting);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // A heap copy of exactly `size` bytes (not NUL-terminated): ASan flags any overread.
    const std::string input(reinterpret_cast<const char*>(data), size);

    // 1. As a token.
    checkVerifier(hsVerifier(), input);
    checkVerifier(esVerifier(), input);
    // One key, one algorithm: no input satisfies both verifiers.
    VCB_FUZZ_CHECK(
        !(hsVerifier().verify(input, kNow).ok() && esVerifier().verify(input, kNow).ok()));

    // 2. Base64url is canonical: whatever decodes re-encodes to the same text.
    const std::string_view firstPart = std::string_view(input).substr(0, input.find('.'));
    if (auto decoded = base64UrlDecode(firstPart)) {
        VCB_FUZZ_CHECK(base64UrlEncode(*decoded) == firstPart);
    }

    // 3. As the payload of a correctly signed HS256 token: only the claims can be at fault.
    const auto claims = JwtClaims::fromJson(input);
    const std::string signedToken = hsSigner().sign(input);
    VCB_FUZZ_CHECK(!signedToken.empty());
    const JwtResult r = hsVerifier().verify(signedToken, kNow);
    if (signedToken.size() > JwtToken::kMaxBytes) {
        VCB_FUZZ_CHECK(!r && r.error() == JwtError::TooLarge);
    } else if (!claims) {
        VCB_FUZZ_CHECK(!r && r.error() == claims.error());
    } else {
        VCB_FUZZ_CHECK(r.ok() || r.error() == JwtError::Expired ||
                       r.error() == JwtError::NotYetValid);
        if (r) {
            checkAccepted(r.value(), hsVerifier().config());
            VCB_FUZZ_CHECK(r->meeting == claims->meeting && r->role == claims->role);
        }
    }
    checkVerifier(hsVerifier(), signedToken);
    return 0;
}
