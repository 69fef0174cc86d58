#include <gtest/gtest.h>

#include <vector>

#include "clients/loadgen/PacketStamp.hpp"

namespace vcb::loadgen {
namespace {

std::vector<uint8_t> packetWithStamp(const PacketStamp& stamp) {
    std::vector<uint8_t> p = {0xA0, 96, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0xDE, 0xAD};
    p.resize(p.size() + PacketStamp::kPaddingSize);
    EXPECT_EQ(stamp.writePadding(std::span<uint8_t>(p.data() + 14, PacketStamp::kPaddingSize)),
              PacketStamp::kPaddingSize);
    return p;
}

TEST(PacketStampTest, RoundTripsThroughPadding) {
    PacketStamp in{0xFEDCBA98u, 0x0102030405060708LL};
    auto bytes = packetWithStamp(in);
    rtp::RtpPacket packet;
    ASSERT_TRUE(rtp::RtpPacket::parse(bytes.data(), bytes.size(), packet));
    EXPECT_EQ(packet.payloadSize(), 2u);  // the stamp is padding, not payload
    auto out = PacketStamp::read(packet);
    ASSERT_TRUE(out);
    EXPECT_EQ(out->counter, in.counter);
    EXPECT_EQ(out->sendTimeUs, in.sendTimeUs);
}

TEST(PacketStampTest, WriteNeedsRoom) {
    std::vector<uint8_t> small(PacketStamp::kPaddingSize - 1);
    EXPECT_EQ(PacketStamp{}.writePadding(small), 0u);
}

TEST(PacketStampTest, IgnoresPacketsWithoutStamp) {
    auto bytes = packetWithStamp({1, 2});
    bytes[0] = 0x80;  // no P bit: the trailing bytes are payload
    rtp::RtpPacket packet;
    ASSERT_TRUE(rtp::RtpPacket::parse(bytes.data(), bytes.size(), packet));
    EXPECT_FALSE(PacketStamp::read(packet));
}

TEST(PacketStampTest, IgnoresWrongMagic) {
    auto bytes = packetWithStamp({1, 2});
    bytes[14] ^= 0xFF;
    rtp::RtpPacket packet;
    ASSERT_TRUE(rtp::RtpPacket::parse(bytes.data(), bytes.size(), packet));
    EXPECT_FALSE(PacketStamp::read(packet));
}

TEST(PacketStampTest, IgnoresOtherPaddingLength) {
    auto bytes = packetWithStamp({1, 2});
    bytes.back() = 4;  // ordinary 4-byte padding
    rtp::RtpPacket packet;
    ASSERT_TRUE(rtp::RtpPacket::parse(bytes.data(), bytes.size(), packet));
    EXPECT_FALSE(PacketStamp::read(packet));
}

}  // namespace
}  // namespace vcb::loadgen
