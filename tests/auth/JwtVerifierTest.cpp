#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <string>

#include "signaling/auth/Base64Url.hpp"
#include "signaling/auth/JwtSigner.hpp"
#include "signaling/auth/JwtToken.hpp"
#include "signaling/auth/JwtVerifier.hpp"
#include "tests/auth/TestKeys.hpp"

namespace vcb::auth {
namespace {

constexpr int64_t kNow = 1'800'000'000;
const std::string kSecret = "0123456789abcdef0123456789abcdef-shared-secret";

std::string claimsJson(std::string_view extra = "", int64_t exp = kNow + 3600) {
    std::string s = R"({"meeting":"m1","exp":)" + std::to_string(exp);
    if (!extra.empty()) s += "," + std::string(extra);
    return s + "}";
}

// Replaces one part (0 header, 1 payload, 2 signature) of a compact token.
std::string withPart(const std::string& token, int index, const std::string& part) {
    const size_t d1 = token.find('.');
    const size_t d2 = token.find('.', d1 + 1);
    std::string parts[3] = {token.substr(0, d1), token.substr(d1 + 1, d2 - d1 - 1),
                            token.substr(d2 + 1)};
    parts[index] = part;
    return parts[0] + "." + parts[1] + "." + parts[2];
}

std::string hmacSha256(std::string_view key, std::string_view data) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len);
    return std::string(reinterpret_cast<const char*>(mac), len);
}

// A token signed with HMAC-SHA256 under `key` whatever the header says (attacks).
std::string forge(std::string_view header, std::string_view payload, std::string_view key) {
    const std::string input = base64UrlEncode(header) + "." + base64UrlEncode(payload);
    return input + "." + base64UrlEncode(hmacSha256(key, input));
}

class JwtVerifierTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        ec_ = new test::PemKeyPair(test::makeEcKey());
        rsa_ = new test::PemKeyPair(test::makeRsaKey());
    }
    static void TearDownTestSuite() {
        delete ec_;
        delete rsa_;
    }

    static JwtSigner hsSigner() {
        std::string error;
        auto s = JwtSigner::fromSecret(kSecret, error);
        EXPECT_TRUE(s) << error;
        return *s;
    }
    static JwtVerifier hsVerifier(JwtVerifierConfig config = {}) {
        std::string error;
        auto k = JwtKey::fromSecret(kSecret, error);
        EXPECT_TRUE(k) << error;
        return JwtVerifier(*k, std::move(config));
    }
    static JwtSigner pairSigner(JwtAlgorithm alg) {
        std::string error;
        auto s = JwtSigner::fromPrivateKeyPem(
            alg, alg == JwtAlgorithm::ES256 ? ec_->privatePem : rsa_->privatePem, error);
        EXPECT_TRUE(s) << error;
        return *s;
    }
    static JwtVerifier pairVerifier(JwtAlgorithm alg, JwtVerifierConfig config = {}) {
        std::string error;
        auto k = JwtKey::fromPublicKeyPem(
            alg, alg == JwtAlgorithm::ES256 ? ec_->publicPem : rsa_->publicPem, error);
        EXPECT_TRUE(k) << error;
        return JwtVerifier(*k, std::move(config));
    }

    static test::PemKeyPair* ec_;
    static test::PemKeyPair* rsa_;
};
test::PemKeyPair* JwtVerifierTest::ec_ = nullptr;
test::PemKeyPair* JwtVerifierTest::rsa_ = nullptr;

TEST_F(JwtVerifierTest, GoodTokenForEachAlgorithm) {
    const std::string payload = claimsJson(
        R"("sub":"alice","name":"Chủ tịch xã","role":"chair","iat":1799999990,"nbf":1799999990)");
    for (auto alg : {JwtAlgorithm::HS256, JwtAlgorithm::ES256, JwtAlgorithm::RS256}) {
        SCOPED_TRACE(std::string(jwtAlgorithmName(alg)));
        JwtSigner signer = alg == JwtAlgorithm::HS256 ? hsSigner() : pairSigner(alg);
        JwtVerifier verifier = alg == JwtAlgorithm::HS256 ? hsVerifier() : pairVerifier(alg);
        const std::string token = signer.sign(payload);
        ASSERT_FALSE(token.empty());
        auto r = verifier.verify(token, kNow, "m1");
        ASSERT_TRUE(r.ok()) << jwtErrorCode(r.error());
        EXPECT_EQ(r->meeting, "m1");
        EXPECT_EQ(r->subject, "alice");
        EXPECT_EQ(r->displayName, "Chủ tịch xã");
        EXPECT_EQ(r->role, rooms::ParticipantRole::Chair);
        EXPECT_EQ(r->expiresAt, kNow + 3600);
        EXPECT_EQ(r->issuedAt, 1799999990);
    }
}

TEST_F(JwtVerifierTest, Es256SignatureIsRawRAndS) {
    const std::string token = pairSigner(JwtAlgorithm::ES256).sign(claimsJson());
    auto parsed = JwtToken::parse(token);
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed->signature().size(), 64u);
    // One byte short, or the DER form OpenSSL produces natively: refused.
    const std::string sig = parsed->signature();
    auto v = pairVerifier(JwtAlgorithm::ES256);
    EXPECT_EQ(v.verify(withPart(token, 2, base64UrlEncode(sig.substr(0, 63))), kNow).error(),
              JwtError::BadSignature);
    EXPECT_EQ(v.verify(withPart(token, 2, base64UrlEncode(std::string(64, '\0'))), kNow).error(),
              JwtError::BadSignature);
}

TEST_F(JwtVerifierTest, DefaultsAndOptionalClaims) {
    auto r = hsVerifier().verify(hsSigner().sign(claimsJson()), kNow);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->role, rooms::ParticipantRole::Delegate);
    EXPECT_TRUE(r->displayName.empty());
    EXPECT_FALSE(r->notBefore.has_value());
    // Fractional NumericDate (RFC 7519 §2).
    auto f = hsVerifier().verify(hsSigner().sign(R"({"meeting":"m1","exp":1800000100.75})"), kNow);
    ASSERT_TRUE(f.ok());
    EXPECT_EQ(f->expiresAt, 1800000100);
}

TEST_F(JwtVerifierTest, ExpiryNotBeforeAndLeeway) {
    auto v = hsVerifier();  // leeway 30 s
    auto s = hsSigner();
    EXPECT_EQ(v.verify(s.sign(claimsJson("", kNow - 31)), kNow).error(), JwtError::Expired);
    EXPECT_EQ(v.verify(s.sign(claimsJson("", kNow - 30)), kNow).error(), JwtError::Expired);
    EXPECT_TRUE(v.verify(s.sign(claimsJson("", kNow - 29)), kNow).ok());
    EXPECT_EQ(v.verify(s.sign(claimsJson(R"("nbf":1800000031)")), kNow).error(),
              JwtError::NotYetValid);
    EXPECT_TRUE(v.verify(s.sign(claimsJson(R"("nbf":1800000030)")), kNow).ok());
    EXPECT_EQ(v.verify(s.sign(claimsJson(R"("iat":1800000600)")), kNow).error(),
              JwtError::NotYetValid);

    auto strict = hsVerifier({"", "", 0});
    EXPECT_EQ(strict.verify(s.sign(claimsJson("", kNow)), kNow).error(), JwtError::Expired);
    EXPECT_TRUE(strict.verify(s.sign(claimsJson("", kNow + 1)), kNow).ok());
    EXPECT_EQ(strict.verify(s.sign(claimsJson(R"("nbf":1800000001)")), kNow).error(),
              JwtError::NotYetValid);
}

TEST_F(JwtVerifierTest, ExtremeDatesDoNotOverflow) {
    auto v = hsVerifier();
    auto s = hsSigner();
    EXPECT_TRUE(v.verify(s.sign(R"({"meeting":"m1","exp":18446744073709551615})"), kNow).ok());
    EXPECT_TRUE(v.verify(s.sign(R"({"meeting":"m1","exp":9223372036854775807})"), kNow).ok());
    EXPECT_TRUE(v.verify(s.sign(R"({"meeting":"m1","exp":1e300})"), kNow).ok());
    EXPECT_EQ(v.verify(s.sign(R"({"meeting":"m1","exp":-9223372036854775808})"), kNow).error(),
              JwtError::Expired);
    EXPECT_EQ(v.verify(s.sign(R"({"meeting":"m1","exp":-1e300})"), kNow).error(),
              JwtError::Expired);
    EXPECT_EQ(v.verify(s.sign(claimsJson(R"("nbf":9223372036854775807)")), kNow).error(),
              JwtError::NotYetValid);
    EXPECT_EQ(v.verify(s.sign(claimsJson()), INT64_MAX).error(), JwtError::Expired);
    EXPECT_TRUE(v.verify(s.sign(claimsJson()), INT64_MIN).ok());
}

TEST_F(JwtVerifierTest, BadSignatureAndModifiedPayload) {
    for (auto alg : {JwtAlgorithm::HS256, JwtAlgorithm::ES256, JwtAlgorithm::RS256}) {
        SCOPED_TRACE(std::string(jwtAlgorithmName(alg)));
        JwtSigner signer = alg == JwtAlgorithm::HS256 ? hsSigner() : pairSigner(alg);
        JwtVerifier verifier = alg == JwtAlgorithm::HS256 ? hsVerifier() : pairVerifier(alg);
        const std::string token = signer.sign(claimsJson(R"("role":"viewer")"));
        auto parsed = JwtToken::parse(token);
        ASSERT_TRUE(parsed.ok());
        std::string sig = parsed->signature();
        sig[sig.size() / 2] ^= 0x01;
        EXPECT_EQ(verifier.verify(withPart(token, 2, base64UrlEncode(sig)), kNow).error(),
                  JwtError::BadSignature);
        // Privilege escalation attempt: same signature, payload says chair.
        const std::string forged =
            withPart(token, 1, base64UrlEncode(claimsJson(R"("role":"chair")")));
        EXPECT_EQ(verifier.verify(forged, kNow).error(), JwtError::BadSignature);
        // Signed by another key of the same kind.
        std::string error;
        auto other = alg == JwtAlgorithm::HS256 ? JwtSigner::fromSecret(kSecret + "x", error)
                     : alg == JwtAlgorithm::ES256
                         ? JwtSigner::fromPrivateKeyPem(alg, test::makeEcKey().privatePem, error)
                         : JwtSigner::fromPrivateKeyPem(alg, test::makeRsaKey().privatePem, error);
        ASSERT_TRUE(other) << error;
        EXPECT_EQ(verifier.verify(other->sign(claimsJson()), kNow).error(), JwtError::BadSignature);
    }
}

TEST_F(JwtVerifierTest, AlgNoneIsRefused) {
    const std::string header = base64UrlEncode(R"({"alg":"none","typ":"JWT"})");
    const std::string payload = base64UrlEncode(claimsJson());
    for (auto& v : {hsVerifier(), pairVerifier(JwtAlgorithm::ES256)}) {
        // The unsecured form (empty signature) is not even well-formed for vcbridge.
        EXPECT_EQ(v.verify(header + "." + payload + ".", kNow).error(), JwtError::Malformed);
        EXPECT_EQ(v.verify(header + "." + payload + ".AAAA", kNow).error(),
                  JwtError::WrongAlgorithm);
        EXPECT_EQ(
            v.verify(base64UrlEncode(R"({"alg":"None"})") + "." + payload + ".AAAA", kNow).error(),
            JwtError::WrongAlgorithm);
    }
}

TEST_F(JwtVerifierTest, AlgorithmConfusionIsRefused) {
    // The classic attack: HS256 with the server's RSA/EC public key PEM as the HMAC secret.
    for (auto alg : {JwtAlgorithm::RS256, JwtAlgorithm::ES256}) {
        const std::string& pub = alg == JwtAlgorithm::RS256 ? rsa_->publicPem : ec_->publicPem;
        const std::string token = forge(R"({"alg":"HS256","typ":"JWT"})", claimsJson(), pub);
        EXPECT_EQ(pairVerifier(alg).verify(token, kNow).error(), JwtError::WrongAlgorithm);
        // And a server misconfigured to use that PEM as an HS256 secret refuses to start.
        std::string error;
        EXPECT_FALSE(JwtKey::fromSecret(pub, error));
        EXPECT_NE(error.find("PEM"), std::string::npos) << error;
    }
    // Tokens of the other asymmetric algorithm, or asymmetric tokens to an HS256 server.
    EXPECT_EQ(pairVerifier(JwtAlgorithm::RS256)
                  .verify(pairSigner(JwtAlgorithm::ES256).sign(claimsJson()), kNow)
                  .error(),
              JwtError::WrongAlgorithm);
    EXPECT_EQ(hsVerifier().verify(pairSigner(JwtAlgorithm::RS256).sign(claimsJson()), kNow).error(),
              JwtError::WrongAlgorithm);
    // "alg" matching is exact.
    EXPECT_EQ(hsVerifier().verify(forge(R"({"alg":"hs256"})", claimsJson(), kSecret), kNow).error(),
              JwtError::WrongAlgorithm);
}

TEST_F(JwtVerifierTest, IssuerAndAudience) {
    auto v = hsVerifier({"gov.vn", "vcbridge", 30});
    auto s = hsSigner();
    EXPECT_TRUE(v.verify(s.sign(claimsJson(R"("iss":"gov.vn","aud":"vcbridge")")), kNow).ok());
    EXPECT_TRUE(
        v.verify(s.sign(claimsJson(R"("iss":"gov.vn","aud":["x","vcbridge"])")), kNow).ok());
    EXPECT_EQ(v.verify(s.sign(claimsJson(R"("iss":"evil","aud":"vcbridge")")), kNow).error(),
              JwtError::WrongIssuer);
    EXPECT_EQ(v.verify(s.sign(claimsJson(R"("aud":"vcbridge")")), kNow).error(),
              JwtError::WrongIssuer);
    EXPECT_EQ(v.verify(s.sign(claimsJson(R"("iss":"gov.vn","aud":"other")")), kNow).error(),
              JwtError::WrongAudience);
    EXPECT_EQ(v.verify(s.sign(claimsJson(R"("iss":"gov.vn","aud":["a","b"])")), kNow).error(),
              JwtError::WrongAudience);
    EXPECT_EQ(v.verify(s.sign(claimsJson(R"("iss":"gov.vn")")), kNow).error(),
              JwtError::WrongAudience);
    EXPECT_EQ(v.verify(s.sign(claimsJson(R"("iss":"gov.vn","aud":7)")), kNow).error(),
              JwtError::BadClaim);
    // Not configured: not checked.
    EXPECT_TRUE(hsVerifier().verify(s.sign(claimsJson(R"("iss":"any","aud":"any")")), kNow).ok());
}

TEST_F(JwtVerifierTest, MeetingScope) {
    auto v = hsVerifier();
    auto s = hsSigner();
    EXPECT_TRUE(v.verify(s.sign(claimsJson()), kNow, "m1").ok());
    EXPECT_EQ(v.verify(s.sign(claimsJson()), kNow, "m2").error(), JwtError::WrongMeeting);
    EXPECT_EQ(v.verify(s.sign(claimsJson()), kNow, "M1").error(), JwtError::WrongMeeting);
    const std::string any = s.sign(R"({"meeting":"*","exp":1800003600})");
    EXPECT_TRUE(v.verify(any, kNow, "m2").ok());
    EXPECT_TRUE(v.verify(any, kNow, "province-hanoi").ok());
    EXPECT_EQ(v.verify(s.sign(R"({"exp":1800003600})"), kNow).error(), JwtError::MissingClaim);
    EXPECT_EQ(v.verify(s.sign(R"({"meeting":"","exp":1800003600})"), kNow).error(),
              JwtError::BadClaim);
    EXPECT_EQ(v.verify(s.sign(R"({"meeting":["m1"],"exp":1800003600})"), kNow).error(),
              JwtError::BadClaim);
}

TEST_F(JwtVerifierTest, MalformedStructure) {
    auto v = hsVerifier();
    const std::string good = hsSigner().sign(claimsJson());
    ASSERT_TRUE(v.verify(good, kNow).ok());
    EXPECT_EQ(v.verify("", kNow).error(), JwtError::Malformed);
    EXPECT_EQ(v.verify("abc", kNow).error(), JwtError::Malformed);
    EXPECT_EQ(v.verify("a.b", kNow).error(), JwtError::Malformed);
    EXPECT_EQ(v.verify("..", kNow).error(), JwtError::Malformed);
    EXPECT_EQ(v.verify(good + ".", kNow).error(), JwtError::Malformed);
    EXPECT_EQ(v.verify(good + ".AAAA.BBBB", kNow).error(), JwtError::Malformed);  // JWE-like
    EXPECT_EQ(v.verify("." + good, kNow).error(), JwtError::Malformed);
    EXPECT_EQ(v.verify(" " + good, kNow).error(), JwtError::Malformed);
    // Base64 with padding, standard alphabet, or a space inside.
    const size_t d1 = good.find('.');
    EXPECT_EQ(v.verify(good.substr(0, d1) + "=" + good.substr(d1), kNow).error(),
              JwtError::Malformed);
    std::string plus = good;
    plus[3] = '+';
    EXPECT_EQ(v.verify(plus, kNow).error(), JwtError::Malformed);
    std::string space = good;
    space[d1 + 4] = ' ';
    EXPECT_EQ(v.verify(space, kNow).error(), JwtError::Malformed);
}

TEST_F(JwtVerifierTest, OversizeToken) {
    auto v = hsVerifier();
    auto s = hsSigner();
    // Grow a padding claim until the token is exactly the limit: accepted; one byte more is not.
    std::string token;
    for (size_t pad = 5000; pad < 7000 && token.size() != JwtToken::kMaxBytes; ++pad)
        token = s.sign(claimsJson(R"("pad":")" + std::string(pad, 'x') + "\""));
    ASSERT_EQ(token.size(), JwtToken::kMaxBytes);
    EXPECT_TRUE(v.verify(token, kNow).ok());
    std::string bigger;
    for (size_t pad = 5000; pad < 7000 && bigger.size() <= JwtToken::kMaxBytes; ++pad)
        bigger = s.sign(claimsJson(R"("pad":")" + std::string(pad, 'x') + "\""));
    EXPECT_EQ(v.verify(bigger, kNow).error(), JwtError::TooLarge);
    EXPECT_EQ(v.verify(std::string(1 << 20, 'A'), kNow).error(), JwtError::TooLarge);
}

TEST_F(JwtVerifierTest, HeaderMustBeAnObjectWithStringAlg) {
    auto v = hsVerifier();
    const std::string payload = claimsJson();
    EXPECT_EQ(v.verify(forge(R"(["HS256"])", payload, kSecret), kNow).error(), JwtError::Malformed);
    EXPECT_EQ(v.verify(forge(R"({"typ":"JWT"})", payload, kSecret), kNow).error(),
              JwtError::Malformed);
    EXPECT_EQ(v.verify(forge(R"({"alg":256})", payload, kSecret), kNow).error(),
              JwtError::Malformed);
    EXPECT_EQ(v.verify(forge(R"({"alg":"HS256")", payload, kSecret), kNow).error(),
              JwtError::Malformed);
    EXPECT_EQ(v.verify(forge(R"({"alg":"HS256","crit":["exp"]})", payload, kSecret), kNow).error(),
              JwtError::Malformed);
    // Unknown header parameters (kid, jku, ...) are ignored: keys are never fetched.
    EXPECT_TRUE(
        v.verify(forge(R"({"alg":"HS256","kid":"k1","jku":"http://x"})", payload, kSecret), kNow)
            .ok());
}

TEST_F(JwtVerifierTest, PayloadMustBeAnObjectOfWellTypedClaims) {
    auto v = hsVerifier();
    auto s = hsSigner();
    for (const char* p : {"[1,2]", "\"m1\"", "42", "null", "{", "", "{\"exp\":1}x"}) {
        SCOPED_TRACE(p);
        EXPECT_EQ(v.verify(forge(R"({"alg":"HS256"})", p, kSecret), kNow).error(),
                  JwtError::Malformed);
    }
    EXPECT_EQ(v.verify(s.sign(R"({"meeting":"m1","exp":"1800003600"})"), kNow).error(),
              JwtError::BadClaim);
    EXPECT_EQ(v.verify(s.sign(R"({"meeting":"m1","exp":null})"), kNow).error(), JwtError::BadClaim);
    EXPECT_EQ(v.verify(s.sign(R"({"meeting":"m1","exp":true})"), kNow).error(), JwtError::BadClaim);
    EXPECT_EQ(v.verify(s.sign(R"({"meeting":"m1"})"), kNow).error(), JwtError::MissingClaim);
    EXPECT_EQ(v.verify(s.sign(claimsJson(R"("nbf":"soon")")), kNow).error(), JwtError::BadClaim);
    EXPECT_EQ(v.verify(s.sign(claimsJson(R"("role":"king")")), kNow).error(), JwtError::BadClaim);
    EXPECT_EQ(v.verify(s.sign(claimsJson(R"("role":"Chair")")), kNow).error(), JwtError::BadClaim);
    EXPECT_EQ(v.verify(s.sign(claimsJson(R"("name":"a\u0007b")")), kNow).error(),
              JwtError::BadClaim);
    EXPECT_EQ(
        v.verify(s.sign(claimsJson(R"("name":")" + std::string(65, 'n') + "\"")), kNow).error(),
        JwtError::BadClaim);
    EXPECT_EQ(v.verify(s.sign(claimsJson(R"("sub":1)")), kNow).error(), JwtError::BadClaim);
    for (const char* role : {"chair", "delegate", "room", "observer", "technician", "recorder"}) {
        auto r = v.verify(s.sign(claimsJson(std::string(R"("role":")") + role + "\"")), kNow);
        ASSERT_TRUE(r.ok()) << role;
        EXPECT_EQ(rooms::participantRoleName(r->role), role);
    }
    // The first token format's names still work (docs/operations.md "Authentication").
    auto legacy = v.verify(s.sign(claimsJson(R"("role":"participant")")), kNow);
    ASSERT_TRUE(legacy.ok());
    EXPECT_EQ(legacy->role, rooms::ParticipantRole::Delegate);
    legacy = v.verify(s.sign(claimsJson(R"("role":"viewer")")), kNow);
    ASSERT_TRUE(legacy.ok());
    EXPECT_EQ(legacy->role, rooms::ParticipantRole::Observer);
    // unit: an id of the units file.
    auto unit = v.verify(s.sign(claimsJson(R"("unit":"huyen-dong-son.xa_1")")), kNow);
    ASSERT_TRUE(unit.ok());
    EXPECT_EQ(unit->unit, "huyen-dong-son.xa_1");
    for (const std::string& bad : std::vector<std::string>{R"("unit":"")", R"("unit":"Xa")", R"("unit":"xã")",
                                  R"("unit":"a b")", R"("unit":7)",
                                  R"("unit":")" + std::string(65, 'u') + "\""}) {
        EXPECT_EQ(v.verify(s.sign(claimsJson(bad)), kNow).error(), JwtError::BadClaim) << bad;
    }
}

TEST_F(JwtVerifierTest, DuplicateClaimsUseTheLastOne) {
    // RFC 7515 §5.2 allows "reject or lexically last"; vcbridge must not use the first.
    auto r = hsVerifier().verify(
        hsSigner().sign(R"({"meeting":"m1","exp":1800003600,"role":"viewer","role":"chair"})"),
        kNow);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->role, rooms::ParticipantRole::Chair);
}

TEST_F(JwtVerifierTest, KeyConfigurationErrors) {
    std::string error;
    EXPECT_FALSE(JwtKey::fromSecret("short", error));
    EXPECT_NE(error.find("32 bytes"), std::string::npos);
    EXPECT_FALSE(JwtKey::fromPublicKeyPem(JwtAlgorithm::ES256, "garbage", error));
    EXPECT_FALSE(JwtKey::fromPublicKeyPem(JwtAlgorithm::HS256, ec_->publicPem, error));
    EXPECT_FALSE(JwtKey::fromPublicKeyPem(JwtAlgorithm::ES256, rsa_->publicPem, error));
    EXPECT_FALSE(JwtKey::fromPublicKeyPem(JwtAlgorithm::RS256, ec_->publicPem, error));
    EXPECT_FALSE(
        JwtKey::fromPublicKeyPem(JwtAlgorithm::ES256, test::makeEcKey("P-384").publicPem, error));
    EXPECT_NE(error.find("P-256"), std::string::npos) << error;
    EXPECT_FALSE(
        JwtKey::fromPublicKeyPem(JwtAlgorithm::RS256, test::makeRsaKey(1024).publicPem, error));
    EXPECT_NE(error.find("2048"), std::string::npos) << error;
    // A private key is not a public key: the server never needs the signing half.
    EXPECT_FALSE(JwtKey::fromPublicKeyPem(JwtAlgorithm::ES256, ec_->privatePem, error));
    EXPECT_TRUE(JwtKey::fromPublicKeyPem(JwtAlgorithm::ES256, ec_->publicPem, error)) << error;
    EXPECT_FALSE(JwtKey::fromFile(JwtAlgorithm::HS256, "/nonexistent/secret", error));
    EXPECT_NE(error.find("/nonexistent/secret"), std::string::npos) << error;
}

}  // namespace
}  // namespace vcb::auth

namespace vcb::auth {
namespace {

// The admin claim of REST API tokens (vcb-token --admin): a boolean; an admin token may name no
// meeting and then admits to none.
TEST(JwtAdminClaim, AdminTokensMayNameNoMeeting) {
    auto admin = JwtClaims::fromJson(R"({"exp":1800003600,"admin":true})");
    ASSERT_TRUE(admin.ok());
    EXPECT_TRUE(admin.value().admin);
    EXPECT_FALSE(admin.value().allowsMeeting("m1"));
    EXPECT_FALSE(admin.value().allowsMeeting(""));
    auto both = JwtClaims::fromJson(R"({"exp":1800003600,"admin":true,"meeting":"*"})");
    ASSERT_TRUE(both.ok());
    EXPECT_TRUE(both.value().allowsMeeting("m1"));
    EXPECT_FALSE(JwtClaims::fromJson(R"({"exp":1800003600,"meeting":"m1"})").value().admin);
    EXPECT_EQ(JwtClaims::fromJson(R"({"exp":1800003600,"admin":false})").error(),
              JwtError::MissingClaim);
    EXPECT_EQ(JwtClaims::fromJson(R"({"exp":1800003600,"admin":"yes","meeting":"m1"})").error(),
              JwtError::BadClaim);
    EXPECT_EQ(JwtClaims::fromJson(R"({"exp":1800003600,"admin":1,"meeting":"m1"})").error(),
              JwtError::BadClaim);
}

}  // namespace
}  // namespace vcb::auth
