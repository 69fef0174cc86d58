#include <gtest/gtest.h>

#include "sfu/rtp/ByteOrder.hpp"

namespace vcb::rtp {
namespace {

TEST(ByteOrder, ReadsBigEndian) {
    const uint8_t b[8] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
    EXPECT_EQ(readU16(b), 0x0102);
    EXPECT_EQ(readU24(b), 0x010203u);
    EXPECT_EQ(readU32(b), 0x01020304u);
    EXPECT_EQ(readU64(b), 0x0102030405060708ull);
}

TEST(ByteOrder, WritesBigEndianAndRoundTrips) {
    uint8_t b[8] = {};
    writeU16(b, 0xABCD);
    EXPECT_EQ(b[0], 0xAB);
    EXPECT_EQ(b[1], 0xCD);
    writeU24(b, 0x123456);
    EXPECT_EQ(b[0], 0x12);
    EXPECT_EQ(b[2], 0x56);
    EXPECT_EQ(readU24(b), 0x123456u);
    writeU32(b, 0xDEADBEEF);
    EXPECT_EQ(b[0], 0xDE);
    EXPECT_EQ(b[3], 0xEF);
    EXPECT_EQ(readU32(b), 0xDEADBEEFu);
    writeU64(b, 0x8877665544332211ull);
    EXPECT_EQ(b[0], 0x88);
    EXPECT_EQ(b[7], 0x11);
    EXPECT_EQ(readU64(b), 0x8877665544332211ull);
}

TEST(ByteOrder, HighBitsDoNotSignExtend) {
    const uint8_t b[4] = {0xFF, 0xFF, 0xFF, 0xFF};
    EXPECT_EQ(readU16(b), 0xFFFF);
    EXPECT_EQ(readU24(b), 0xFFFFFFu);
    EXPECT_EQ(readU32(b), 0xFFFFFFFFu);
}

}  // namespace
}  // namespace vcb::rtp
