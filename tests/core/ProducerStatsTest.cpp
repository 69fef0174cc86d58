// What the producer counts for the technician panel (issue 11): bytes, RFC 3550 loss from
// extended sequence numbers, frames (distinct RTP timestamps) and the VP8 key frame's picture size.
#include <gtest/gtest.h>

#include "sfu/core/KeyFrameDetector.hpp"
#include "tests/core/CoreTestSupport.hpp"

namespace vcb::sfu {
namespace {

using test::Bytes;
using test::deliver;
using test::RecordingSink;
using test::Wiring;

// The start of a VP8 key frame as libvpx writes it for 320x240 (descriptor with a 15-bit picture
// id, frame tag 0x50 0x42 0x00: key frame, version 0, shown; start code; 14-bit sizes + scale).
const Bytes kKeyFrame320x240{0x90, 0x80, 0x81, 0x23,  // X, S, PID 0 | I | M + picture id
                             0x50, 0x42, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00,
                             0x11, 0x22};

TEST(ProducerStatsTest, Vp8KeyFrameSize) {
    uint16_t w = 0, h = 0;
    ASSERT_TRUE(vp8KeyFrameSize(kKeyFrame320x240, w, h));
    EXPECT_EQ(w, 320);
    EXPECT_EQ(h, 240);
    // Scale bits (the top two) are not part of the size.
    Bytes scaled = kKeyFrame320x240;
    scaled[11] |= 0x40;
    scaled[13] |= 0xc0;
    ASSERT_TRUE(vp8KeyFrameSize(scaled, w, h));
    EXPECT_EQ(w, 320);
    EXPECT_EQ(h, 240);
    ASSERT_TRUE(vp8KeyFrameSize(test::vp8KeyFrame(1), w, h));
    EXPECT_EQ(w, 640);
    EXPECT_EQ(h, 480);
    // Not a key frame, a continuation, a wrong start code, truncated: no size.
    EXPECT_FALSE(vp8KeyFrameSize(test::vp8DeltaFrame(1), w, h));
    EXPECT_FALSE(vp8KeyFrameSize(test::vp8Continuation(1), w, h));
    Bytes badStart = kKeyFrame320x240;
    badStart[7] = 0x9c;
    EXPECT_FALSE(vp8KeyFrameSize(badStart, w, h));
    EXPECT_FALSE(vp8KeyFrameSize(Bytes(kKeyFrame320x240.begin(), kKeyFrame320x240.begin() + 12),
                                 w, h));
}

TEST(ProducerStatsTest, CountsBytesLossFramesAndSize) {
    RecordingSink publisher;
    Wiring wiring;
    Producer producer(test::vp8Producer("cam", 0xCAFE), publisher, wiring);
    EXPECT_EQ(producer.frameWidth(), 0);
    EXPECT_EQ(producer.packetsLost(), 0);
    int64_t now = 1'000'000;
    // Frame 1 (key, two packets), frame 2 (one packet), seq 4 lost, frame 3 at seq 5.
    deliver(producer, {96, 1, 3000, 0xCAFE, false, {}, kKeyFrame320x240}, now);
    deliver(producer, {96, 2, 3000, 0xCAFE, true, {}, test::vp8Continuation(1)}, now += 1000);
    deliver(producer, {96, 3, 6000, 0xCAFE, true, {}, test::vp8DeltaFrame(2)}, now += 33'000);
    deliver(producer, {96, 5, 9000, 0xCAFE, true, {}, test::vp8DeltaFrame(3)}, now += 66'000);
    EXPECT_EQ(producer.packetsReceived(), 4u);
    EXPECT_EQ(producer.packetsLost(), 1);
    EXPECT_EQ(producer.framesReceived(), 3u);
    EXPECT_EQ(producer.frameWidth(), 320);
    EXPECT_EQ(producer.frameHeight(), 240);
    const uint64_t bytes = 4 * 12 + kKeyFrame320x240.size() + test::vp8Continuation(1).size() +
                           2 * test::vp8DeltaFrame(2).size();
    EXPECT_EQ(producer.bytesReceived(), bytes);
    // A reordered packet of an older frame is no new frame; the late seq 4 repairs the loss.
    deliver(producer, {96, 4, 6000, 0xCAFE, false, {}, test::vp8Continuation(2)}, now += 1000);
    EXPECT_EQ(producer.framesReceived(), 3u);
    EXPECT_EQ(producer.packetsLost(), 0);
}

}  // namespace
}  // namespace vcb::sfu
