#include <gtest/gtest.h>

#include <vector>

#include "sfu/rtp/PacketClassifier.hpp"

namespace vcb::rtp {
namespace {

std::vector<uint8_t> packet(uint8_t b0, uint8_t b1, size_t len) {
    std::vector<uint8_t> p(len, 0);
    if (len > 0) {
        p[0] = b0;
    }
    if (len > 1) {
        p[1] = b1;
    }
    return p;
}

TEST(PacketClassifier, Ranges) {
    EXPECT_EQ(classifyPacket(packet(0x00, 0x01, 20)), PacketType::Stun);
    EXPECT_EQ(classifyPacket(packet(0x01, 0x01, 20)), PacketType::Stun);
    EXPECT_EQ(classifyPacket(packet(3, 0, 20)), PacketType::Stun);
    EXPECT_EQ(classifyPacket(packet(20, 0xFE, 13)), PacketType::Dtls);
    EXPECT_EQ(classifyPacket(packet(22, 0xFE, 100)), PacketType::Dtls);
    EXPECT_EQ(classifyPacket(packet(63, 0xFE, 13)), PacketType::Dtls);
    EXPECT_EQ(classifyPacket(packet(0x80, 111, 12)), PacketType::Rtp);
    EXPECT_EQ(classifyPacket(packet(0x90, 0x80 | 96, 12)), PacketType::Rtp);
    EXPECT_EQ(classifyPacket(packet(0x80, 191, 12)), PacketType::Rtp);
    EXPECT_EQ(classifyPacket(packet(0x80, 224, 12)), PacketType::Rtp);
    EXPECT_EQ(classifyPacket(packet(0x80, 200, 8)), PacketType::Rtcp);
    EXPECT_EQ(classifyPacket(packet(0x81, 201, 8)), PacketType::Rtcp);
    EXPECT_EQ(classifyPacket(packet(0x8F, 206, 12)), PacketType::Rtcp);
    EXPECT_EQ(classifyPacket(packet(0x80, 192, 8)), PacketType::Rtcp);
    EXPECT_EQ(classifyPacket(packet(0x80, 223, 8)), PacketType::Rtcp);
    EXPECT_EQ(classifyPacket(packet(0xBF, 205, 8)), PacketType::Rtcp);
}

TEST(PacketClassifier, UnknownRanges) {
    EXPECT_EQ(classifyPacket(packet(4, 0, 100)), PacketType::Unknown);
    EXPECT_EQ(classifyPacket(packet(16, 0, 100)), PacketType::Unknown);  // ZRTP
    EXPECT_EQ(classifyPacket(packet(64, 0, 100)), PacketType::Unknown);  // TURN channel
    EXPECT_EQ(classifyPacket(packet(127, 0, 100)), PacketType::Unknown);
    EXPECT_EQ(classifyPacket(packet(192, 0, 100)), PacketType::Unknown);
    EXPECT_EQ(classifyPacket(packet(255, 0, 100)), PacketType::Unknown);
}

TEST(PacketClassifier, MinimumSizes) {
    EXPECT_EQ(classifyPacket(packet(0, 1, 19)), PacketType::Unknown);
    EXPECT_EQ(classifyPacket(packet(22, 0xFE, 12)), PacketType::Unknown);
    EXPECT_EQ(classifyPacket(packet(0x80, 96, 11)), PacketType::Unknown);
    EXPECT_EQ(classifyPacket(packet(0x80, 200, 7)), PacketType::Unknown);
    EXPECT_EQ(classifyPacket(packet(0x80, 0, 1)), PacketType::Unknown);
    EXPECT_EQ(classifyPacket(nullptr, 100), PacketType::Unknown);
    EXPECT_EQ(classifyPacket(std::span<const uint8_t>{}), PacketType::Unknown);
}

TEST(PacketClassifier, Names) {
    EXPECT_STREQ(toString(PacketType::Rtcp), "rtcp");
    EXPECT_STREQ(toString(PacketType::Unknown), "unknown");
}

}  // namespace
}  // namespace vcb::rtp
