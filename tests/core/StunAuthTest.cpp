// STUN short-term credentials against the RFC 5769 test vectors, and the writer's output read
// back by the parser.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "sfu/core/StunAuth.hpp"
#include "sfu/rtp/StunMessage.hpp"
#include "sfu/rtp/StunMessageWriter.hpp"

namespace vcb::sfu {
namespace {

constexpr char kPassword[] = "VOkJxbRl1RmTxUk/WvJxBt";

// RFC 5769 §2.1: sample request (USERNAME "evtj:h6vY", padded with spaces as in the RFC).
const std::vector<uint8_t> kSampleRequest = {
    0x00, 0x01, 0x00, 0x58, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
    0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x10, 0x53, 0x54, 0x55, 0x4e, 0x20, 0x74, 0x65, 0x73,
    0x74, 0x20, 0x63, 0x6c, 0x69, 0x65, 0x6e, 0x74, 0x00, 0x24, 0x00, 0x04, 0x6e, 0x00, 0x01, 0xff,
    0x80, 0x29, 0x00, 0x08, 0x93, 0x2f, 0xf9, 0xb1, 0x51, 0x26, 0x3b, 0x36, 0x00, 0x06, 0x00, 0x09,
    0x65, 0x76, 0x74, 0x6a, 0x3a, 0x68, 0x36, 0x76, 0x59, 0x20, 0x20, 0x20, 0x00, 0x08, 0x00, 0x14,
    0x9a, 0xea, 0xa7, 0x0c, 0xbf, 0xd8, 0xcb, 0x56, 0x78, 0x1e, 0xf2, 0xb5, 0xb2, 0xd3, 0xf2, 0x49,
    0xc1, 0xb5, 0x71, 0xa2, 0x80, 0x28, 0x00, 0x04, 0xe5, 0x7a, 0x3b, 0xcf};

// RFC 5769 §2.2: sample IPv4 response, XOR-MAPPED-ADDRESS 192.0.2.1:32853.
const std::vector<uint8_t> kSampleResponse = {
    0x01, 0x01, 0x00, 0x3c, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
    0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x0b, 0x74, 0x65, 0x73, 0x74, 0x20, 0x76, 0x65, 0x63,
    0x74, 0x6f, 0x72, 0x20, 0x00, 0x20, 0x00, 0x08, 0x00, 0x01, 0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43,
    0x00, 0x08, 0x00, 0x14, 0x2b, 0x91, 0xf5, 0x99, 0xfd, 0x9e, 0x90, 0xc3, 0x8c, 0x74, 0x89, 0xf9,
    0x2a, 0xf9, 0xba, 0x53, 0xf0, 0x6b, 0xe7, 0xd7, 0x80, 0x28, 0x00, 0x04, 0xc0, 0x7d, 0x4c, 0x96};

rtp::StunMessage parsed(const std::vector<uint8_t>& bytes) {
    rtp::StunMessage m;
    EXPECT_TRUE(rtp::StunMessage::parse(bytes.data(), bytes.size(), m));
    return m;
}

TEST(StunAuthTest, Rfc5769SampleRequestVerifies) {
    const auto m = parsed(kSampleRequest);
    EXPECT_EQ(m.username(), "evtj:h6vY");
    EXPECT_TRUE(verifyMessageIntegrity(m, kPassword));
    EXPECT_TRUE(verifyFingerprintIfPresent(m));
    EXPECT_FALSE(verifyMessageIntegrity(m, "VOkJxbRl1RmTxUk/WvJxBu")) << "one character off";
    EXPECT_FALSE(verifyMessageIntegrity(m, ""));
}

TEST(StunAuthTest, Rfc5769SampleResponseVerifies) {
    const auto m = parsed(kSampleResponse);
    EXPECT_TRUE(verifyMessageIntegrity(m, kPassword));
    EXPECT_TRUE(verifyFingerprintIfPresent(m));
}

TEST(StunAuthTest, AnyFlippedBitFailsIntegrityOrFingerprint) {
    // Every byte before FINGERPRINT is covered by one of the two checks.
    for (size_t i = 0; i + 8 < kSampleRequest.size(); ++i) {
        auto bytes = kSampleRequest;
        bytes[i] ^= 0x01;
        rtp::StunMessage m;
        if (!rtp::StunMessage::parse(bytes.data(), bytes.size(), m)) continue;
        EXPECT_FALSE(verifyMessageIntegrity(m, kPassword) && verifyFingerprintIfPresent(m))
            << "byte " << i;
    }
    auto bytes = kSampleRequest;
    bytes.back() ^= 0x01;
    EXPECT_FALSE(verifyFingerprintIfPresent(parsed(bytes)));
}

TEST(StunAuthTest, MissingIntegrityFails) {
    // Header only: a binding request without attributes.
    std::vector<uint8_t> bytes(kSampleRequest.begin(), kSampleRequest.begin() + 20);
    bytes[3] = 0;
    EXPECT_FALSE(verifyMessageIntegrity(parsed(bytes), kPassword));
    EXPECT_TRUE(verifyFingerprintIfPresent(parsed(bytes)));
}

TEST(StunAuthTest, WriterBuildsTheRfcXorMappedAddressAndASignedResponse) {
    const auto request = parsed(kSampleRequest);
    uint8_t buf[128];
    rtp::StunMessageWriter w(buf, sizeof(buf));
    ASSERT_TRUE(w.begin(rtp::StunMessageWriter::bindingSuccessType(), request.transactionId()));
    const uint8_t ip[4] = {192, 0, 2, 1};
    ASSERT_TRUE(w.addXorMappedAddress(0x01, 32853, ip));
    // Same attribute bytes as the RFC's response (§2.2).
    const std::vector<uint8_t> expected = {0x00, 0x20, 0x00, 0x08, 0x00, 0x01,
                                           0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43};
    EXPECT_EQ(std::vector<uint8_t>(buf + 20, buf + 32), expected);
    ASSERT_TRUE(signStunMessage(w, kPassword));
    EXPECT_EQ(w.size(), 20u + 12u + 24u + 8u);

    rtp::StunMessage m;
    ASSERT_TRUE(rtp::StunMessage::parse(buf, w.size(), m));
    EXPECT_EQ(m.messageClass(), rtp::StunClass::SuccessResponse);
    EXPECT_EQ(m.method(), rtp::StunMessage::kBindingMethod);
    EXPECT_TRUE(std::equal(m.transactionId().begin(), m.transactionId().end(),
                           request.transactionId().begin()));
    EXPECT_TRUE(verifyMessageIntegrity(m, kPassword));
    EXPECT_TRUE(verifyFingerprintIfPresent(m));
    EXPECT_FALSE(verifyMessageIntegrity(m, "other"));
}

TEST(StunAuthTest, WriterRefusesWhatDoesNotFit) {
    const auto request = parsed(kSampleRequest);
    uint8_t buf[48];  // header (20) + IPv6 XOR-MAPPED-ADDRESS (24), no room for integrity
    rtp::StunMessageWriter w(buf, sizeof(buf));
    ASSERT_TRUE(w.begin(rtp::StunMessageWriter::bindingSuccessType(), request.transactionId()));
    const uint8_t ip6[16] = {0x20, 0x01, 0x0d, 0xb8};
    EXPECT_TRUE(w.addXorMappedAddress(0x02, 1, ip6));
    EXPECT_EQ(w.size(), 44u);
    EXPECT_FALSE(signStunMessage(w, kPassword));
    const uint8_t bad[3] = {1, 2, 3};
    EXPECT_FALSE(w.addXorMappedAddress(0x01, 1, bad));
    uint8_t tiny[10];
    rtp::StunMessageWriter t(tiny, sizeof(tiny));
    EXPECT_FALSE(t.begin(rtp::StunMessageWriter::bindingSuccessType(), request.transactionId()));
}

// RFC 8489 §14.5: what follows MESSAGE-INTEGRITY is not covered by it and must be ignored, except
// FINGERPRINT; RFC 8445 §7.3 requires FINGERPRINT on checks.
TEST(StunAuthTest, AttributesAfterIntegrityAreInvisibleAndFingerprintIsRequired) {
    std::array<uint8_t, 256> buf{};
    rtp::StunMessageWriter w(buf.data(), buf.size());
    const std::array<uint8_t, 12> tid{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    ASSERT_TRUE(w.begin(0x0001, tid));
    ASSERT_TRUE(appendMessageIntegrity(w, kPassword));
    const std::string user = "evtj:h6vY";
    ASSERT_TRUE(w.addAttribute(rtp::StunMessage::kAttrUsername,
                               {reinterpret_cast<const uint8_t*>(user.data()), user.size()}));
    ASSERT_TRUE(w.addAttribute(rtp::StunMessage::kAttrUseCandidate, {}));
    rtp::StunMessage unsigned_;
    ASSERT_TRUE(rtp::StunMessage::parse(buf.data(), w.size(), unsigned_));
    EXPECT_FALSE(verifyFingerprint(unsigned_)) << "no FINGERPRINT";
    EXPECT_TRUE(verifyFingerprintIfPresent(unsigned_));
    ASSERT_TRUE(appendFingerprint(w));
    rtp::StunMessage m;
    ASSERT_TRUE(rtp::StunMessage::parse(buf.data(), w.size(), m));
    EXPECT_TRUE(verifyMessageIntegrity(m, kPassword));
    EXPECT_TRUE(verifyFingerprint(m));
    EXPECT_FALSE(m.username().has_value()) << "USERNAME after MESSAGE-INTEGRITY was seen";
    EXPECT_FALSE(m.hasAttribute(rtp::StunMessage::kAttrUseCandidate));
    int all = 0;
    m.forEachAttribute([&](uint16_t, std::span<const uint8_t>) { ++all; });
    EXPECT_EQ(all, 4) << "forEachAttribute still lists everything";
}

}  // namespace
}  // namespace vcb::sfu
