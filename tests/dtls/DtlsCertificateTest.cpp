#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/x509.h>

#include <ctime>
#include <regex>

#include "sfu/dtls/DtlsCertificate.hpp"
#include "sfu/dtls/DtlsContext.hpp"
#include "sfu/dtls/Fingerprint.hpp"

namespace vcb::dtls {
namespace {

TEST(DtlsCertificate, GeneratesSelfSignedP256Certificate) {
    std::string error;
    auto cert = DtlsCertificate::generate(&error);
    ASSERT_TRUE(cert) << error;

    X509* x509 = cert->certificate();
    EVP_PKEY* key = cert->privateKey();
    ASSERT_NE(x509, nullptr);
    EXPECT_TRUE(EVP_PKEY_is_a(key, "EC"));
    char group[64] = {};
    size_t groupLen = 0;
    ASSERT_EQ(EVP_PKEY_get_group_name(key, group, sizeof(group), &groupLen), 1);
    EXPECT_STREQ(group, "prime256v1");

    EXPECT_EQ(X509_get_signature_nid(x509), NID_ecdsa_with_SHA256);
    EXPECT_EQ(X509_verify(x509, key), 1);
    EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(x509), X509_get_issuer_name(x509)), 0);
    char cn[64] = {};
    ASSERT_GT(
        X509_NAME_get_text_by_NID(X509_get_subject_name(x509), NID_commonName, cn, sizeof(cn)), 0);
    EXPECT_STREQ(cn, "vcbridge");

    // now-1 day .. now+30 days (allow a minute of slack for slow machines).
    const time_t now = time(nullptr);
    int days = 0, secs = 0;
    ASSERT_EQ(ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(x509), X509_get0_notAfter(x509)), 1);
    EXPECT_EQ(days, 31);
    time_t before = now - 86400 + 60;
    time_t after = now - 86400 - 60;
    EXPECT_LT(X509_cmp_time(X509_get0_notBefore(x509), &before), 0);
    EXPECT_GT(X509_cmp_time(X509_get0_notBefore(x509), &after), 0);

    const ASN1_INTEGER* serial = X509_get0_serialNumber(x509);
    BIGNUM* bn = ASN1_INTEGER_to_BN(serial, nullptr);
    ASSERT_NE(bn, nullptr);
    EXPECT_FALSE(BN_is_negative(bn));
    EXPECT_FALSE(BN_is_zero(bn));
    EXPECT_LE(BN_num_bytes(bn), 8);
    BN_free(bn);
}

TEST(DtlsCertificate, FingerprintIsUppercaseSha256OfDer) {
    auto cert = DtlsCertificate::generate();
    ASSERT_TRUE(cert);
    const std::string& fp = cert->fingerprint();
    EXPECT_TRUE(std::regex_match(fp, std::regex("([0-9A-F]{2}:){31}[0-9A-F]{2}"))) << fp;

    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdLen = 0;
    ASSERT_EQ(X509_digest(cert->certificate(), EVP_sha256(), md, &mdLen), 1);
    ASSERT_EQ(mdLen, 32u);
    const auto parsed = parseFingerprint(fp);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(0, memcmp(parsed->data(), md, 32));
}

TEST(DtlsCertificate, EachCertificateIsUnique) {
    auto a = DtlsCertificate::generate();
    auto b = DtlsCertificate::generate();
    ASSERT_TRUE(a && b);
    EXPECT_NE(a->fingerprint(), b->fingerprint());
    EXPECT_NE(ASN1_INTEGER_cmp(X509_get0_serialNumber(a->certificate()),
                               X509_get0_serialNumber(b->certificate())),
              0);
}

TEST(Fingerprint, ParsesCaseInsensitivelyAndRejectsMalformed) {
    const std::string upper =
        "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:"
        "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF";
    std::string lower = upper;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto a = parseFingerprint(upper);
    const auto b = parseFingerprint(lower);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(*a, *b);
    EXPECT_EQ((*a)[10], 0xAA);
    EXPECT_EQ(formatFingerprint(*a), upper);

    EXPECT_FALSE(parseFingerprint(""));
    EXPECT_FALSE(parseFingerprint(upper.substr(0, upper.size() - 3)));  // 31 bytes
    EXPECT_FALSE(parseFingerprint(upper + ":00"));                      // 33 bytes
    std::string badSep = upper;
    badSep[2] = '-';
    EXPECT_FALSE(parseFingerprint(badSep));
    std::string badHex = upper;
    badHex[0] = 'G';
    EXPECT_FALSE(parseFingerprint(badHex));
}

TEST(DtlsContext, IsDtls12OnlyWithSrtpAndPeerVerification) {
    std::shared_ptr<const DtlsCertificate> cert = DtlsCertificate::generate();
    ASSERT_TRUE(cert);
    std::string error;
    auto ctx = DtlsContext::create(cert, &error);
    ASSERT_TRUE(ctx) << error;
    SSL_CTX* raw = ctx->native();
    EXPECT_EQ(SSL_CTX_get_min_proto_version(raw), DTLS1_2_VERSION);
    EXPECT_EQ(SSL_CTX_get_max_proto_version(raw), DTLS1_2_VERSION);
    EXPECT_EQ(SSL_CTX_get_verify_mode(raw), SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT);
    EXPECT_NE(SSL_CTX_get_verify_callback(raw), nullptr);
    EXPECT_EQ(SSL_CTX_get_read_ahead(raw), 0);
    EXPECT_EQ(SSL_CTX_get0_certificate(raw), cert->certificate());

    SSL* ssl = SSL_new(raw);
    ASSERT_NE(ssl, nullptr);
    STACK_OF(SRTP_PROTECTION_PROFILE)* profiles = SSL_get_srtp_profiles(ssl);
    ASSERT_NE(profiles, nullptr);
    ASSERT_EQ(sk_SRTP_PROTECTION_PROFILE_num(profiles), 2);
    EXPECT_EQ(sk_SRTP_PROTECTION_PROFILE_value(profiles, 0)->id,
              static_cast<unsigned long>(SRTP_AEAD_AES_128_GCM));
    EXPECT_EQ(sk_SRTP_PROTECTION_PROFILE_value(profiles, 1)->id,
              static_cast<unsigned long>(SRTP_AES128_CM_SHA1_80));
    SSL_free(ssl);
}

TEST(DtlsContext, RejectsUnknownSrtpProfileAndMissingCertificate) {
    std::shared_ptr<const DtlsCertificate> cert = DtlsCertificate::generate();
    ASSERT_TRUE(cert);
    std::string error;
    EXPECT_FALSE(DtlsContext::create(cert, &error, "SRTP_NOT_A_PROFILE"));
    EXPECT_FALSE(error.empty());
    error.clear();
    EXPECT_FALSE(DtlsContext::create(nullptr, &error));
    EXPECT_FALSE(error.empty());
}

}  // namespace
}  // namespace vcb::dtls
