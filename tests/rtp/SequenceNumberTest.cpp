#include <gtest/gtest.h>

#include "sfu/rtp/SequenceNumber.hpp"

namespace vcb::rtp {
namespace {

TEST(SequenceNumber, IsNewerSimple) {
    EXPECT_TRUE(isNewer(2, 1));
    EXPECT_FALSE(isNewer(1, 2));
    EXPECT_FALSE(isNewer(7, 7));
}

TEST(SequenceNumber, IsNewerAcrossWrap) {
    EXPECT_TRUE(isNewer(0, 65535));
    EXPECT_TRUE(isNewer(10, 65530));
    EXPECT_FALSE(isNewer(65535, 0));
    EXPECT_FALSE(isNewer(65530, 10));
}

TEST(SequenceNumber, HalfwayIsAntisymmetric) {
    EXPECT_NE(isNewer(0x8000, 0), isNewer(0, 0x8000));
    EXPECT_NE(isNewer(0x9000, 0x1000), isNewer(0x1000, 0x9000));
}

TEST(SequenceNumber, SeqDiff) {
    EXPECT_EQ(seqDiff(5, 3), 2);
    EXPECT_EQ(seqDiff(3, 5), -2);
    EXPECT_EQ(seqDiff(1, 65535), 2);
    EXPECT_EQ(seqDiff(65535, 1), -2);
    EXPECT_EQ(seqDiff(0x7FFF, 0), 32767);
}

TEST(SeqUnwrapper, MonotonicAcrossManyWraps) {
    SeqUnwrapper u;
    int64_t expected = 65000;
    uint16_t seq = 65000;
    EXPECT_EQ(u.unwrap(seq), expected);
    for (int i = 0; i < 300000; ++i) {
        ++seq;
        ++expected;
        ASSERT_EQ(u.unwrap(seq), expected);
    }
    EXPECT_GT(expected, 4 * 65536);
}

TEST(SeqUnwrapper, ReorderedPacketsAroundWrap) {
    SeqUnwrapper u;
    EXPECT_EQ(u.unwrap(65534), 65534);
    EXPECT_EQ(u.unwrap(1), 65537);
    EXPECT_EQ(u.unwrap(65535), 65535);  // late packet from before the wrap
    EXPECT_EQ(u.unwrap(0), 65536);
    EXPECT_EQ(u.unwrap(2), 65538);
    EXPECT_EQ(u.highest(), 65538);
}

TEST(SeqUnwrapper, OlderThanFirstGoesNegative) {
    SeqUnwrapper u;
    EXPECT_EQ(u.unwrap(1), 1);
    EXPECT_EQ(u.unwrap(65535), -1);
    EXPECT_EQ(u.highest(), 1);
    u.reset();
    EXPECT_FALSE(u.started());
    EXPECT_EQ(u.unwrap(500), 500);
}

TEST(SeqUnwrapper, LargeJumpForward) {
    SeqUnwrapper u;
    EXPECT_EQ(u.unwrap(0), 0);
    EXPECT_EQ(u.unwrap(30000), 30000);
    EXPECT_EQ(u.unwrap(60000), 60000);
    EXPECT_EQ(u.unwrap(25000), 90536);
}

}  // namespace
}  // namespace vcb::rtp
