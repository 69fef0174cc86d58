#include <gtest/gtest.h>

#include <vector>

#include "sfu/rtp/PacketClassifier.hpp"
#include "sfu/rtp/StunMessage.hpp"
#include "tests/rtp/TestBuffer.hpp"

namespace vcb::rtp {
namespace {

using test::TestBuffer;

// ICE binding request as a browser sends it.
const std::vector<uint8_t> kBindingRequest = {
    0x00, 0x01, 0x00, 0x48,  // Binding Request, length 72
    0x21, 0x12, 0xa4, 0x42,  // magic cookie
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x00, 0x06, 0x00,
    0x09, 'a',  'b',  'c',  'd',  ':',  'e',  'f',  'g',  'h',  0x00, 0x00, 0x00, 0x00, 0x24,
    0x00, 0x04, 0x6e, 0x7f, 0x1e, 0xff,                                   // PRIORITY
    0x80, 0x2a, 0x00, 0x08, 1,    2,    3,    4,    5,    6,    7,    8,  // ICE-CONTROLLING
    0x00, 0x25, 0x00, 0x00,                                               // USE-CANDIDATE
    0x00, 0x08, 0x00, 0x14,                                               // MESSAGE-INTEGRITY
    0,    1,    2,    3,    4,    5,    6,    7,    8,    9,    10,   11,   12,   13,   14,
    15,   16,   17,   18,   19,   0x80, 0x28, 0x00, 0x04, 0xde, 0xad, 0xbe, 0xef,  // FINGERPRINT
};

TEST(StunMessage, ParsesBindingRequest) {
    ASSERT_EQ(kBindingRequest.size(), 92u);
    TestBuffer buf(kBindingRequest);
    EXPECT_EQ(classifyPacket(buf.span()), PacketType::Stun);
    StunMessage m;
    ASSERT_TRUE(StunMessage::parse(buf.data(), buf.size(), m));
    EXPECT_EQ(m.type(), 0x0001);
    EXPECT_EQ(m.method(), StunMessage::kBindingMethod);
    EXPECT_EQ(m.messageClass(), StunClass::Request);
    EXPECT_EQ(m.length(), 72);
    EXPECT_EQ(m.size(), 92u);
    EXPECT_EQ(m.transactionId()[0], 0x01);
    EXPECT_EQ(m.transactionId()[11], 0x0c);
    EXPECT_EQ(m.username(), "abcd:efgh");
    EXPECT_TRUE(m.hasMessageIntegrity());
    EXPECT_TRUE(m.hasFingerprint());
    EXPECT_TRUE(m.hasAttribute(StunMessage::kAttrUseCandidate));
    EXPECT_TRUE(m.findAttribute(StunMessage::kAttrUseCandidate).empty());
    EXPECT_EQ(m.findAttribute(StunMessage::kAttrPriority).size(), 4u);
    EXPECT_EQ(m.findAttribute(StunMessage::kAttrIceControlling)[7], 8);
    EXPECT_FALSE(m.hasAttribute(StunMessage::kAttrIceControlled));
    std::vector<uint16_t> types;
    m.forEachAttribute([&](uint16_t t, std::span<const uint8_t>) { types.push_back(t); });
    EXPECT_EQ(types, (std::vector<uint16_t>{0x0006, 0x0024, 0x802a, 0x0025, 0x0008, 0x8028}));
}

TEST(StunMessage, MessageClasses) {
    struct Case {
        uint8_t b0, b1;
        StunClass cls;
    };
    for (const Case& c :
         {Case{0x00, 0x01, StunClass::Request}, Case{0x00, 0x11, StunClass::Indication},
          Case{0x01, 0x01, StunClass::SuccessResponse},
          Case{0x01, 0x11, StunClass::ErrorResponse}}) {
        TestBuffer buf(
            {c.b0, c.b1, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        StunMessage m;
        ASSERT_TRUE(StunMessage::parse(buf.data(), buf.size(), m));
        EXPECT_EQ(m.messageClass(), c.cls);
        EXPECT_EQ(m.method(), StunMessage::kBindingMethod);
        EXPECT_FALSE(m.username());
        EXPECT_FALSE(m.hasMessageIntegrity());
    }
    // Method bits are split around the class bits: 0x3EEF -> method 0xFFF, class 0.
    TestBuffer wide(
        {0x3e, 0xef, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    StunMessage m;
    ASSERT_TRUE(StunMessage::parse(wide.data(), wide.size(), m));
    EXPECT_EQ(m.method(), 0xFFF);
    EXPECT_EQ(m.messageClass(), StunClass::Request);
}

TEST(StunMessage, RejectsMalformed) {
    StunMessage m;
    auto parses = [&](const std::vector<uint8_t>& bytes) {
        TestBuffer buf(bytes);
        return StunMessage::parse(buf.data(), buf.size(), m);
    };
    ASSERT_TRUE(parses(kBindingRequest));
    auto badCookie = kBindingRequest;
    badCookie[4] = 0x22;
    EXPECT_FALSE(parses(badCookie));
    auto topBits = kBindingRequest;
    topBits[0] = 0x40;
    EXPECT_FALSE(parses(topBits));
    auto oddLength = kBindingRequest;
    oddLength[3] = 0x47;
    EXPECT_FALSE(parses(oddLength));
    auto longer = kBindingRequest;
    longer[3] = 0x4c;  // claims 4 more bytes than present
    EXPECT_FALSE(parses(longer));
    auto attrOverrun = kBindingRequest;
    attrOverrun[20 + 3] = 0x40;  // USERNAME length 64
    EXPECT_FALSE(parses(attrOverrun));
    // Attribute whose padding does not fit in the message.
    EXPECT_FALSE(
        parses({0x00, 0x01, 0x00, 0x08, 0x21, 0x12, 0xa4, 0x42, 0,    0,    0,   0,   0,   0,
                0,    0,    0,    0,    0,    0,    0x00, 0x06, 0x00, 0x05, 'a', 'b', 'c', 'd'}));
    // Attribute value missing: the header fills the whole message.
    EXPECT_FALSE(parses({0x00, 0x01, 0x00, 0x04, 0x21, 0x12, 0xa4, 0x42, 0,    0,    0,    0,
                         0,    0,    0,    0,    0,    0,    0,    0,    0x00, 0x06, 0x00, 0x04}));
    EXPECT_FALSE(StunMessage::parse(nullptr, 20, m));
    for (size_t len = 0; len < kBindingRequest.size(); ++len) {
        TestBuffer cut(kBindingRequest, len);
        EXPECT_FALSE(StunMessage::parse(cut.data(), cut.size(), m)) << len;
    }
}

TEST(StunMessage, WrongSizedIntegrityIsNotReported) {
    TestBuffer buf({0x00, 0x01, 0x00, 0x08, 0x21, 0x12, 0xa4, 0x42, 0,    0,    0, 0, 0, 0,
                    0,    0,    0,    0,    0,    0,    0x00, 0x08, 0x00, 0x04, 1, 2, 3, 4});
    StunMessage m;
    ASSERT_TRUE(StunMessage::parse(buf.data(), buf.size(), m));
    EXPECT_TRUE(m.hasAttribute(StunMessage::kAttrMessageIntegrity));
    EXPECT_FALSE(m.hasMessageIntegrity());
}

TEST(StunMessage, TrailingBytesIgnored) {
    auto bytes = kBindingRequest;
    bytes.push_back(0xee);
    TestBuffer buf(bytes);
    StunMessage m;
    ASSERT_TRUE(StunMessage::parse(buf.data(), buf.size(), m));
    EXPECT_EQ(m.size(), 92u);
}

}  // namespace
}  // namespace vcb::rtp
